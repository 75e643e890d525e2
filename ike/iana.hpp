// IANA numbers for IKEv2 (RFC 7296 section 3.3.2, IANA "IKEv2 Parameters") shared by the
// codec (which carries them as plain numbers), the crypto suite and the proposal model.
#pragma once

#include <cstdint>

namespace ike {

enum class ProtocolId : std::uint8_t { ike = 1, ah = 2, esp = 3 };

enum class TransformType : std::uint8_t { encr = 1, prf = 2, integ = 3, ke = 4, esn = 5 };

enum class EncrId : std::uint16_t {
    aes_cbc = 12,
    aes_ctr = 13,
    aes_gcm_8 = 18,
    aes_gcm_12 = 19,
    aes_gcm_16 = 20,  // RFC 5282
    null_auth_aes_gmac = 21,
    chacha20_poly1305 = 28,  // RFC 7634
};

enum class PrfId : std::uint16_t {
    hmac_sha1 = 2,
    hmac_sha2_256 = 5,  // RFC 4868
    hmac_sha2_384 = 6,
    hmac_sha2_512 = 7,
};

enum class IntegId : std::uint16_t {
    none = 0,
    hmac_sha1_96 = 2,
    hmac_sha2_256_128 = 12,  // RFC 4868
    hmac_sha2_384_192 = 13,
    hmac_sha2_512_256 = 14,
};

enum class KeGroup : std::uint16_t {
    none = 0,
    modp2048 = 14,
    modp3072 = 15,
    modp4096 = 16,
    ecp256 = 19,  // RFC 5903
    ecp384 = 20,
    ecp521 = 21,
    curve25519 = 31,  // RFC 8031
};

enum class EsnId : std::uint16_t { none = 0, esn = 1 };

// Transform attribute types (RFC 7296 3.3.5): only Key Length exists, always TV format.
inline constexpr std::uint16_t kAttrKeyLength = 14;

enum class AuthMethod : std::uint8_t {
    rsa_sig = 1,
    psk = 2,  // Shared Key Message Integrity Code
    dss_sig = 3,
    ecdsa_sha256_p256 = 9,  // RFC 4754
    ecdsa_sha384_p384 = 10,
    ecdsa_sha512_p521 = 11,
    digital_signature = 14,  // RFC 7427
};

// RFC 7427 SIGNATURE_HASH_ALGORITHMS values.
enum class HashAlgorithm : std::uint16_t { sha1 = 1, sha256 = 2, sha384 = 3, sha512 = 4, identity = 5 };

}  // namespace ike
