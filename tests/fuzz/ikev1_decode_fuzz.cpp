// libFuzzer target: the IKEv1 decoder, whole datagrams and decrypted payload chains, with
// the round-trip property decode(encode(m)) == m on whatever decodes.
#include <cstdint>
#include <cstdlib>

#include "ike/wire/v1/codec.hpp"

using namespace ike::wire::v1;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    base::ByteView input(data, size);
    if (auto m = decode_message(input)) {
        auto again = decode_message(encode(*m));
        require(again && *again == *m);
    }
    if (size > 0) {
        auto first = static_cast<PayloadType>(data[0]);
        if (auto payloads = decode_payloads(first, input.subspan(1))) {
            auto again = decode_payloads(first_payload_type(*payloads), encode_payloads(*payloads));
            require(again && *again == *payloads);
        }
    }
    return 0;
}
