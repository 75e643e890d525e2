#include "ike/wire/body_layouts.hpp"
#include "ike/wire/fixed_header.hpp"
#include "ike/wire/payload_chain.hpp"
#include "ike/wire/proposals.hpp"
#include "ike/wire/v1/codec.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire::v1 {

namespace {

std::uint8_t u8(auto e) { return static_cast<std::uint8_t>(e); }

void write_body(Writer& w, const SecurityAssociation& sa) {
    w.put_u32(sa.doi);
    w.put_u32(sa.situation);
    const ProposalRules markers{.more_proposals = u8(PayloadType::proposal),
                                .more_transforms = u8(PayloadType::transform)};
    write_proposals(w, sa.proposals, markers, [&w](const Transform& t) {
        w.put_u8(t.number);
        w.put_u8(t.id);
        w.put_u16(0);  // RESERVED2
        write_attributes(w, t.attributes);
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
    write_cert_fields(w, c);
}

template <PayloadType K>
void write_body(Writer& w, const OpaquePayload<K>& o) {
    w.put_bytes(o.data);
}

void write_body(Writer& w, const Notification& n) {
    w.put_u32(n.doi);
    write_notify_fields(w, n);
}

void write_body(Writer& w, const Delete& d) {
    w.put_u32(d.doi);
    write_delete_fields(w, d);
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
    write_payload_chain(
        w, payloads,
        [](const Payload&, const Payload* after) {
            return PayloadHeader{.next = u8(after ? type_of(*after) : PayloadType::none)};
        },
        [&w](const Payload& p) { std::visit([&w](const auto& body) { write_body(w, body); }, p); });
}

}  // namespace

PayloadType first_payload_type(std::span<const Payload> payloads) {
    return payloads.empty() ? PayloadType::none : type_of(payloads.front());
}

Bytes encode(const Message& m) {
    const auto first = m.encrypted ? m.encrypted->first_payload : first_payload_type(m.payloads);
    return write_datagram(m.header, u8(first), [&m](Writer& w) {
        if (m.encrypted)
            w.put_bytes(m.encrypted->ciphertext);
        else
            write_chain(w, m.payloads);
    });
}

Bytes encode_payloads(std::span<const Payload> payloads) {
    Writer w;
    write_chain(w, payloads);
    return w.take();
}

}  // namespace ike::wire::v1
