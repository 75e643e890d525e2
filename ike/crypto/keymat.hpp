// IKE SA keys (RFC 7296 2.14) and the keys of an IKE SA rekeyed by CREATE_CHILD_SA (2.18).
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/iana.hpp"

namespace ike::crypto {

// The transforms an IKE SA negotiated; integ is IntegId::none with an AEAD cipher.
struct IkeSuite {
    EncrId encr = EncrId::aes_gcm_16;
    std::uint16_t encr_key_bits = 256;  // Key Length attribute; 0 for ChaCha20-Poly1305
    IntegId integ = IntegId::none;
    PrfId prf = PrfId::hmac_sha2_256;
};

// In prf+ order. sk_ei/sk_er include the salt for AEAD ciphers; sk_ai/sk_ar are empty then.
struct IkeSaKeys {
    base::SecretBytes sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

// SPIs are the 8 header octets read big-endian (as the codec carries them).
struct IkeSpis {
    std::uint64_t initiator = 0;
    std::uint64_t responder = 0;
};

// SKEYSEED = prf(Ni | Nr, g^ir); keys = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
base::Result<IkeSaKeys> derive_ike_sa_keys(const IkeSuite& suite, base::ByteView shared_secret,
                                           base::ByteView ni, base::ByteView nr, IkeSpis spis);

// Rekey (2.18): SKEYSEED = prf_old(SK_d(old), g^ir(new) | Ni | Nr), then prf+ of the new suite
// over the new nonces and SPIs.
base::Result<IkeSaKeys> derive_rekeyed_ike_sa_keys(const IkeSuite& new_suite, PrfId old_prf,
                                                   base::ByteView old_sk_d, base::ByteView shared_secret,
                                                   base::ByteView ni, base::ByteView nr, IkeSpis new_spis);

}  // namespace ike::crypto
