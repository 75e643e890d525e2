// Shared Key Message Integrity Code AUTH (RFC 7296 2.15, auth method 2):
//   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <Signed Octets> )
// The same formula with the EAP MSK as the secret authenticates after EAP (2.16).
#pragma once

#include "base/bytes.hpp"
#include "base/secret.hpp"
#include "ike/crypto/prf.hpp"

namespace ike::crypto {

base::SecretBytes psk_auth(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets);

// Constant-time comparison of a received AUTH value with the expected one.
bool psk_auth_matches(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets,
                      base::ByteView received_auth);

}  // namespace ike::crypto
