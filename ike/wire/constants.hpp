// IKEv2 wire numbers the codec needs beyond ike/iana.hpp (RFC 7296 section 3 and the IANA
// "IKEv2 Parameters" registry). Transform, group and auth numbers stay in ike/iana.hpp.
#pragma once

#include <cstdint>

namespace ike::wire {

// RFC 7296 3.2, RFC 7383 2.5 (SKF).
enum class PayloadType : std::uint8_t {
    none = 0,
    sa = 33,
    ke = 34,
    id_i = 35,
    id_r = 36,
    cert = 37,
    certreq = 38,
    auth = 39,
    nonce = 40,
    notify = 41,
    del = 42,
    vendor_id = 43,
    ts_i = 44,
    ts_r = 45,
    sk = 46,
    cp = 47,
    eap = 48,
    skf = 53,
};

// RFC 7296 3.1.
enum class ExchangeType : std::uint8_t {
    ike_sa_init = 34,
    ike_auth = 35,
    create_child_sa = 36,
    informational = 37,
};

// Header flags (RFC 7296 3.1); other bits MUST be ignored on receipt.
namespace flag {
inline constexpr std::uint8_t initiator = 0x08;
inline constexpr std::uint8_t version = 0x10;
inline constexpr std::uint8_t response = 0x20;
}  // namespace flag

// Generic payload header flags octet: the critical bit is the most significant bit (RFC
// 7296 3.2), not 0x01 (OpenIKED's bug).
inline constexpr std::uint8_t kCriticalBit = 0x80;

inline constexpr std::uint8_t kMajorVersion = 2;

// "Last Substruc" values: another proposal (RFC 7296 3.3.1) / transform (3.3.2) follows.
inline constexpr std::uint8_t kMoreProposals = 2;
inline constexpr std::uint8_t kMoreTransforms = 3;

// Notify Message Types (RFC 7296 3.10.1 and later RFCs as noted).
namespace notify {
// Errors.
inline constexpr std::uint16_t unsupported_critical_payload = 1;
inline constexpr std::uint16_t invalid_ike_spi = 4;
inline constexpr std::uint16_t invalid_major_version = 5;
inline constexpr std::uint16_t invalid_syntax = 7;
inline constexpr std::uint16_t invalid_message_id = 9;
inline constexpr std::uint16_t invalid_spi = 11;
inline constexpr std::uint16_t no_proposal_chosen = 14;
inline constexpr std::uint16_t invalid_ke_payload = 17;
inline constexpr std::uint16_t authentication_failed = 24;
inline constexpr std::uint16_t single_pair_required = 34;
inline constexpr std::uint16_t no_additional_sas = 35;
inline constexpr std::uint16_t internal_address_failure = 36;
inline constexpr std::uint16_t failed_cp_required = 37;
inline constexpr std::uint16_t ts_unacceptable = 38;
inline constexpr std::uint16_t invalid_selectors = 39;
inline constexpr std::uint16_t temporary_failure = 43;
inline constexpr std::uint16_t child_sa_not_found = 44;
// Status types.
inline constexpr std::uint16_t initial_contact = 16384;
inline constexpr std::uint16_t set_window_size = 16385;
inline constexpr std::uint16_t additional_ts_possible = 16386;
inline constexpr std::uint16_t ipcomp_supported = 16387;
inline constexpr std::uint16_t nat_detection_source_ip = 16388;
inline constexpr std::uint16_t nat_detection_destination_ip = 16389;
inline constexpr std::uint16_t cookie = 16390;
inline constexpr std::uint16_t use_transport_mode = 16391;
inline constexpr std::uint16_t http_cert_lookup_supported = 16392;
inline constexpr std::uint16_t rekey_sa = 16393;
inline constexpr std::uint16_t esp_tfc_padding_not_supported = 16394;
inline constexpr std::uint16_t non_first_fragments_also = 16395;
inline constexpr std::uint16_t mobike_supported = 16396;          // RFC 4555
inline constexpr std::uint16_t redirect_supported = 16406;        // RFC 5685
inline constexpr std::uint16_t childless_ikev2_supported = 16418; // RFC 6023
inline constexpr std::uint16_t ikev2_fragmentation_supported = 16430;  // RFC 7383
inline constexpr std::uint16_t signature_hash_algorithms = 16431;      // RFC 7427
}  // namespace notify

// ID Type (RFC 7296 3.5).
enum class IdType : std::uint8_t {
    ipv4_addr = 1,
    fqdn = 2,
    rfc822_addr = 3,
    ipv6_addr = 5,
    der_asn1_dn = 9,
    der_asn1_gn = 10,
    key_id = 11,
};

// Certificate Encoding (RFC 7296 3.6).
enum class CertEncoding : std::uint8_t {
    pkcs7_wrapped_x509 = 1,
    pgp = 2,
    dns_signed_key = 3,
    x509_signature = 4,
    kerberos_token = 6,
    crl = 7,
    arl = 8,
    spki = 9,
    x509_attribute = 10,
    raw_rsa_key = 11,
    hash_url_x509 = 12,
    hash_url_x509_bundle = 13,
};

// Traffic Selector Type (RFC 7296 3.13.1).
enum class TsType : std::uint8_t { ipv4_addr_range = 7, ipv6_addr_range = 8 };

// Configuration payload (RFC 7296 3.15, 3.15.1).
enum class CfgType : std::uint8_t { request = 1, reply = 2, set = 3, ack = 4 };

enum class CfgAttr : std::uint16_t {
    internal_ip4_address = 1,
    internal_ip4_netmask = 2,
    internal_ip4_dns = 3,
    internal_ip4_nbns = 4,
    internal_ip4_dhcp = 6,
    application_version = 7,
    internal_ip6_address = 8,
    internal_ip6_dns = 10,
    internal_ip6_dhcp = 12,
    internal_ip4_subnet = 13,
    supported_attributes = 14,
    internal_ip6_subnet = 15,
    internal_dns_domain = 25,  // RFC 8598 4
};

}  // namespace ike::wire
