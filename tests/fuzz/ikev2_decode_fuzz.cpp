// libFuzzer target: the IKEv2 decoder, outer message and inner (decrypted SK) chain, with
// the round-trip property on whatever decodes.
#include <cstdint>

#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"
#include "tests/fuzz/round_trip.hpp"

using namespace ike::wire;

namespace {

void check_inner(PayloadType first, base::ByteView plaintext) {
    if (auto payloads = decode_payloads(first, plaintext))
        require_round_trip(*payloads, [](const auto& p) { return encode_payloads(p); },
                           [&](const Bytes& b) { return decode_payloads(first_payload_type(*payloads), b); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    base::ByteView input(data, size);
    if (auto m = decode_message(input)) {
        require_round_trip(*m, [](const Message& v) { return encode(v); }, [](const Bytes& b) { return decode_message(b); });
        // The SK body stands in for a decrypted plaintext (seeds carry an encoded chain).
        if (!m->payloads.empty())
            if (const auto* sk = std::get_if<Encrypted>(&m->payloads.back())) check_inner(sk->first_inner, sk->body);
    }
    // The same bytes as an inner chain: first byte = first payload type.
    if (size > 0) check_inner(static_cast<PayloadType>(data[0]), input.subspan(1));
    return 0;
}
