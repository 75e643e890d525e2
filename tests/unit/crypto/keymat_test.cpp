#include "ike/crypto/keymat.hpp"

#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::concat;
using test::slice;
using test::hand_hmac;
using test::hand_prf_plus;
using test::hex;

const base::Bytes kNi(32, 0xa1), kNr(32, 0xb2), kSecret(32, 0xc3);
const IkeSpis kSpis{0x0102030405060708, 0x1112131415161718};
const base::Bytes kSpiOctets = hex("01020304050607081112131415161718");

// RFC 7296 2.14 by hand: AES-CBC-256 + HMAC-SHA2-256-128 + PRF-HMAC-SHA2-256.
TEST(IkeKeymat, MatchesIndependentComputationForCbcHmac) {
    const IkeSuite suite{EncrId::aes_cbc, 256, IntegId::hmac_sha2_256_128, PrfId::hmac_sha2_256};
    const auto keys = derive_ike_sa_keys(suite, kSecret, kNi, kNr, kSpis).value();

    const auto skeyseed = hand_hmac("SHA-256", concat({kNi, kNr}), kSecret);
    const auto stream = hand_prf_plus("SHA-256", skeyseed, concat({kNi, kNr, kSpiOctets}), 32 * 7);
    EXPECT_EQ(keys.sk_d, slice(stream, 0, 32));
    EXPECT_EQ(keys.sk_ai, slice(stream, 32, 32));
    EXPECT_EQ(keys.sk_ar, slice(stream, 64, 32));
    EXPECT_EQ(keys.sk_ei, slice(stream, 96, 32));
    EXPECT_EQ(keys.sk_er, slice(stream, 128, 32));
    EXPECT_EQ(keys.sk_pi, slice(stream, 160, 32));
    EXPECT_EQ(keys.sk_pr, slice(stream, 192, 32));
}

// AEAD: no SK_a*, and SK_e* carries the 4-byte salt (RFC 5282 7.1).
TEST(IkeKeymat, AeadTakesNoIntegrityKeysAndIncludesSalt) {
    const IkeSuite suite{EncrId::aes_gcm_16, 256, IntegId::none, PrfId::hmac_sha2_384};
    const auto keys = derive_ike_sa_keys(suite, kSecret, kNi, kNr, kSpis).value();

    const auto skeyseed = hand_hmac("SHA-384", concat({kNi, kNr}), kSecret);
    const auto stream = hand_prf_plus("SHA-384", skeyseed, concat({kNi, kNr, kSpiOctets}), 48 + 36 + 36 + 48 + 48);
    EXPECT_TRUE(keys.sk_ai.empty());
    EXPECT_TRUE(keys.sk_ar.empty());
    EXPECT_EQ(keys.sk_d, slice(stream, 0, 48));
    EXPECT_EQ(keys.sk_ei, slice(stream, 48, 36));
    EXPECT_EQ(keys.sk_er, slice(stream, 84, 36));
    EXPECT_EQ(keys.sk_pi, slice(stream, 120, 48));
    EXPECT_EQ(keys.sk_pr, slice(stream, 168, 48));
}

TEST(IkeKeymat, ChaChaKeyIs32BytesPlusSalt) {
    const IkeSuite suite{EncrId::chacha20_poly1305, 0, IntegId::none, PrfId::hmac_sha2_256};
    EXPECT_EQ(derive_ike_sa_keys(suite, kSecret, kNi, kNr, kSpis).value().sk_ei.size(), 36u);
}

TEST(IkeKeymat, RejectsCbcWithoutIntegrity) {
    const IkeSuite suite{EncrId::aes_cbc, 128, IntegId::none, PrfId::hmac_sha2_256};
    EXPECT_FALSE(derive_ike_sa_keys(suite, kSecret, kNi, kNr, kSpis).ok());
}

TEST(IkeKeymat, RejectsAeadWithIntegrity) {
    const IkeSuite suite{EncrId::aes_gcm_16, 128, IntegId::hmac_sha2_256_128, PrfId::hmac_sha2_256};
    EXPECT_FALSE(derive_ike_sa_keys(suite, kSecret, kNi, kNr, kSpis).ok());
}

// RFC 7296 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF.
TEST(IkeKeymat, RekeyUsesOldSkdAndOldPrf) {
    const base::Bytes old_sk_d(64, 0x5d);
    const IkeSpis new_spis{0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb};
    const IkeSuite suite{EncrId::aes_gcm_16, 128, IntegId::none, PrfId::hmac_sha2_256};
    const auto keys =
        derive_rekeyed_ike_sa_keys(suite, PrfId::hmac_sha2_512, old_sk_d, kSecret, kNi, kNr, new_spis).value();

    const auto skeyseed = hand_hmac("SHA-512", old_sk_d, concat({kSecret, kNi, kNr}));
    const auto spis = hex("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb");
    const auto stream = hand_prf_plus("SHA-256", skeyseed, concat({kNi, kNr, spis}), 32 + 20 + 20 + 32 + 32);
    EXPECT_EQ(keys.sk_d, slice(stream, 0, 32));
    EXPECT_EQ(keys.sk_ei, slice(stream, 32, 20));
    EXPECT_EQ(keys.sk_er, slice(stream, 52, 20));
    EXPECT_EQ(keys.sk_pr, slice(stream, 104, 32));
}

}  // namespace
}  // namespace ike::crypto
