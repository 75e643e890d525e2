// Payload bodies both IKE versions lay out alike, IKEv1 only putting a DOI in front: Notify
// (RFC 7296 3.10, RFC 2408 3.14), Delete (RFC 7296 3.11, RFC 2408 3.15) and CERT/CERTREQ
// (RFC 7296 3.6-3.7, RFC 2408 3.9-3.10). Each version checks its own rules around them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ike/wire/reader.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire {

// Protocol ID, SPI Size, Notify Message Type, SPI (at most `max_spi` octets), data.
template <class Notify>
void read_notify_fields(Reader& r, Notify& n, std::size_t max_spi) {
    n.protocol = r.get_u8();
    const std::uint8_t spi_size = r.get_u8();
    n.type = r.get_u16();
    const base::ByteView spi = r.get_range(spi_size, 0, max_spi);
    n.spi.assign(spi.begin(), spi.end());
    const base::ByteView data = r.get_rest();
    n.data.assign(data.begin(), data.end());
}

template <class Notify>
void write_notify_fields(Writer& w, const Notify& n) {
    w.put_u8(n.protocol);
    w.put_u8(static_cast<std::uint8_t>(n.spi.size()));
    w.put_u16(n.type);
    w.put_bytes(n.spi);
    w.put_bytes(n.data);
}

// Protocol ID and SPI Size into `d`; returns # of SPIs, whose SPIs read_delete_spis takes
// once the version has checked the sizes.
template <class Delete>
std::uint16_t read_delete_head(Reader& r, Delete& d) {
    d.protocol = static_cast<decltype(d.protocol)>(r.get_u8());
    d.spi_size = r.get_u8();
    return r.get_u16();
}

template <class Delete>
void read_delete_spis(Reader& r, Delete& d, std::uint16_t count) {
    if (!r.failed() && std::size_t{count} * d.spi_size != r.remaining()) r.fail("SPI count mismatch");
    for (std::size_t i = 0; i < count && !r.failed(); ++i) {
        const base::ByteView spi = r.get_bytes(d.spi_size);
        d.spis.emplace_back(spi.begin(), spi.end());
    }
}

template <class Delete>
void write_delete_fields(Writer& w, const Delete& d) {
    w.put_u8(static_cast<std::uint8_t>(d.protocol));
    w.put_u8(d.spi_size);
    w.put_u16(static_cast<std::uint16_t>(d.spis.size()));
    for (const auto& spi : d.spis) w.put_bytes(spi);
}

// Encoding, then the certificate (or certification authority) data.
template <class Cert>
void read_cert_fields(Reader& r, Cert& c) {
    c.encoding = static_cast<decltype(c.encoding)>(r.get_u8());
    const base::ByteView data = r.get_rest();
    c.data.assign(data.begin(), data.end());
}

template <class Cert>
void write_cert_fields(Writer& w, const Cert& c) {
    w.put_u8(static_cast<std::uint8_t>(c.encoding));
    w.put_bytes(c.data);
}

}  // namespace ike::wire
