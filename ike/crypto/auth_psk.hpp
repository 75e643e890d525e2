// Shared Key Message Integrity Code AUTH (RFC 7296 2.15, auth method 2):
//   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <Signed Octets> )
// The same formula with the EAP MSK as the secret authenticates after EAP (2.16).
#pragma once

#include "base/bytes.hpp"
#include "base/secret.hpp"
#include "ike/crypto/prf.hpp"

namespace ike::crypto {

// prf(Shared Secret, "Key Pad for IKEv2"): the same for every AUTH made with the secret and
// `prf`, so it may be kept with the secret (a secret itself: zeroised with it).
base::SecretBytes psk_key_pad(const Prf& prf, base::ByteView shared_secret);

// AUTH from a key pad of psk_key_pad().
base::SecretBytes padded_auth(const Prf& prf, base::ByteView key_pad, base::ByteView signed_octets);
// Constant-time comparison of a received AUTH value with the one the key pad gives.
bool padded_auth_matches(const Prf& prf, base::ByteView key_pad, base::ByteView signed_octets,
                         base::ByteView received_auth);

// The same from the secret itself (its key pad computed for this one AUTH).
base::SecretBytes psk_auth(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets);
bool psk_auth_matches(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets,
                      base::ByteView received_auth);

}  // namespace ike::crypto
