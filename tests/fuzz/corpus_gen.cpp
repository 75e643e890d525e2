// Writes the fuzz seed corpus, encoded by our own encoder from ike/wire/samples:
//   fuzz-corpus-gen OUT_DIR  ->  OUT_DIR/<target>/<seed>.bin
// Inner-chain seeds start with the first payload type (the targets' second input form).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ike/wire/encode.hpp"
#include "ike/wire/samples.hpp"
#include "ike/wire/v1/codec.hpp"

namespace fs = std::filesystem;
using namespace ike::wire;
namespace s = ike::wire::samples;

namespace {

bool write(const fs::path& dir, const std::string& name, const base::Bytes& bytes) {
    std::ofstream out(dir / (name + ".bin"), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
}

template <class First>
base::Bytes inner_seed(First first, base::Bytes chain) {
    chain.insert(chain.begin(), static_cast<std::uint8_t>(first));
    return chain;
}

// An IKE_AUTH request whose SK body is the plaintext chain, so the target's inner-chain
// check starts from real payloads.
Message auth_with_plain_body() {
    auto m = s::ike_auth_request();
    auto inner = s::ike_auth_inner();
    m.payloads.back() = Encrypted{first_payload_type(inner), encode_payloads(inner)};
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz-corpus-gen OUT_DIR\n");
        return 2;
    }
    fs::path v2 = fs::path(argv[1]) / "ikev2-decode-fuzz", v1 = fs::path(argv[1]) / "ikev1-decode-fuzz";
    std::error_code ec;
    fs::create_directories(v2, ec);
    fs::create_directories(v1, ec);
    auto auth = s::ike_auth_inner(), info = s::informational_inner();
    auto qm = s::v1::quick_mode_inner(), v1_info = s::v1::informational_inner();
    bool ok = write(v2, "ike_sa_init_request", encode(s::ike_sa_init_request())) &&
              write(v2, "ike_sa_init_response", encode(s::ike_sa_init_response())) &&
              write(v2, "ike_auth_request", encode(s::ike_auth_request())) &&
              write(v2, "ike_auth_plain_body", encode(auth_with_plain_body())) &&
              write(v2, "informational_fragment", encode(s::informational_fragment())) &&
              write(v2, "inner_ike_auth", inner_seed(first_payload_type(auth), encode_payloads(auth))) &&
              write(v2, "inner_informational", inner_seed(first_payload_type(info), encode_payloads(info))) &&
              write(v1, "main_mode_sa", v1::encode(s::v1::main_mode_sa())) &&
              write(v1, "main_mode_ke", v1::encode(s::v1::main_mode_ke())) &&
              write(v1, "quick_mode_encrypted", v1::encode(s::v1::quick_mode_encrypted())) &&
              write(v1, "inner_quick_mode", inner_seed(v1::first_payload_type(qm), v1::encode_payloads(qm))) &&
              write(v1, "inner_informational", inner_seed(v1::first_payload_type(v1_info), v1::encode_payloads(v1_info)));
    if (!ok) std::fprintf(stderr, "fuzz-corpus-gen: cannot write to %s\n", argv[1]);
    return ok ? 0 : 1;
}
