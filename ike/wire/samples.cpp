#include "ike/wire/samples.hpp"

namespace ike::wire::samples {

namespace {

constexpr std::uint64_t kSpiI = 0x5f1d2c3b4a596877;
constexpr std::uint64_t kSpiR = 0x1122334455667788;

Transform tf(TransformType type, auto id) { return {type, static_cast<std::uint16_t>(id), {}}; }

Notify status(std::uint16_t type, Bytes data = {}) { return {0, {}, type, std::move(data)}; }

Bytes ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) { return {a, b, c, d}; }

SecurityAssociation ike_proposals() {
    Proposal aead{1, ProtocolId::ike, {},
                  {{TransformType::encr, static_cast<std::uint16_t>(EncrId::aes_gcm_16), {DataAttribute::tv(kAttrKeyLength, 256)}},
                   tf(TransformType::prf, PrfId::hmac_sha2_256), tf(TransformType::ke, KeGroup::curve25519),
                   tf(TransformType::ke, KeGroup::ecp256)}};
    Proposal cbc{2, ProtocolId::ike, {},
                 {{TransformType::encr, static_cast<std::uint16_t>(EncrId::aes_cbc), {DataAttribute::tv(kAttrKeyLength, 128)}},
                  tf(TransformType::prf, PrfId::hmac_sha2_256), tf(TransformType::integ, IntegId::hmac_sha2_256_128),
                  tf(TransformType::ke, KeGroup::modp2048)}};
    return {{aead, cbc}};
}

Header header(ExchangeType exchange, std::uint8_t flags, std::uint32_t message_id, std::uint64_t spi_r) {
    return {kSpiI, spi_r, kMajorVersion, 0, exchange, flags, message_id};
}

}  // namespace

Bytes pattern(std::size_t n, std::uint8_t seed) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(seed + i);
    return out;
}

Message ike_sa_init_request() {
    return {header(ExchangeType::ike_sa_init, flag::initiator, 0, 0),
            {ike_proposals(), KeyExchange{KeGroup::curve25519, pattern(32, 0x10)}, Nonce{pattern(32, 0x40)},
             status(notify::nat_detection_source_ip, pattern(20, 0x70)),
             status(notify::nat_detection_destination_ip, pattern(20, 0x90)),
             status(notify::ikev2_fragmentation_supported),
             status(notify::signature_hash_algorithms, {0, 2, 0, 3, 0, 4}), VendorId{pattern(16, 0xa0)}}};
}

Message ike_sa_init_response() {
    auto sa = ike_proposals();
    sa.proposals.resize(1);
    return {header(ExchangeType::ike_sa_init, flag::response, 0, kSpiR),
            {sa, KeyExchange{KeGroup::curve25519, pattern(32, 0x20)}, Nonce{pattern(32, 0x50)},
             status(notify::nat_detection_source_ip, pattern(20, 0x71)),
             status(notify::nat_detection_destination_ip, pattern(20, 0x91)),
             status(notify::ikev2_fragmentation_supported), CertificateRequest{CertEncoding::x509_signature, pattern(20, 3)},
             status(notify::childless_ikev2_supported)}};
}

std::vector<Payload> ike_auth_inner() {
    Proposal esp{1, ProtocolId::esp, {0xc1, 0x2a, 0x33, 0x04},
                 {{TransformType::encr, static_cast<std::uint16_t>(EncrId::aes_gcm_16), {DataAttribute::tv(kAttrKeyLength, 256)}},
                  tf(TransformType::esn, EsnId::none)}};
    TrafficSelector v4{TsType::ipv4_addr_range, 0, 0, 65535, ipv4(10, 1, 0, 0), ipv4(10, 1, 0, 255)};
    TrafficSelector v6{TsType::ipv6_addr_range, 6, 443, 443, pattern(16, 0x20), pattern(16, 0x20)};
    return {IdI{IdType::fqdn, {'m', 'o', 'o', 'n', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e'}},
            status(notify::initial_contact),
            CertificateRequest{CertEncoding::x509_signature, pattern(40, 0x33)},
            Authentication{AuthMethod::psk, pattern(32, 0x60)},
            Configuration{CfgType::request, {{CfgAttr::internal_ip4_address, {}}, {CfgAttr::internal_ip4_dns, {}}}},
            SecurityAssociation{{esp}},
            TsI{{v4, v6}},
            TsR{{TrafficSelector{TsType::ipv4_addr_range, 0, 0, 65535, ipv4(10, 2, 0, 0), ipv4(10, 2, 0, 255)}}},
            status(notify::esp_tfc_padding_not_supported),
            status(notify::mobike_supported),
            status(notify::use_transport_mode)};
}

Message ike_auth_request() {
    auto inner = ike_auth_inner();
    // IV (8) | ciphertext of the inner chain's size | ICV (16), as AES-GCM-16 lays it out.
    return {header(ExchangeType::ike_auth, flag::initiator, 1, kSpiR),
            {Encrypted{static_cast<PayloadType>(payload_type(inner.front())), pattern(8 + 400 + 16, 0x80)}}};
}

Message informational_fragment() {
    return {header(ExchangeType::informational, flag::initiator, 2, kSpiR),
            {EncryptedFragment{PayloadType::del, 1, 2, pattern(120, 0x05)}}};
}

std::vector<Payload> informational_inner() {
    return {Delete{ProtocolId::esp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}},
            Delete{ProtocolId::ike, 0, {}},
            Certificate{CertEncoding::x509_signature, pattern(300, 0x30)},
            IdR{IdType::ipv4_addr, ipv4(192, 0, 2, 1)},
            Eap{{1, 7, 0, 9, 1, 'u', 's', 'e', 'r'}},
            Configuration{CfgType::reply, {{CfgAttr::internal_ip4_address, ipv4(10, 3, 0, 7)},
                                           {CfgAttr::internal_ip6_address, pattern(17, 0)}}},
            status(notify::redirect_supported),
            Notify{3, {0xc1, 0x2a, 0x33, 0x04}, notify::rekey_sa, {}},
            status(notify::non_first_fragments_also)};
}

namespace v1 {

namespace w1 = wire::v1;

namespace {
w1::Header v1_header(w1::ExchangeType exchange, std::uint8_t flags, std::uint32_t message_id, std::uint64_t cookie_r) {
    return {kSpiI, cookie_r, w1::kMajorVersion, 0, exchange, flags, message_id};
}
}  // namespace

w1::Message main_mode_sa() {
    // RFC 2409 appendix A: encryption (1) AES-CBC (7), key length (14) 256, hash (2) SHA2-256
    // (4), auth method (3) PSK (1), group (4) 14, life type (11) seconds, life duration (12)
    // as a variable-length (TLV) value.
    w1::Transform t{1, 1, {DataAttribute::tv(1, 7), DataAttribute::tv(14, 256), DataAttribute::tv(2, 4),
                           DataAttribute::tv(3, 1), DataAttribute::tv(4, 14), DataAttribute::tv(11, 1),
                           DataAttribute::tlv(12, {0x00, 0x01, 0x51, 0x80})}};
    w1::SecurityAssociation sa{w1::kDoiIpsec, w1::kSitIdentityOnly, {{1, w1::ProtocolId::isakmp, {}, {t}}}};
    auto natt = w1::kVendorIdNatT, dpd = w1::kVendorIdDpd;
    return {v1_header(w1::ExchangeType::identity_protection, 0, 0, 0),
            {sa, w1::VendorId{Bytes(natt.begin(), natt.end())}, w1::VendorId{Bytes(dpd.begin(), dpd.end())}},
            std::nullopt};
}

w1::Message main_mode_ke() {
    return {v1_header(w1::ExchangeType::identity_protection, 0, 0, kSpiR),
            {w1::KeyExchange{pattern(256, 0x11)}, w1::Nonce{pattern(32, 0x22)}, w1::NatD{pattern(32, 0x33)},
             w1::NatD{pattern(32, 0x44)}},
            std::nullopt};
}

std::vector<w1::Payload> quick_mode_inner() {
    // RFC 2407 4.5: SA life type (1) seconds, encapsulation mode (4) tunnel, key length (6).
    w1::Transform esp{1, 12 /* ESP_AES */, {DataAttribute::tv(1, 1), DataAttribute::tlv(2, {0, 0, 0x0e, 0x10}),
                                          DataAttribute::tv(4, 1), DataAttribute::tv(6, 128), DataAttribute::tv(5, 12)}};
    return {w1::Hash{pattern(32, 0x01)},
            w1::SecurityAssociation{w1::kDoiIpsec, w1::kSitIdentityOnly, {{1, w1::ProtocolId::esp, {0xaa, 0xbb, 0xcc, 0xdd}, {esp}}}},
            w1::Nonce{pattern(16, 0x02)},
            w1::Identification{w1::IdType::ipv4_addr_subnet, 0, 0, {10, 1, 0, 0, 255, 255, 255, 0}},
            w1::Identification{w1::IdType::ipv4_addr_subnet, 0, 0, {10, 2, 0, 0, 255, 255, 255, 0}},
            w1::NatOa{w1::IdType::ipv4_addr, {192, 168, 1, 10}}};
}

w1::Message quick_mode_encrypted() {
    return {v1_header(w1::ExchangeType::quick_mode, w1::flag::encryption, 0x7a3b1c2d, kSpiR), {},
            w1::EncryptedBody{w1::PayloadType::hash, pattern(208, 0x55)}};
}

std::vector<w1::Payload> informational_inner() {
    return {w1::Hash{pattern(32, 0x09)},
            w1::Notification{w1::kDoiIpsec, 1, pattern(16, 0x07), w1::notify::r_u_there, {0, 0, 0, 1}},
            w1::Delete{w1::kDoiIpsec, 3, 4, {{1, 2, 3, 4}}},
            w1::Certificate{4, pattern(200, 0x66)},
            w1::CertificateRequest{4, {}},
            w1::Signature{pattern(64, 0x77)},
            w1::Identification{w1::IdType::fqdn, 17, 500, {'v', 'p', 'n'}}};
}

}  // namespace v1

}  // namespace ike::wire::samples
