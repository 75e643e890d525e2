#include "ike/wire/payload_header.hpp"

namespace ike::wire {

Reader read_payload_header(Reader& r, PayloadHeader& header) {
    header.next = r.get_u8();
    header.flags = r.get_u8();
    header.length = r.get_u16();
    if (!r.failed() && header.length < kPayloadHeaderSize) r.fail("payload length below header size");
    if (!r.failed() && header.length - kPayloadHeaderSize > r.remaining()) r.fail("payload length beyond data");
    return r.sub_reader(r.failed() ? 0 : header.length - kPayloadHeaderSize);
}

std::size_t begin_payload(Writer& w, std::uint8_t next, std::uint8_t flags) {
    std::size_t start = w.size();
    w.put_u8(next);
    w.put_u8(flags);
    (void)w.reserve_u16();
    return start;
}

}  // namespace ike::wire
