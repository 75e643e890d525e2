#include <string>

#include "ike/wire/body_layouts.hpp"
#include "ike/wire/fixed_header.hpp"
#include "ike/wire/limits.hpp"
#include "ike/wire/payload_chain.hpp"
#include "ike/wire/proposals.hpp"
#include "ike/wire/v1/codec.hpp"

namespace ike::wire::v1 {

namespace {

constexpr std::uint16_t kMalformed = notify::payload_malformed;
constexpr std::uint16_t kBadProposal = notify::bad_proposal_syntax;
constexpr std::uint8_t kNextProposal = static_cast<std::uint8_t>(PayloadType::proposal);
constexpr std::uint8_t kNextTransform = static_cast<std::uint8_t>(PayloadType::transform);
constexpr std::size_t kMaxSpiSize = 16;  // an ISAKMP SA's cookie pair (RFC 2408 3.15)
constexpr std::size_t kAnySize = 0xffff;

Bytes to_bytes(base::ByteView v) { return Bytes(v.begin(), v.end()); }

// RFC 2408 3.5: an ISAKMP SA's SPI is its cookie pair; other SPIs are shorter.
bool valid_spi_size(std::uint8_t, std::size_t size) { return size <= kMaxSpiSize; }

// RFC 2408 4.2: proposal numbers MUST be monotonically increasing (equal = AND).
bool non_decreasing(std::uint8_t previous, std::uint8_t next) { return next >= previous; }

// RFC 2408 3.5-3.6: Next Payload is 2 before another proposal, 3 before another transform.
constexpr ProposalRules kProposalRules{kNextProposal, kNextTransform, kBadProposal, valid_spi_size, non_decreasing,
                                       "proposal numbers decrease"};

ParseResult<Transform> read_transform(Reader& r) {
    Transform t;
    t.number = r.get_u8();
    t.id = r.get_u8();
    r.skip(2);
    t.attributes = read_attributes(r, limits::kMaxAttributes * 2);  // phase 1 lists ~8
    return finish(r, "transform", kBadProposal, std::move(t));
}

ParseResult<Payload> read_sa(Reader& r) {
    SecurityAssociation sa;
    sa.doi = r.get_u32();
    sa.situation = r.get_u32();
    if (r.failed()) return reject(r, "SA", kMalformed);
    if (sa.doi != kDoiIpsec) return reject("SA: DOI not supported", r.offset() - 8, notify::doi_not_supported);
    // RFC 2407 4.2: secrecy and integrity situations add labelled-domain fields we refuse.
    if (sa.situation & (kSitSecrecy | kSitIntegrity))
        return reject("SA: situation not supported", r.offset() - 4, notify::situation_not_supported);
    auto proposals = read_proposals<Proposal>(r, kProposalRules, read_transform);
    if (!proposals) return base::Unexpected{proposals.error()};
    sa.proposals = std::move(*proposals);
    return finish<Payload>(r, "SA", kBadProposal, std::move(sa));
}

// RFC 2407 4.6.2.1: address-based IDs have fixed sizes; the rest are non-empty.
std::size_t id_size(IdType t) {
    switch (t) {
        case IdType::ipv4_addr: return 4;
        case IdType::ipv4_addr_subnet:
        case IdType::ipv4_addr_range: return 8;
        case IdType::ipv6_addr: return 16;
        case IdType::ipv6_addr_subnet:
        case IdType::ipv6_addr_range: return 32;
        case IdType::fqdn:
        case IdType::user_fqdn:
        case IdType::der_asn1_dn:
        case IdType::der_asn1_gn:
        case IdType::key_id: break;
    }
    return 0;
}

ParseResult<Payload> read_id(Reader& r) {
    Identification id;
    id.type = static_cast<IdType>(r.get_u8());
    id.protocol = r.get_u8();
    id.port = r.get_u16();
    std::size_t size = id_size(id.type);
    id.data = to_bytes(r.get_range(r.remaining(), size ? size : 1, size ? size : kAnySize));
    return finish<Payload>(r, "ID", notify::invalid_id_information, std::move(id));
}

template <class Cert>
ParseResult<Payload> read_cert(Reader& r) {
    Cert c;
    read_cert_fields(r, c);
    return finish<Payload>(r, Cert::kType == PayloadType::cert ? "CERT" : "CR", kMalformed, std::move(c));
}

template <class Opaque>
ParseResult<Payload> read_opaque(Reader& r, const char* name, std::size_t min, std::size_t max) {
    Opaque o{to_bytes(r.get_range(r.remaining(), min, max))};
    return finish<Payload>(r, name, kMalformed, std::move(o));
}

ParseResult<Payload> read_notification(Reader& r) {
    Notification n;
    n.doi = r.get_u32();
    read_notify_fields(r, n, kMaxSpiSize);
    return finish<Payload>(r, "N", kMalformed, std::move(n));
}

ParseResult<Payload> read_delete(Reader& r) {
    Delete d;
    d.doi = r.get_u32();
    const std::uint16_t count = read_delete_head(r, d);
    if (!r.failed() && (d.spi_size == 0 || d.spi_size > kMaxSpiSize)) r.fail("SPI size out of range");
    read_delete_spis(r, d, count);
    return finish<Payload>(r, "D", kMalformed, std::move(d));
}

ParseResult<Payload> read_nat_oa(Reader& r) {
    NatOa oa;
    oa.type = static_cast<IdType>(r.get_u8());
    r.skip(3);
    std::size_t size = oa.type == IdType::ipv4_addr ? 4 : oa.type == IdType::ipv6_addr ? 16 : 0;
    if (!r.failed() && size == 0) r.fail("ID type is not an address");
    oa.address = to_bytes(r.get_bytes(size));
    return finish<Payload>(r, "NAT-OA", kMalformed, std::move(oa));
}

ParseResult<Payload> decode_body(PayloadType type, Reader& r) {
    switch (type) {
        case PayloadType::sa: return read_sa(r);
        case PayloadType::ke: return read_opaque<KeyExchange>(r, "KE", 1, kAnySize);
        case PayloadType::id: return read_id(r);
        case PayloadType::cert: return read_cert<Certificate>(r);
        case PayloadType::certreq: return read_cert<CertificateRequest>(r);
        case PayloadType::hash: return read_opaque<Hash>(r, "HASH", 1, kAnySize);
        case PayloadType::sig: return read_opaque<Signature>(r, "SIG", 1, kAnySize);
        // RFC 2409 5: nonce data MUST be between 8 and 256 bytes inclusive.
        case PayloadType::nonce: return read_opaque<Nonce>(r, "NONCE", 8, 256);
        case PayloadType::notification: return read_notification(r);
        case PayloadType::del: return read_delete(r);
        case PayloadType::vendor_id: return read_opaque<VendorId>(r, "VID", 0, kAnySize);
        case PayloadType::nat_d: return read_opaque<NatD>(r, "NAT-D", 1, kAnySize);
        case PayloadType::nat_oa: return read_nat_oa(r);
        case PayloadType::none:
        case PayloadType::proposal:
        case PayloadType::transform: break;
    }
    // RFC 2408 5.1 (and 3.1: Proposal/Transform only appear inside an SA).
    return reject("invalid payload type " + std::to_string(unsigned(type)), r.offset(),
                  notify::invalid_payload_type);
}

ParseResult<std::vector<Payload>> decode_chain(Reader& r, PayloadType first) {
    return read_chain<Payload>(
        r, first, kMalformed, [](PayloadType t) { return "payload " + std::to_string(unsigned(t)); },
        [](PayloadType type, const PayloadHeader&, Reader& body, std::size_t start) {
            auto p = decode_body(type, body);
            if (!p && p.error().notify == notify::invalid_payload_type) p.error().offset = start;
            return p;
        },
        [](PayloadType) { return false; });
}

}  // namespace

ParseResult<Message> decode_message(base::ByteView datagram) {
    Reader r(datagram);
    Message m;
    const HeaderTail tail = read_fixed_header(r, m.header);
    const auto first = static_cast<PayloadType>(tail.first_payload);
    if (r.failed()) return reject(r, "header", kMalformed);
    // RFC 2408 3.1: Major Version 1; a larger one is answered with INVALID-MAJOR-VERSION.
    if (m.header.major_version != kMajorVersion)
        return reject("header: major version not 1", 17, notify::invalid_major_version);
    // RFC 2408 3.1 / 2.5.3: the initiator cookie identifies the SA and is never zero.
    if (m.header.cookie_i == 0) return reject("header: initiator cookie is zero", 0, notify::invalid_cookie);
    if (tail.length != datagram.size() || tail.length > limits::kMaxMessageSize)
        return reject("header: Length differs from datagram size", 24, notify::unequal_payload_lengths);
    if (m.header.flags & flag::encryption) {
        m.encrypted = EncryptedBody{first, to_bytes(r.get_rest())};
        return m;
    }
    auto payloads = decode_chain(r, first);
    if (!payloads) return base::Unexpected{payloads.error()};
    if (!r.empty()) return reject("bytes after the last payload", r.offset(), kMalformed);
    m.payloads = std::move(*payloads);
    return m;
}

ParseResult<std::vector<Payload>> decode_payloads(PayloadType first, base::ByteView plaintext) {
    Reader r(plaintext);
    return decode_chain(r, first);
}

}  // namespace ike::wire::v1
