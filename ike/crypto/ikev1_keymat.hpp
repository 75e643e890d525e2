// IKEv1 key derivation (RFC 2409 5, Appendix B). The PRF is the HMAC of the negotiated hash.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/crypto/prf.hpp"

namespace ike::crypto {

// IKEv1 Hash Algorithm attribute (RFC 2409 Appendix A; 4-6 from the IANA registry) to the
// HMAC PRF used with it. MD5 and Tiger are not supported.
base::Result<PrfId> ikev1_prf_for_hash(std::uint16_t hash_attribute);

// Cookies are the 8 ISAKMP header octets read big-endian.
struct Ikev1Cookies {
    std::uint64_t initiator = 0;
    std::uint64_t responder = 0;
};

struct Ikev1Keys {
    base::SecretBytes skeyid, skeyid_d, skeyid_a, skeyid_e;
};

// Pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b).
base::SecretBytes ikev1_skeyid_psk(const Prf& prf, base::ByteView psk, base::ByteView ni_b, base::ByteView nr_b);
// Signatures: SKEYID = prf(Ni_b | Nr_b, g^xy).
base::SecretBytes ikev1_skeyid_sig(const Prf& prf, base::ByteView ni_b, base::ByteView nr_b, base::ByteView g_xy);

// SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0), SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | ... | 1),
// SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | ... | 2).
Ikev1Keys ikev1_derive_keys(const Prf& prf, base::SecretBytes skeyid, base::ByteView g_xy, Ikev1Cookies cookies);

// HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b).
base::SecretBytes ikev1_hash_i(const Prf& prf, base::ByteView skeyid, base::ByteView g_xi, base::ByteView g_xr,
                               Ikev1Cookies cookies, base::ByteView sai_b, base::ByteView idii_b);
// HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b).
base::SecretBytes ikev1_hash_r(const Prf& prf, base::ByteView skeyid, base::ByteView g_xi, base::ByteView g_xr,
                               Ikev1Cookies cookies, base::ByteView sai_b, base::ByteView idir_b);

// Appendix B: the cipher key is SKEYID_e truncated, or Ka = K1 | K2 | ... with
// K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1) when SKEYID_e is too short.
base::SecretBytes ikev1_encryption_key(const Prf& prf, base::ByteView skeyid_e, std::size_t key_size);

// Quick Mode (5.5): KEYMAT = K1 | K2 | ..., K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
// Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b). One call per SA (direction):
// the SPI is the one its receiver chose. g_qm_xy is empty without PFS.
base::SecretBytes ikev1_quick_mode_keymat(const Prf& prf, base::ByteView skeyid_d, base::ByteView g_qm_xy,
                                          std::uint8_t protocol, std::uint32_t spi, base::ByteView ni_b,
                                          base::ByteView nr_b, std::size_t length);

}  // namespace ike::crypto
