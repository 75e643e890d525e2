// The fixed header both IKE versions lay out alike (RFC 7296 3.1, RFC 2408 3.1): two 8-octet
// SPIs (IKEv1's cookies), Next Payload, Major|Minor Version, Exchange Type, Flags, Message
// ID, Length. Each version's Header holds the same seven fields in that order; Next Payload
// and Length are derived when encoding, so they travel beside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "base/bytes.hpp"
#include "ike/wire/reader.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire {

struct HeaderTail {
    std::uint8_t first_payload = 0;
    std::uint32_t length = 0;
};

// Reads the 28 octets into `h`; a short datagram fails `r`.
template <class Header>
HeaderTail read_fixed_header(Reader& r, Header& h) {
    auto& [spi_i, spi_r, major, minor, exchange, flags, message_id] = h;
    HeaderTail tail;
    spi_i = r.get_u64();
    spi_r = r.get_u64();
    tail.first_payload = r.get_u8();
    const std::uint8_t version = r.get_u8();
    major = static_cast<std::uint8_t>(version >> 4);
    minor = static_cast<std::uint8_t>(version & 0x0f);
    exchange = static_cast<std::remove_reference_t<decltype(exchange)>>(r.get_u8());
    flags = r.get_u8();
    message_id = r.get_u32();
    tail.length = r.get_u32();
    return tail;
}

// A datagram: `h` with Next Payload `first`, then what write_body(writer) writes, with
// Length counting it all.
template <class Header, class WriteBody>
base::Bytes write_datagram(const Header& h, std::uint8_t first, WriteBody&& write_body) {
    const auto& [spi_i, spi_r, major, minor, exchange, flags, message_id] = h;
    Writer w;
    w.put_u64(spi_i);
    w.put_u64(spi_r);
    w.put_u8(first);
    w.put_u8(static_cast<std::uint8_t>(major << 4 | (minor & 0x0f)));
    w.put_u8(static_cast<std::uint8_t>(exchange));
    w.put_u8(flags);
    w.put_u32(message_id);
    const std::size_t length_at = w.reserve_u32();
    write_body(w);
    w.patch_length_u32(length_at, 0);
    return w.take();
}

}  // namespace ike::wire
