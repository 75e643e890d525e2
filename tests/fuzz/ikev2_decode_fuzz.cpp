// libFuzzer target: the IKEv2 decoder, outer message and inner (decrypted SK) chain.
// Besides "no crash, no UB", it checks the codec's round-trip property on whatever decodes:
// decode(encode(m)) == m.
#include <cstdint>
#include <cstdlib>

#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"

using namespace ike::wire;

namespace {

void require(bool ok) {
    if (!ok) std::abort();  // a round-trip mismatch is a codec bug: report it as a crash
}

void check_inner(PayloadType first, base::ByteView plaintext) {
    auto payloads = decode_payloads(first, plaintext);
    if (!payloads) return;
    auto again = decode_payloads(first_payload_type(*payloads), encode_payloads(*payloads));
    require(again && *again == *payloads);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    base::ByteView input(data, size);
    if (auto m = decode_message(input)) {
        auto again = decode_message(encode(*m));
        require(again && *again == *m);
        // The SK body stands in for a decrypted plaintext (seeds carry an encoded chain).
        if (!m->payloads.empty())
            if (const auto* sk = std::get_if<Encrypted>(&m->payloads.back())) check_inner(sk->first_inner, sk->body);
    }
    // The same bytes as an inner chain: first byte = first payload type.
    if (size > 0) check_inner(static_cast<PayloadType>(data[0]), input.subspan(1));
    return 0;
}
