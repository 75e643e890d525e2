// Protection of the Encrypted (SK, RFC 7296 3.14) and Encrypted Fragment (SKF, RFC 7383 2.5)
// payload bodies: IV | ciphertext of (inner payloads | padding | pad length) | ICV.
// One object per IKE SA and direction (SK_ei or SK_er with its salt / SK_ai or SK_ar).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/crypto/rng.hpp"
#include "ike/iana.hpp"

namespace ike::crypto {

struct SkTransform {
    EncrId encr = EncrId::aes_gcm_16;
    std::uint16_t key_bits = 256;  // 0 for ChaCha20-Poly1305
    IntegId integ = IntegId::none;  // none with AEAD
};

class SkCipher {
public:
    virtual ~SkCipher() = default;

    // encr_key is SK_e* as keymat derives it (AEAD: key | 4-byte salt); integ_key is SK_a*,
    // empty for AEAD. Supports AES-GCM with 8/12/16-byte ICV (RFC 5282), ChaCha20-Poly1305
    // (RFC 7634) and AES-CBC (RFC 3602) with HMAC-SHA2 (RFC 4868) or HMAC-SHA1-96.
    static base::Result<std::unique_ptr<SkCipher>> create(const SkTransform& transform, base::ByteView encr_key,
                                                          base::ByteView integ_key);

    virtual std::size_t iv_size() const = 0;
    virtual std::size_t icv_size() const = 0;
    // The alignment of inner payloads + padding + pad length byte (16 for CBC, 1 for AEAD).
    virtual std::size_t block_size() const = 0;

    // Plaintext length after padding: the least multiple of block_size() that holds the inner
    // payloads and the pad length octet (RFC 7296 3.14).
    std::size_t padded_size(std::size_t inner_size) const;
    // Length of the SK payload body seal() returns; put it in the payload and IKE headers
    // before building `aad`.
    std::size_t sealed_size(std::size_t inner_size) const;

    // aad: the IKE header through the SK (or SKF) generic payload header, lengths final.
    // Returns IV | ciphertext | ICV; the IV is drawn from rng (unpredictable for CBC, unique
    // per key for AEAD: RFC 5282 3.1, RFC 7634 2).
    base::Result<base::Bytes> seal(base::ByteView aad, base::ByteView inner, Rng& rng);
    // Verifies the ICV, decrypts and strips the padding: the inner payloads. Any failure
    // (short body, misaligned, ICV mismatch, bad pad length) is an error; RFC 7296 2.21.2
    // says to drop such a message silently.
    base::Result<base::SecretBytes> open(base::ByteView aad, base::ByteView body);

protected:
    // `out` holds the fresh IV; encrypts `padded` in place (one secure buffer per message) and
    // appends it and the ICV to `out`.
    virtual void seal_padded(base::ByteView aad, base::SecretBytes& padded, base::Bytes& out) = 0;
    virtual base::Result<base::SecretBytes> open_padded(base::ByteView aad, base::ByteView body) = 0;
};

}  // namespace ike::crypto
