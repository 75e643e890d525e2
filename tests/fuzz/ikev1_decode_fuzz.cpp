// libFuzzer target: the IKEv1 decoder, whole datagrams and decrypted payload chains (first
// byte = first payload type), with the round-trip property on whatever decodes.
#include <cstdint>

#include "ike/wire/v1/codec.hpp"
#include "tests/fuzz/round_trip.hpp"

using namespace ike::wire::v1;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    base::ByteView input(data, size);
    if (auto m = decode_message(input))
        require_round_trip(*m, [](const Message& v) { return encode(v); }, [](const Bytes& b) { return decode_message(b); });
    if (size == 0) return 0;
    if (auto payloads = decode_payloads(static_cast<PayloadType>(data[0]), input.subspan(1)))
        require_round_trip(*payloads, [](const auto& p) { return encode_payloads(p); },
                           [&](const Bytes& b) { return decode_payloads(first_payload_type(*payloads), b); });
    return 0;
}
