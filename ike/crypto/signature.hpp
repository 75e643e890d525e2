// Signature AUTH: RSA Digital Signature (auth method 1, RSASSA-PKCS1-v1_5 with SHA-1, RFC
// 7296 3.8), ECDSA with SHA-256/384/512 on P-256/384/521 (methods 9/10/11, RFC 4754) and
// Digital Signature (method 14, RFC 7427) with RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA and
// Ed25519 (RFC 8420). Keys are Botan's; loading and certificate checks live elsewhere.
#pragma once

#include <cstdint>
#include <span>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "ike/crypto/rng.hpp"
#include "ike/iana.hpp"

namespace Botan {
class Private_Key;
class Public_Key;
}  // namespace Botan

namespace ike::crypto {

enum class SignatureScheme : std::uint8_t {
    rsa_pkcs1_sha1,  // method 1 only, for peers without RFC 7427: RFC 8247 4.1 SHA-1 is MUST NOT in it
    rsa_pkcs1_sha256,
    rsa_pkcs1_sha384,
    rsa_pkcs1_sha512,
    rsa_pss_sha256,  // MGF1 with the same hash, salt = hash length (RFC 8247 3.2)
    rsa_pss_sha384,
    rsa_pss_sha512,
    ecdsa_sha256,  // signature: DER Ecdsa-Sig-Value (RFC 7427 3, RFC 3279)
    ecdsa_sha384,
    ecdsa_sha512,
    ed25519,  // hash "identity" (RFC 8420)
};

// The hash named in SIGNATURE_HASH_ALGORITHMS (RFC 7427 4) that the scheme uses.
HashAlgorithm scheme_hash(SignatureScheme scheme);

// DER AlgorithmIdentifier of the scheme (RFC 7427 3 and Appendix A).
base::Bytes algorithm_identifier(SignatureScheme scheme);

// The Authentication Data of a method-14 AUTH payload, parsed strictly: the length octet,
// an AlgorithmIdentifier that is exactly one of the known ones, a non-empty signature.
struct DigitalSignature {
    SignatureScheme scheme;
    base::ByteView signature;  // a view into the parsed data
};
base::Result<DigitalSignature> parse_digital_signature(base::ByteView auth_data);

// The scheme ipsecd signs with for `key`: RSA -> PKCS#1 v1.5 SHA-256, ECDSA -> the hash of
// its curve size, Ed25519 -> ed25519; restricted to `peer_hashes` (the peer's
// SIGNATURE_HASH_ALGORITHMS) when that is not empty.
base::Result<SignatureScheme> choose_scheme(const Botan::Private_Key& key, std::span<const HashAlgorithm> peer_hashes);

// Which AUTH method and scheme we sign with (RFC 7427 4): method 14 with choose_scheme's
// scheme when the peer sent SIGNATURE_HASH_ALGORITHMS (`peer_hashes` not empty); else a
// method a peer without RFC 7427 knows (Apple's clients): RSA -> 1 (PKCS#1 v1.5 with SHA-1),
// ECDSA on P-256/P-384/P-521 -> 9/10/11 (RFC 4754). Other keys fail with
// SigningFailure::needs_rfc7427 as the error's code.
struct Signing {
    AuthMethod method;
    SignatureScheme scheme;
};
enum class SigningFailure : int { unsupported_key = 1, needs_rfc7427 = 2, peer_hashes_unusable = 3 };
base::Result<Signing> choose_signing(const Botan::Private_Key& key, std::span<const HashAlgorithm> peer_hashes);

// The scheme a signature method other than 14 implies: 1 -> rsa_pkcs1_sha1, 9/10/11 ->
// ecdsa_sha256/384/512; an error for any other method.
base::Result<SignatureScheme> scheme_of_method(AuthMethod method);

// AUTH payload Authentication Data over signed_octets. method is rsa_sig or an RFC 4754
// method (scheme_of_method's scheme, a bare signature; RFC 4754's on its curve only, as
// r | s) or digital_signature (length | AlgorithmIdentifier | signature).
base::Result<base::Bytes> sign_auth(AuthMethod method, SignatureScheme scheme, const Botan::Private_Key& key,
                                    base::ByteView signed_octets, Rng& rng);

// Checks received Authentication Data against signed_octets with the peer's public key;
// the key type must match the scheme.
base::Status verify_auth(AuthMethod method, const Botan::Public_Key& key, base::ByteView auth_data,
                         base::ByteView signed_octets);

}  // namespace ike::crypto
