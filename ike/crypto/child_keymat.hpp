// CHILD SA keys (RFC 7296 2.17): KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr).
#pragma once

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/crypto/prf.hpp"
#include "ike/crypto/transform_keys.hpp"

namespace ike::crypto {

// "_i" keys protect initiator-to-responder traffic, "_r" the reverse. For AEAD/CTR the salt is
// the trailing 4 bytes of the encr key, as XFRM expects it.
struct ChildSaKeys {
    base::SecretBytes encr_i, integ_i, encr_r, integ_r;
};

// pfs_shared_secret is g^ir of the CREATE_CHILD_SA KE exchange, empty without PFS.
// Ni/Nr are the nonces of the exchange that created this CHILD SA.
base::Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, base::ByteView sk_d, KeyLengths lengths,
                                               base::ByteView ni, base::ByteView nr,
                                               base::ByteView pfs_shared_secret = {});

}  // namespace ike::crypto
