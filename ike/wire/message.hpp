// Typed IKEv2 messages (RFC 7296 section 3). Plain values: the codec fills them from bytes
// and writes them back; the generic payload headers, counts and lengths are derived, never
// stored. Numbers from ike/iana.hpp are carried as their enums (unknown values included).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "ike/iana.hpp"
#include "ike/wire/constants.hpp"
#include "ike/wire/data_attribute.hpp"

namespace ike::wire {

using base::Bytes;

// RFC 7296 3.1; Next Payload and Length are derived from the payloads when encoding.
struct Header {
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    std::uint8_t major_version = kMajorVersion;
    std::uint8_t minor_version = 0;
    ExchangeType exchange = ExchangeType::ike_sa_init;
    std::uint8_t flags = 0;  // flag::initiator | flag::response | flag::version
    std::uint32_t message_id = 0;

    bool operator==(const Header&) const = default;
};

// RFC 7296 3.3.2: Key Length is the only transform attribute defined (TV, kAttrKeyLength).
struct Transform {
    TransformType type = TransformType::encr;
    std::uint16_t id = 0;
    std::vector<DataAttribute> attributes;

    bool operator==(const Transform&) const = default;
};

// RFC 7296 3.3.1. SPI is empty in an initial IKE SA negotiation.
struct Proposal {
    std::uint8_t number = 1;
    ProtocolId protocol = ProtocolId::ike;
    Bytes spi;
    std::vector<Transform> transforms;

    bool operator==(const Proposal&) const = default;
};

struct SecurityAssociation {
    static constexpr PayloadType kType = PayloadType::sa;
    std::vector<Proposal> proposals;
    bool operator==(const SecurityAssociation&) const = default;
};

struct KeyExchange {  // RFC 7296 3.4
    static constexpr PayloadType kType = PayloadType::ke;
    KeGroup group = KeGroup::none;
    Bytes data;
    bool operator==(const KeyExchange&) const = default;
};

template <PayloadType Kind>
struct IdentificationPayload {  // RFC 7296 3.5
    static constexpr PayloadType kType = Kind;
    IdType type = IdType::fqdn;
    Bytes data;
    bool operator==(const IdentificationPayload&) const = default;
};
using IdI = IdentificationPayload<PayloadType::id_i>;
using IdR = IdentificationPayload<PayloadType::id_r>;

template <PayloadType Kind>
struct CertificatePayload {  // RFC 7296 3.6 (CERT), 3.7 (CERTREQ: data = CA key hashes)
    static constexpr PayloadType kType = Kind;
    CertEncoding encoding = CertEncoding::x509_signature;
    Bytes data;
    bool operator==(const CertificatePayload&) const = default;
};
using Certificate = CertificatePayload<PayloadType::cert>;
using CertificateRequest = CertificatePayload<PayloadType::certreq>;

struct Authentication {  // RFC 7296 3.8
    static constexpr PayloadType kType = PayloadType::auth;
    AuthMethod method = AuthMethod::psk;
    Bytes data;
    bool operator==(const Authentication&) const = default;
};

template <PayloadType Kind>
struct OpaquePayload {  // a payload that is only data: Nonce (3.9), Vendor ID (3.12)
    static constexpr PayloadType kType = Kind;
    Bytes data;
    bool operator==(const OpaquePayload&) const = default;
};
using Nonce = OpaquePayload<PayloadType::nonce>;
using VendorId = OpaquePayload<PayloadType::vendor_id>;

struct Notify {  // RFC 7296 3.10; protocol 0 with an empty SPI when about no SA
    static constexpr PayloadType kType = PayloadType::notify;
    std::uint8_t protocol = 0;
    Bytes spi;
    std::uint16_t type = 0;  // notify::*
    Bytes data;
    bool operator==(const Notify&) const = default;
};

struct Delete {  // RFC 7296 3.11; IKE: spi_size 0 and no SPIs
    static constexpr PayloadType kType = PayloadType::del;
    ProtocolId protocol = ProtocolId::esp;
    std::uint8_t spi_size = 4;
    std::vector<Bytes> spis;  // each spi_size bytes
    bool operator==(const Delete&) const = default;
};

struct TrafficSelector {  // RFC 7296 3.13.1
    TsType type = TsType::ipv4_addr_range;
    std::uint8_t ip_protocol = 0;  // 0 = any
    std::uint16_t start_port = 0;
    std::uint16_t end_port = 65535;
    Bytes start_address;  // 4 bytes (IPv4) or 16 (IPv6), network order
    Bytes end_address;
    bool operator==(const TrafficSelector&) const = default;
};

template <PayloadType Kind>
struct TrafficSelectorPayload {  // RFC 7296 3.13
    static constexpr PayloadType kType = Kind;
    std::vector<TrafficSelector> selectors;
    bool operator==(const TrafficSelectorPayload&) const = default;
};
using TsI = TrafficSelectorPayload<PayloadType::ts_i>;
using TsR = TrafficSelectorPayload<PayloadType::ts_r>;

// RFC 7296 3.14: IV | ciphertext | ICV, opaque to the codec. The generic header's Next
// Payload names the first inner payload; decode_payloads reads them after decryption.
struct Encrypted {
    static constexpr PayloadType kType = PayloadType::sk;
    PayloadType first_inner = PayloadType::none;
    Bytes body;
    bool operator==(const Encrypted&) const = default;
};

// RFC 7383 2.5: one fragment of an SK payload. first_inner is set in fragment 1 only.
struct EncryptedFragment {
    static constexpr PayloadType kType = PayloadType::skf;
    PayloadType first_inner = PayloadType::none;
    std::uint16_t number = 1;
    std::uint16_t total = 1;
    Bytes body;
    bool operator==(const EncryptedFragment&) const = default;
};

struct ConfigAttribute {  // RFC 7296 3.15.1
    CfgAttr type = CfgAttr::internal_ip4_address;
    Bytes value;  // empty in a request for "any"
    bool operator==(const ConfigAttribute&) const = default;
};

struct Configuration {  // RFC 7296 3.15
    static constexpr PayloadType kType = PayloadType::cp;
    CfgType type = CfgType::request;
    std::vector<ConfigAttribute> attributes;
    bool operator==(const Configuration&) const = default;
};

struct Eap {  // RFC 7296 3.16: one whole EAP message (its own Length field checked)
    static constexpr PayloadType kType = PayloadType::eap;
    Bytes message;
    bool operator==(const Eap&) const = default;
};

// A payload type this codec does not know, sent non-critical (RFC 7296 3.2): kept as is.
struct UnknownPayload {
    std::uint8_t type = 0;
    bool critical = false;
    Bytes body;
    bool operator==(const UnknownPayload&) const = default;
};

using Payload = std::variant<SecurityAssociation, KeyExchange, IdI, IdR, Certificate, CertificateRequest,
                             Authentication, Nonce, Notify, Delete, VendorId, TsI, TsR, Encrypted,
                             EncryptedFragment, Configuration, Eap, UnknownPayload>;

// The payload type a payload is sent as.
std::uint8_t payload_type(const Payload& p);

struct Message {
    Header header;
    std::vector<Payload> payloads;  // outer chain; SK/SKF, if present, is last
    bool operator==(const Message&) const = default;
};

}  // namespace ike::wire
