// IKEv1 signature authentication (RFC 2409 5.1, RFC 4754): the SIG payload signs HASH_I or
// HASH_R itself, as the digest. RSA (auth method 3): PKCS#1 v1.5 over the raw hash, no
// DigestInfo (as strongSwan and Libreswan sign); ECDSA (RFC 4754 methods 9/10/11 name the
// curve, P-256/P-384/P-521): ECDSA over HASH as the digest, without hashing it again (as
// strongSwan's ECDSA_WITH_NULL; Libreswan has no IKEv1 ECDSA), the signature r | s.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "ike/crypto/rng.hpp"

namespace Botan {
class Private_Key;
class Public_Key;
}  // namespace Botan

namespace ike::crypto {

inline constexpr std::uint16_t kIkev1AuthRsaSig = 3, kIkev1AuthEcdsa256 = 9, kIkev1AuthEcdsa384 = 10,
                               kIkev1AuthEcdsa521 = 11;

bool is_ikev1_signature_method(std::uint16_t method);
// The method a key signs with: RSA -> 3, ECDSA by its curve -> 9/10/11; nullopt otherwise.
std::optional<std::uint16_t> ikev1_signature_method(const Botan::Public_Key& key);

base::Result<base::Bytes> ikev1_sign(std::uint16_t method, const Botan::Private_Key& key, base::ByteView hash, Rng& rng);
// Fails unless `key` is of the method's type (and curve) and `signature` verifies.
base::Status ikev1_verify(std::uint16_t method, const Botan::Public_Key& key, base::ByteView hash,
                          base::ByteView signature);

}  // namespace ike::crypto
