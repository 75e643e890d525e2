// Typed IKEv1 / ISAKMP messages for Main Mode and Quick Mode (RFC 2408 section 3, RFC 2409,
// RFC 3947). Kept apart from the IKEv2 types; only the byte primitives and the data
// attribute format (identical in both versions) are shared.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "ike/wire/data_attribute.hpp"
#include "ike/wire/v1/constants.hpp"

namespace ike::wire::v1 {

using base::Bytes;

struct Header {  // RFC 2408 3.1; Next Payload and Length are derived when encoding
    std::uint64_t cookie_i = 0;
    std::uint64_t cookie_r = 0;
    std::uint8_t major_version = kMajorVersion;
    std::uint8_t minor_version = 0;
    ExchangeType exchange = ExchangeType::identity_protection;
    std::uint8_t flags = 0;  // flag::*
    std::uint32_t message_id = 0;
    bool operator==(const Header&) const = default;
};

struct Transform {  // RFC 2408 3.6; attributes per RFC 2409 appendix A / RFC 2407 4.5
    std::uint8_t number = 1;
    std::uint8_t id = 1;  // KEY_IKE (1) in phase 1, ESP transform ID in Quick Mode
    std::vector<DataAttribute> attributes;
    bool operator==(const Transform&) const = default;
};

struct Proposal {  // RFC 2408 3.5; proposals sharing a number are combined (AND)
    std::uint8_t number = 1;
    ProtocolId protocol = ProtocolId::isakmp;
    Bytes spi;
    std::vector<Transform> transforms;
    bool operator==(const Proposal&) const = default;
};

struct SecurityAssociation {  // RFC 2408 3.4, IPsec DOI situation RFC 2407 4.6.1
    static constexpr PayloadType kType = PayloadType::sa;
    std::uint32_t doi = kDoiIpsec;
    std::uint32_t situation = kSitIdentityOnly;
    std::vector<Proposal> proposals;
    bool operator==(const SecurityAssociation&) const = default;
};

struct Identification {  // RFC 2408 3.8 with the IPsec DOI fields of RFC 2407 4.6.2
    static constexpr PayloadType kType = PayloadType::id;
    IdType type = IdType::ipv4_addr;
    std::uint8_t protocol = 0;
    std::uint16_t port = 0;
    Bytes data;
    bool operator==(const Identification&) const = default;
};

template <PayloadType Kind>
struct CertificatePayload {  // RFC 2408 3.9 (CERT) and 3.10 (CR: data = authority)
    static constexpr PayloadType kType = Kind;
    std::uint8_t encoding = 4;  // X.509 Certificate - Signature
    Bytes data;
    bool operator==(const CertificatePayload&) const = default;
};
using Certificate = CertificatePayload<PayloadType::cert>;
using CertificateRequest = CertificatePayload<PayloadType::certreq>;

template <PayloadType Kind>
struct OpaquePayload {  // payloads that are only data
    static constexpr PayloadType kType = Kind;
    Bytes data;
    bool operator==(const OpaquePayload&) const = default;
};
using KeyExchange = OpaquePayload<PayloadType::ke>;      // 3.7
using Hash = OpaquePayload<PayloadType::hash>;           // 3.11
using Signature = OpaquePayload<PayloadType::sig>;       // 3.12
using Nonce = OpaquePayload<PayloadType::nonce>;         // 3.13
using VendorId = OpaquePayload<PayloadType::vendor_id>;  // 3.16
using NatD = OpaquePayload<PayloadType::nat_d>;          // RFC 3947 3.2

struct Notification {  // RFC 2408 3.14
    static constexpr PayloadType kType = PayloadType::notification;
    std::uint32_t doi = kDoiIpsec;
    std::uint8_t protocol = 0;
    Bytes spi;
    std::uint16_t type = 0;  // notify::*
    Bytes data;
    bool operator==(const Notification&) const = default;
};

struct Delete {  // RFC 2408 3.15; ISAKMP SAs use the 16-byte cookie pair as SPI
    static constexpr PayloadType kType = PayloadType::del;
    std::uint32_t doi = kDoiIpsec;
    std::uint8_t protocol = 0;
    std::uint8_t spi_size = 4;
    std::vector<Bytes> spis;
    bool operator==(const Delete&) const = default;
};

struct NatOa {  // RFC 3947 5.2: original address, ID_IPV4_ADDR or ID_IPV6_ADDR
    static constexpr PayloadType kType = PayloadType::nat_oa;
    IdType type = IdType::ipv4_addr;
    Bytes address;
    bool operator==(const NatOa&) const = default;
};

using Payload = std::variant<SecurityAssociation, KeyExchange, Identification, Certificate, CertificateRequest,
                             Hash, Signature, Nonce, Notification, Delete, VendorId, NatD, NatOa>;

// An encrypted body (flag::encryption): opaque here, decrypted elsewhere, then read with
// decode_payloads(first_payload, plaintext).
struct EncryptedBody {
    PayloadType first_payload = PayloadType::none;  // the header's Next Payload
    Bytes ciphertext;
    bool operator==(const EncryptedBody&) const = default;
};

struct Message {
    Header header;
    std::vector<Payload> payloads;           // when not encrypted
    std::optional<EncryptedBody> encrypted;  // when header.flags has flag::encryption
    bool operator==(const Message&) const = default;
};

}  // namespace ike::wire::v1
