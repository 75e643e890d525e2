#include "ike/wire/payload_decode.hpp"

#include "ike/wire/body_layouts.hpp"
#include "ike/wire/limits.hpp"
#include "ike/wire/proposals.hpp"

namespace ike::wire {

namespace {

using limits::kMaxSpiSize;
constexpr std::uint16_t kSyntax = notify::invalid_syntax;
constexpr std::size_t kAnySize = 0xffff;

Bytes to_bytes(base::ByteView v) { return Bytes(v.begin(), v.end()); }

// The SPI size a proposal for `protocol` may carry (RFC 7296 3.3.1): 0 or 8 for IKE (0 in
// the initial exchange), 4 for AH and ESP. Other protocol IDs are reserved.
bool valid_proposal_spi_size(std::uint8_t protocol, std::size_t size) {
    switch (static_cast<ProtocolId>(protocol)) {
        case ProtocolId::ike: return size == 0 || size == 8;
        case ProtocolId::ah:
        case ProtocolId::esp: return size == 4;
    }
    return false;
}

// RFC 7296 3.3.1: each proposal after the first is numbered one more than the previous.
bool consecutive(std::uint8_t previous, std::uint8_t next) { return next == previous + 1; }

constexpr ProposalRules kProposalRules{kMoreProposals, kMoreTransforms, kSyntax, valid_proposal_spi_size, consecutive,
                                       "proposal numbers not consecutive"};

ParseResult<Transform> read_transform(Reader& r) {
    Transform t;
    t.type = static_cast<TransformType>(r.get_u8());
    r.skip(1);  // RESERVED
    t.id = r.get_u16();
    t.attributes = read_attributes(r, limits::kMaxAttributes);
    // RFC 7296 3.3.5: Key Length only exists in TV format.
    for (const auto& a : t.attributes)
        if (a.type == kAttrKeyLength && !a.is_tv) r.fail("Key Length attribute not in TV format");
    return finish(r, "SA transform", kSyntax, std::move(t));
}

ParseResult<Payload> read_sa(Reader& r) {
    auto proposals = read_proposals<Proposal>(r, kProposalRules, read_transform);
    if (!proposals) return base::Unexpected{proposals.error()};
    return finish<Payload>(r, "SA", kSyntax, SecurityAssociation{std::move(*proposals)});
}

ParseResult<Payload> read_ke(Reader& r) {
    KeyExchange ke;
    ke.group = static_cast<KeGroup>(r.get_u16());
    r.skip(2);
    ke.data = to_bytes(r.get_range(r.remaining(), 1, kAnySize));
    return finish<Payload>(r, "KE", kSyntax, std::move(ke));
}

// RFC 7296 3.5: address IDs have the address's size; the other types are non-empty.
std::size_t id_min(IdType t) { return t == IdType::ipv4_addr ? 4 : t == IdType::ipv6_addr ? 16 : 1; }
std::size_t id_max(IdType t) { return t == IdType::ipv4_addr ? 4 : t == IdType::ipv6_addr ? 16 : kAnySize; }

template <class Id>
ParseResult<Payload> read_id(Reader& r) {
    Id id;
    id.type = static_cast<IdType>(r.get_u8());
    r.skip(3);
    id.data = to_bytes(r.get_range(r.remaining(), id_min(id.type), id_max(id.type)));
    return finish<Payload>(r, payload_name(Id::kType), kSyntax, std::move(id));
}

template <class Cert>
ParseResult<Payload> read_cert(Reader& r) {
    Cert c;
    read_cert_fields(r, c);
    return finish<Payload>(r, payload_name(Cert::kType), kSyntax, std::move(c));
}

ParseResult<Payload> read_auth(Reader& r) {
    Authentication a;
    a.method = static_cast<AuthMethod>(r.get_u8());
    r.skip(3);
    a.data = to_bytes(r.get_range(r.remaining(), 1, kAnySize));
    return finish<Payload>(r, "AUTH", kSyntax, std::move(a));
}

ParseResult<Payload> read_nonce(Reader& r) {
    // RFC 7296 3.9: Nonce Data MUST be between 16 and 256 octets inclusive.
    Nonce n{to_bytes(r.get_range(r.remaining(), limits::kMinNonce, limits::kMaxNonce))};
    return finish<Payload>(r, "Nonce", kSyntax, std::move(n));
}

ParseResult<Payload> read_notify(Reader& r) {
    Notify n;
    read_notify_fields(r, n, kMaxSpiSize);
    return finish<Payload>(r, "Notify", kSyntax, std::move(n));
}

ParseResult<Payload> read_delete(Reader& r) {
    Delete d;
    const std::uint16_t count = read_delete_head(r, d);
    // RFC 7296 3.11: SPI Size MUST be zero for IKE, four for AH and ESP.
    bool ike = d.protocol == ProtocolId::ike;
    if (!r.failed() && ike && (d.spi_size != 0 || count != 0)) r.fail("IKE SA delete carries SPIs");
    if (!r.failed() && !ike && d.spi_size != 4) r.fail("SPI size invalid for protocol");
    read_delete_spis(r, d, count);
    return finish<Payload>(r, "Delete", kSyntax, std::move(d));
}

// RFC 7296 3.13.1: selector length is 16 (IPv4) or 40 (IPv6); other types are unknown to us.
ParseResult<TrafficSelector> read_selector(Reader& r) {
    TrafficSelector ts;
    ts.type = static_cast<TsType>(r.get_u8());
    ts.ip_protocol = r.get_u8();
    std::uint16_t length = r.get_u16();
    std::size_t address_size = ts.type == TsType::ipv4_addr_range   ? 4
                               : ts.type == TsType::ipv6_addr_range ? 16
                                                                    : 0;
    if (!r.failed() && address_size == 0) r.fail("unknown TS type");
    if (!r.failed() && length != 8 + 2 * address_size) r.fail("selector length mismatch");
    ts.start_port = r.get_u16();
    ts.end_port = r.get_u16();
    ts.start_address = to_bytes(r.get_bytes(address_size));
    ts.end_address = to_bytes(r.get_bytes(address_size));
    if (r.failed()) return reject(r, "traffic selector", kSyntax);
    return ts;
}

template <class Ts>
ParseResult<Payload> read_ts(Reader& r) {
    Ts payload;
    std::uint8_t count = r.get_u8();
    r.skip(3);
    if (!r.failed() && (count == 0 || count > limits::kMaxTrafficSelectors)) r.fail("TS count out of range");
    if (r.failed()) return reject(r, payload_name(Ts::kType), kSyntax);
    for (std::size_t i = 0; i < count; ++i) {
        auto ts = read_selector(r);
        if (!ts) return base::Unexpected{ts.error()};
        payload.selectors.push_back(std::move(*ts));
    }
    return finish<Payload>(r, payload_name(Ts::kType), kSyntax, std::move(payload));
}

ParseResult<Payload> read_sk(Reader& r, PayloadType next) {
    return finish<Payload>(r, "SK", kSyntax, Encrypted{next, to_bytes(r.get_rest())});
}

ParseResult<Payload> read_skf(Reader& r, PayloadType next) {
    EncryptedFragment f;
    f.first_inner = next;
    f.number = r.get_u16();
    f.total = r.get_u16();
    f.body = to_bytes(r.get_rest());
    // RFC 7383 2.5: numbering starts at 1 and never exceeds Total Fragments; only the first
    // fragment names the first inner payload, the others MUST set Next Payload to zero.
    if (!r.failed() && (f.number == 0 || f.number > f.total)) r.fail("fragment number out of range");
    if (!r.failed() && f.number != 1 && next != PayloadType::none) r.fail("Next Payload set in non-first fragment");
    return finish<Payload>(r, "SKF", kSyntax, std::move(f));
}

// RFC 7296 3.15.1: allowed value lengths per attribute (empty = a request for "any").
bool valid_cfg_length(CfgAttr type, std::size_t len) {
    switch (type) {
        case CfgAttr::internal_ip4_address:
        case CfgAttr::internal_ip4_netmask:
        case CfgAttr::internal_ip4_dns:
        case CfgAttr::internal_ip4_nbns:
        case CfgAttr::internal_ip4_dhcp: return len == 0 || len == 4;
        case CfgAttr::internal_ip6_address:
        case CfgAttr::internal_ip6_subnet: return len == 0 || len == 17;
        case CfgAttr::internal_ip6_dns:
        case CfgAttr::internal_ip6_dhcp: return len == 0 || len == 16;
        case CfgAttr::internal_ip4_subnet: return len == 0 || len == 8;
        case CfgAttr::supported_attributes: return len % 2 == 0;
        case CfgAttr::application_version:
        case CfgAttr::internal_dns_domain: return true;  // RFC 8598 4: a name, empty in a request
    }
    return true;  // attributes from other RFCs: any length
}

ParseResult<Payload> read_cp(Reader& r) {
    Configuration cp;
    cp.type = static_cast<CfgType>(r.get_u8());
    r.skip(3);
    while (!r.empty()) {
        if (cp.attributes.size() == limits::kMaxConfigAttributes) r.fail("too many attributes");
        ConfigAttribute a;
        a.type = static_cast<CfgAttr>(r.get_u16() & 0x7fff);  // top bit reserved
        std::uint16_t len = r.get_u16();
        if (!r.failed() && !valid_cfg_length(a.type, len)) r.fail("attribute length invalid for type");
        a.value = to_bytes(r.get_bytes(len));
        if (r.failed()) break;
        cp.attributes.push_back(std::move(a));
    }
    return finish<Payload>(r, "CP", kSyntax, std::move(cp));
}

ParseResult<Payload> read_eap(Reader& r) {
    // RFC 3748 4: Code, Identifier, Length (the whole EAP message), Data.
    Eap eap{to_bytes(r.get_range(r.remaining(), 4, kAnySize))};
    if (!r.failed() && std::size_t(eap.message[2] << 8 | eap.message[3]) != eap.message.size())
        r.fail("EAP length mismatch");
    return finish<Payload>(r, "EAP", kSyntax, std::move(eap));
}

}  // namespace

const char* payload_name(PayloadType type) {
    switch (type) {
        case PayloadType::none: return "none";
        case PayloadType::sa: return "SA";
        case PayloadType::ke: return "KE";
        case PayloadType::id_i: return "IDi";
        case PayloadType::id_r: return "IDr";
        case PayloadType::cert: return "CERT";
        case PayloadType::certreq: return "CERTREQ";
        case PayloadType::auth: return "AUTH";
        case PayloadType::nonce: return "Nonce";
        case PayloadType::notify: return "Notify";
        case PayloadType::del: return "Delete";
        case PayloadType::vendor_id: return "Vendor ID";
        case PayloadType::ts_i: return "TSi";
        case PayloadType::ts_r: return "TSr";
        case PayloadType::sk: return "SK";
        case PayloadType::cp: return "CP";
        case PayloadType::eap: return "EAP";
        case PayloadType::skf: return "SKF";
    }
    return "unknown payload";
}

bool is_known_payload(PayloadType type) {
    return type != PayloadType::none && std::string_view(payload_name(type)) != "unknown payload";
}

ParseResult<Payload> decode_body(PayloadType type, PayloadType next, Reader& r) {
    switch (type) {
        case PayloadType::sa: return read_sa(r);
        case PayloadType::ke: return read_ke(r);
        case PayloadType::id_i: return read_id<IdI>(r);
        case PayloadType::id_r: return read_id<IdR>(r);
        case PayloadType::cert: return read_cert<Certificate>(r);
        case PayloadType::certreq: return read_cert<CertificateRequest>(r);
        case PayloadType::auth: return read_auth(r);
        case PayloadType::nonce: return read_nonce(r);
        case PayloadType::notify: return read_notify(r);
        case PayloadType::del: return read_delete(r);
        case PayloadType::vendor_id: return Payload{VendorId{to_bytes(r.get_rest())}};
        case PayloadType::ts_i: return read_ts<TsI>(r);
        case PayloadType::ts_r: return read_ts<TsR>(r);
        case PayloadType::sk: return read_sk(r, next);
        case PayloadType::skf: return read_skf(r, next);
        case PayloadType::cp: return read_cp(r);
        case PayloadType::eap: return read_eap(r);
        case PayloadType::none: break;
    }
    return reject(std::string("unknown payload type ") + std::to_string(unsigned(type)), r.offset(), kSyntax);
}

}  // namespace ike::wire
