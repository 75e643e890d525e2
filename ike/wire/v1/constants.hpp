// IKEv1 / ISAKMP wire numbers (RFC 2408, the IPsec DOI RFC 2407, RFC 2409, NAT-T RFC 3947,
// DPD RFC 3706). IKEv1 has its own types: nothing here is shared with IKEv2.
#pragma once

#include <array>
#include <cstdint>

namespace ike::wire::v1 {

// RFC 2408 3.1, RFC 3947 3.2/4.
enum class PayloadType : std::uint8_t {
    none = 0,
    sa = 1,
    proposal = 2,
    transform = 3,
    ke = 4,
    id = 5,
    cert = 6,
    certreq = 7,
    hash = 8,
    sig = 9,
    nonce = 10,
    notification = 11,
    del = 12,
    vendor_id = 13,
    nat_d = 20,
    nat_oa = 21,
};

// RFC 2408 3.1, RFC 2409 (Quick Mode).
enum class ExchangeType : std::uint8_t {
    base = 1,
    identity_protection = 2,  // Main Mode
    authentication_only = 3,
    aggressive = 4,
    informational = 5,
    quick_mode = 32,
    new_group_mode = 33,
};

namespace flag {  // RFC 2408 3.1
inline constexpr std::uint8_t encryption = 0x01;
inline constexpr std::uint8_t commit = 0x02;
inline constexpr std::uint8_t authentication_only = 0x04;
}  // namespace flag

inline constexpr std::uint8_t kMajorVersion = 1;
inline constexpr std::uint32_t kDoiIpsec = 1;            // RFC 2407 4.2
inline constexpr std::uint32_t kSitIdentityOnly = 0x01;  // RFC 2407 4.2.1
inline constexpr std::uint32_t kSitSecrecy = 0x02;
inline constexpr std::uint32_t kSitIntegrity = 0x04;

// Protocol IDs of the IPsec DOI (RFC 2407 4.4.1).
enum class ProtocolId : std::uint8_t { isakmp = 1, ah = 2, esp = 3, ipcomp = 4 };

// Identification types (RFC 2407 4.6.2.1).
enum class IdType : std::uint8_t {
    ipv4_addr = 1,
    fqdn = 2,
    user_fqdn = 3,
    ipv4_addr_subnet = 4,
    ipv6_addr = 5,
    ipv6_addr_subnet = 6,
    ipv4_addr_range = 7,
    ipv6_addr_range = 8,
    der_asn1_dn = 9,
    der_asn1_gn = 10,
    key_id = 11,
};

// Notify Message Types (RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706).
namespace notify {
inline constexpr std::uint16_t invalid_payload_type = 1;
inline constexpr std::uint16_t doi_not_supported = 2;
inline constexpr std::uint16_t situation_not_supported = 3;
inline constexpr std::uint16_t invalid_cookie = 4;
inline constexpr std::uint16_t invalid_major_version = 5;
inline constexpr std::uint16_t invalid_minor_version = 6;
inline constexpr std::uint16_t invalid_exchange_type = 7;
inline constexpr std::uint16_t invalid_flags = 8;
inline constexpr std::uint16_t invalid_message_id = 9;
inline constexpr std::uint16_t invalid_protocol_id = 10;
inline constexpr std::uint16_t invalid_spi = 11;
inline constexpr std::uint16_t invalid_transform_id = 12;
inline constexpr std::uint16_t attributes_not_supported = 13;
inline constexpr std::uint16_t no_proposal_chosen = 14;
inline constexpr std::uint16_t bad_proposal_syntax = 15;
inline constexpr std::uint16_t payload_malformed = 16;
inline constexpr std::uint16_t invalid_key_information = 17;
inline constexpr std::uint16_t invalid_id_information = 18;
inline constexpr std::uint16_t invalid_cert_encoding = 19;
inline constexpr std::uint16_t invalid_certificate = 20;
inline constexpr std::uint16_t cert_type_unsupported = 21;
inline constexpr std::uint16_t invalid_cert_authority = 22;
inline constexpr std::uint16_t invalid_hash_information = 23;
inline constexpr std::uint16_t authentication_failed = 24;
inline constexpr std::uint16_t invalid_signature = 25;
inline constexpr std::uint16_t address_notification = 26;
inline constexpr std::uint16_t notify_sa_lifetime = 27;
inline constexpr std::uint16_t certificate_unavailable = 28;
inline constexpr std::uint16_t unsupported_exchange_type = 29;
inline constexpr std::uint16_t unequal_payload_lengths = 30;
inline constexpr std::uint16_t connected = 16384;
inline constexpr std::uint16_t responder_lifetime = 24576;  // RFC 2407 4.6.3
inline constexpr std::uint16_t replay_status = 24577;
inline constexpr std::uint16_t initial_contact = 24578;
inline constexpr std::uint16_t r_u_there = 36136;  // RFC 3706
inline constexpr std::uint16_t r_u_there_ack = 36137;
}  // namespace notify

// Vendor IDs. NAT-T: MD5("RFC 3947") (RFC 3947 3.1). DPD: RFC 3706 section 7 (the last
// two octets are the protocol version, 1.0).
inline constexpr std::array<std::uint8_t, 16> kVendorIdNatT = {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
                                                                0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
inline constexpr std::array<std::uint8_t, 16> kVendorIdDpd = {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
                                                               0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};

}  // namespace ike::wire::v1
