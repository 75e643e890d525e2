#include "ike/wire/encode.hpp"

#include "ike/wire/body_layouts.hpp"
#include "ike/wire/fixed_header.hpp"
#include "ike/wire/payload_chain.hpp"
#include "ike/wire/proposals.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire {

namespace {

std::uint8_t u8(auto e) { return static_cast<std::uint8_t>(e); }
std::uint16_t u16(auto e) { return static_cast<std::uint16_t>(e); }

void put_reserved(Writer& w, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) w.put_u8(0);
}

void write_body(Writer& w, const SecurityAssociation& sa) {
    write_proposals(w, sa.proposals, {.more_proposals = kMoreProposals, .more_transforms = kMoreTransforms},
                    [&w](const Transform& t) {
                        w.put_u8(u8(t.type));
                        put_reserved(w, 1);
                        w.put_u16(t.id);
                        write_attributes(w, t.attributes);
                    });
}

void write_body(Writer& w, const KeyExchange& ke) {
    w.put_u16(u16(ke.group));
    put_reserved(w, 2);
    w.put_bytes(ke.data);
}

template <PayloadType K>
void write_body(Writer& w, const IdentificationPayload<K>& id) {
    w.put_u8(u8(id.type));
    put_reserved(w, 3);
    w.put_bytes(id.data);
}

template <PayloadType K>
void write_body(Writer& w, const CertificatePayload<K>& c) {
    write_cert_fields(w, c);
}

void write_body(Writer& w, const Authentication& a) {
    w.put_u8(u8(a.method));
    put_reserved(w, 3);
    w.put_bytes(a.data);
}

template <PayloadType K>
void write_body(Writer& w, const OpaquePayload<K>& p) {
    w.put_bytes(p.data);
}

void write_body(Writer& w, const Notify& n) { write_notify_fields(w, n); }

void write_body(Writer& w, const Delete& d) { write_delete_fields(w, d); }

template <PayloadType K>
void write_body(Writer& w, const TrafficSelectorPayload<K>& p) {
    w.put_u8(u8(p.selectors.size()));
    put_reserved(w, 3);
    for (const auto& ts : p.selectors) {
        w.put_u8(u8(ts.type));
        w.put_u8(ts.ip_protocol);
        w.put_u16(u16(8 + ts.start_address.size() + ts.end_address.size()));
        w.put_u16(ts.start_port);
        w.put_u16(ts.end_port);
        w.put_bytes(ts.start_address);
        w.put_bytes(ts.end_address);
    }
}

void write_body(Writer& w, const Encrypted& sk) { w.put_bytes(sk.body); }

void write_body(Writer& w, const EncryptedFragment& f) {
    w.put_u16(f.number);
    w.put_u16(f.total);
    w.put_bytes(f.body);
}

void write_body(Writer& w, const Configuration& cp) {
    w.put_u8(u8(cp.type));
    put_reserved(w, 3);
    for (const auto& a : cp.attributes) {
        w.put_u16(u16(a.type));
        w.put_u16(u16(a.value.size()));
        w.put_bytes(a.value);
    }
}

void write_body(Writer& w, const Eap& e) { w.put_bytes(e.message); }

void write_body(Writer& w, const UnknownPayload& u) { w.put_bytes(u.body); }

// SK and SKF carry the first inner payload type instead of a chain successor.
PayloadType next_field(const Payload& p, PayloadType successor) {
    if (const auto* sk = std::get_if<Encrypted>(&p)) return sk->first_inner;
    if (const auto* skf = std::get_if<EncryptedFragment>(&p)) return skf->first_inner;
    return successor;
}

void write_chain(Writer& w, std::span<const Payload> payloads) {
    write_payload_chain(
        w, payloads,
        [](const Payload& p, const Payload* after) {
            const auto successor = after ? static_cast<PayloadType>(payload_type(*after)) : PayloadType::none;
            const auto* unknown = std::get_if<UnknownPayload>(&p);
            // RFC 7296 3.2: the critical bit MUST be zero for the payload types it defines.
            return PayloadHeader{.next = u8(next_field(p, successor)),
                                 .flags = unknown && unknown->critical ? kCriticalBit : std::uint8_t{0}};
        },
        [&w](const Payload& p) { std::visit([&w](const auto& body) { write_body(w, body); }, p); });
}

}  // namespace

std::uint8_t payload_type(const Payload& p) {
    if (const auto* u = std::get_if<UnknownPayload>(&p)) return u->type;
    return std::visit([](const auto& body) -> std::uint8_t {
        if constexpr (requires { std::decay_t<decltype(body)>::kType; }) return u8(std::decay_t<decltype(body)>::kType);
        else return 0;
    }, p);
}

PayloadType first_payload_type(std::span<const Payload> payloads) {
    return payloads.empty() ? PayloadType::none : static_cast<PayloadType>(payload_type(payloads.front()));
}

Bytes encode(const Message& m) {
    return write_datagram(m.header, u8(first_payload_type(m.payloads)), [&m](Writer& w) { write_chain(w, m.payloads); });
}

Bytes encode_payloads(std::span<const Payload> payloads) {
    Writer w;
    write_chain(w, payloads);
    return w.take();
}

base::Result<Bytes> encrypted_prefix(const Message& m, std::size_t body_size) {
    if (m.payloads.empty()) return base::fail("encrypted_prefix: message has no payloads");
    // Encode with a stand-in body of the final size, then cut the body off again.
    Message sized{m.header, {m.payloads.begin(), m.payloads.end() - 1}};
    const Payload& last = m.payloads.back();
    if (const auto* sk = std::get_if<Encrypted>(&last)) {
        sized.payloads.push_back(Encrypted{sk->first_inner, Bytes(body_size)});
    } else if (const auto* skf = std::get_if<EncryptedFragment>(&last)) {
        sized.payloads.push_back(EncryptedFragment{skf->first_inner, skf->number, skf->total, Bytes(body_size)});
    } else {
        return base::fail("encrypted_prefix: last payload is not SK or SKF");
    }
    Bytes out = encode(sized);
    out.resize(out.size() - body_size);
    return out;
}

}  // namespace ike::wire
