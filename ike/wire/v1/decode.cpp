#include <string>

#include "ike/wire/limits.hpp"
#include "ike/wire/substructures.hpp"
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

ParseResult<Transform> read_transform(Reader& r) {
    Transform t;
    t.number = r.get_u8();
    t.id = r.get_u8();
    r.skip(2);
    t.attributes = read_attributes(r, limits::kMaxAttributes * 2);  // phase 1 lists ~8
    return finish(r, "transform", kBadProposal, std::move(t));
}

ParseResult<Proposal> read_proposal(Reader& r) {
    Proposal p;
    p.number = r.get_u8();
    p.protocol = static_cast<ProtocolId>(r.get_u8());
    std::uint8_t spi_size = r.get_u8();
    std::uint8_t count = r.get_u8();
    p.spi = to_bytes(r.get_range(spi_size, 0, kMaxSpiSize));
    if (!r.failed() && (count == 0 || count > limits::kMaxTransforms)) r.fail("transform count out of range");
    if (r.failed()) return reject(r, "proposal", kBadProposal);
    // RFC 2408 3.6: Next Payload is 3 before another transform, 0 after the last.
    auto transforms = read_substructures<Transform>(r, count, count, kNextTransform, "proposal", kBadProposal,
                                                    [](Reader& body, const auto&) { return read_transform(body); });
    if (!transforms) return base::Unexpected{transforms.error()};
    p.transforms = std::move(*transforms);
    return finish(r, "proposal", kBadProposal, std::move(p));
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
    auto proposals = read_substructures<Proposal>(
        r, std::nullopt, limits::kMaxProposals, kNextProposal, "SA", kBadProposal,
        [](Reader& body, const std::vector<Proposal>& before) -> ParseResult<Proposal> {
            std::size_t at = body.offset();
            auto p = read_proposal(body);
            // RFC 2408 4.2: proposal numbers MUST be monotonically increasing (equal = AND).
            if (p && !before.empty() && p->number < before.back().number)
                return reject("SA: proposal numbers decrease", at, kBadProposal);
            return p;
        });
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
    c.encoding = r.get_u8();
    c.data = to_bytes(r.get_rest());
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
    n.protocol = r.get_u8();
    std::uint8_t spi_size = r.get_u8();
    n.type = r.get_u16();
    n.spi = to_bytes(r.get_range(spi_size, 0, kMaxSpiSize));
    n.data = to_bytes(r.get_rest());
    return finish<Payload>(r, "N", kMalformed, std::move(n));
}

ParseResult<Payload> read_delete(Reader& r) {
    Delete d;
    d.doi = r.get_u32();
    d.protocol = r.get_u8();
    d.spi_size = r.get_u8();
    std::uint16_t count = r.get_u16();
    if (!r.failed() && (d.spi_size == 0 || d.spi_size > kMaxSpiSize)) r.fail("SPI size out of range");
    if (!r.failed() && std::size_t{count} * d.spi_size != r.remaining()) r.fail("SPI count mismatch");
    for (std::size_t i = 0; i < count && !r.failed(); ++i) d.spis.push_back(to_bytes(r.get_bytes(d.spi_size)));
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
    std::vector<Payload> out;
    for (auto type = first; type != PayloadType::none;) {
        if (out.size() == limits::kMaxPayloads) return reject("too many payloads", r.offset(), kMalformed);
        PayloadHeader h;
        std::size_t start = r.offset();
        Reader body = read_payload_header(r, h);
        if (r.failed()) return reject(r, "payload " + std::to_string(unsigned(type)), kMalformed);
        auto p = decode_body(type, body);
        if (!p) {
            if (p.error().notify == notify::invalid_payload_type) p.error().offset = start;
            return base::Unexpected{p.error()};
        }
        out.push_back(std::move(*p));
        type = static_cast<PayloadType>(h.next);
    }
    return out;
}

}  // namespace

ParseResult<Message> decode_message(base::ByteView datagram) {
    Reader r(datagram);
    Message m;
    m.header.cookie_i = r.get_u64();
    m.header.cookie_r = r.get_u64();
    auto first = static_cast<PayloadType>(r.get_u8());
    std::uint8_t version = r.get_u8();
    m.header.major_version = static_cast<std::uint8_t>(version >> 4);
    m.header.minor_version = static_cast<std::uint8_t>(version & 0x0f);
    m.header.exchange = static_cast<ExchangeType>(r.get_u8());
    m.header.flags = r.get_u8();
    m.header.message_id = r.get_u32();
    std::uint32_t length = r.get_u32();
    if (r.failed()) return reject(r, "header", kMalformed);
    // RFC 2408 3.1: Major Version 1; a larger one is answered with INVALID-MAJOR-VERSION.
    if (m.header.major_version != kMajorVersion)
        return reject("header: major version not 1", 17, notify::invalid_major_version);
    // RFC 2408 3.1 / 2.5.3: the initiator cookie identifies the SA and is never zero.
    if (m.header.cookie_i == 0) return reject("header: initiator cookie is zero", 0, notify::invalid_cookie);
    if (length != datagram.size() || length > limits::kMaxMessageSize)
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
