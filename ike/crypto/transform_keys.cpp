#include "ike/crypto/transform_keys.hpp"

#include <string>

namespace ike::crypto {

namespace {

// The 4-byte salt/nonce taken after the key: RFC 4106 8.1 / RFC 5282 7.1 (GCM), RFC 4543 3.2
// (GMAC), RFC 3686 5.1 / RFC 5930 (CTR), RFC 7634 2 (ChaCha20-Poly1305).
constexpr std::size_t kSalt = 4;

bool valid_aes_bits(std::uint16_t bits) { return bits == 128 || bits == 192 || bits == 256; }

}  // namespace

bool is_aead(EncrId id) {
    switch (id) {
        case EncrId::aes_gcm_8:
        case EncrId::aes_gcm_12:
        case EncrId::aes_gcm_16:
        case EncrId::null_auth_aes_gmac:
        case EncrId::chacha20_poly1305: return true;
        case EncrId::aes_cbc:
        case EncrId::aes_ctr: return false;
    }
    return false;
}

base::Result<std::size_t> encr_key_size(EncrId id, std::uint16_t key_bits) {
    const std::string what = "encryption transform " + std::to_string(static_cast<unsigned>(id));
    switch (id) {
        case EncrId::chacha20_poly1305:
            // RFC 7634 2: the key length attribute MUST NOT be sent; 256 bits is accepted too.
            if (key_bits != 0 && key_bits != 256) return base::fail(what + ": key length must be absent");
            return std::size_t{32 + kSalt};
        case EncrId::aes_cbc:
        case EncrId::aes_ctr:
        case EncrId::aes_gcm_8:
        case EncrId::aes_gcm_12:
        case EncrId::aes_gcm_16:
        case EncrId::null_auth_aes_gmac:
            if (!valid_aes_bits(key_bits))
                return base::fail(what + ": key length " + std::to_string(key_bits) + " is not 128, 192 or 256");
            return std::size_t{key_bits / 8u} + (id == EncrId::aes_cbc ? 0 : kSalt);
    }
    return base::fail(what + ": not supported");
}

base::Result<std::size_t> integ_key_size(IntegId id) {
    switch (id) {
        case IntegId::none: return std::size_t{0};
        case IntegId::hmac_sha1_96: return std::size_t{20};
        case IntegId::hmac_sha2_256_128: return std::size_t{32};
        case IntegId::hmac_sha2_384_192: return std::size_t{48};
        case IntegId::hmac_sha2_512_256: return std::size_t{64};
    }
    return base::fail("integrity transform " + std::to_string(static_cast<unsigned>(id)) + ": not supported");
}

base::Result<KeyLengths> key_lengths(EncrId encr, std::uint16_t key_bits, IntegId integ) {
    auto e = encr_key_size(encr, key_bits);
    if (!e) return base::Unexpected{e.error()};
    auto i = integ_key_size(integ);
    if (!i) return base::Unexpected{i.error()};
    if (is_aead(encr) && *i != 0)
        return base::fail("combined-mode cipher " + std::to_string(static_cast<unsigned>(encr)) +
                          " with an integrity transform");
    return KeyLengths{*e, *i};
}

}  // namespace ike::crypto
