#include "ike/wire/payload_header.hpp"
#include "ike/wire/substructures.hpp"
#include "ike/wire/v1/codec.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire::v1 {

namespace {

std::uint8_t u8(auto e) { return static_cast<std::uint8_t>(e); }

void write_body(Writer& w, const SecurityAssociation& sa) {
    w.put_u32(sa.doi);
    w.put_u32(sa.situation);
    write_substructures(w, sa.proposals, u8(PayloadType::proposal), [&w](const Proposal& p) {
        w.put_u8(p.number);
        w.put_u8(u8(p.protocol));
        w.put_u8(u8(p.spi.size()));
        w.put_u8(u8(p.transforms.size()));
        w.put_bytes(p.spi);
        write_substructures(w, p.transforms, u8(PayloadType::transform), [&w](const Transform& t) {
            w.put_u8(t.number);
            w.put_u8(t.id);
            w.put_u16(0);  // RESERVED2
            write_attributes(w, t.attributes);
        });
    });
}

void write_body(Writer& w, const Identification& id) {
    w.put_u8(u8(id.type));
    w.put_u8(id.protocol);
    w.put_u16(id.port);
    w.put_bytes(id.data);
}

template <PayloadType K>
void write_body(Writer& w, const CertificatePayload<K>& c) {
    w.put_u8(c.encoding);
    w.put_bytes(c.data);
}

template <PayloadType K>
void write_body(Writer& w, const OpaquePayload<K>& o) {
    w.put_bytes(o.data);
}

void write_body(Writer& w, const Notification& n) {
    w.put_u32(n.doi);
    w.put_u8(n.protocol);
    w.put_u8(u8(n.spi.size()));
    w.put_u16(n.type);
    w.put_bytes(n.spi);
    w.put_bytes(n.data);
}

void write_body(Writer& w, const Delete& d) {
    w.put_u32(d.doi);
    w.put_u8(d.protocol);
    w.put_u8(d.spi_size);
    w.put_u16(static_cast<std::uint16_t>(d.spis.size()));
    for (const auto& spi : d.spis) w.put_bytes(spi);
}

void write_body(Writer& w, const NatOa& oa) {
    w.put_u8(u8(oa.type));
    w.put_u8(0);
    w.put_u16(0);  // RESERVED
    w.put_bytes(oa.address);
}

PayloadType type_of(const Payload& p) {
    return std::visit([](const auto& body) { return std::decay_t<decltype(body)>::kType; }, p);
}

void write_chain(Writer& w, std::span<const Payload> payloads) {
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        auto next = i + 1 < payloads.size() ? type_of(payloads[i + 1]) : PayloadType::none;
        auto start = begin_payload(w, u8(next), 0);
        std::visit([&w](const auto& body) { write_body(w, body); }, payloads[i]);
        end_payload(w, start);
    }
}

}  // namespace

PayloadType first_payload_type(std::span<const Payload> payloads) {
    return payloads.empty() ? PayloadType::none : type_of(payloads.front());
}

Bytes encode(const Message& m) {
    Writer w;
    const Header& h = m.header;
    w.put_u64(h.cookie_i);
    w.put_u64(h.cookie_r);
    w.put_u8(u8(m.encrypted ? m.encrypted->first_payload : first_payload_type(m.payloads)));
    w.put_u8(u8(h.major_version << 4 | (h.minor_version & 0x0f)));
    w.put_u8(u8(h.exchange));
    w.put_u8(h.flags);
    w.put_u32(h.message_id);
    auto length_at = w.reserve_u32();
    if (m.encrypted)
        w.put_bytes(m.encrypted->ciphertext);
    else
        write_chain(w, m.payloads);
    w.patch_length_u32(length_at, 0);
    return w.take();
}

Bytes encode_payloads(std::span<const Payload> payloads) {
    Writer w;
    write_chain(w, payloads);
    return w.take();
}

}  // namespace ike::wire::v1
