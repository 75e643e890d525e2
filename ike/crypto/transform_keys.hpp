// How many key bytes each negotiated transform consumes from prf+ (RFC 7296 2.14, 2.17),
// for the IKE SA's SK payload and for CHILD SAs (ESP/AH) alike.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/result.hpp"
#include "ike/iana.hpp"

namespace ike::crypto {

struct KeyLengths {
    std::size_t encr = 0;   // cipher key plus salt for AEAD/CTR modes
    std::size_t integ = 0;  // 0 for AEAD or no integrity
};

// AEAD transforms carry their integrity in the cipher: RFC 5282 8, RFC 7634 2.
bool is_aead(EncrId id);

// Cipher key + salt bytes. key_bits is the Key Length attribute (RFC 7296 3.3.5): required
// for AES (128/192/256), absent (0) for ChaCha20-Poly1305 (RFC 7634 2: fixed 256 bits).
base::Result<std::size_t> encr_key_size(EncrId id, std::uint16_t key_bits);

// HMAC key = hash output size (RFC 4868 2.1.1); 0 for IntegId::none.
base::Result<std::size_t> integ_key_size(IntegId id);

// Both at once, rejecting an integrity transform next to an AEAD cipher (RFC 7296 3.3:
// combined-mode proposals carry no integrity algorithm, or only "none").
base::Result<KeyLengths> key_lengths(EncrId encr, std::uint16_t key_bits, IntegId integ);

}  // namespace ike::crypto
