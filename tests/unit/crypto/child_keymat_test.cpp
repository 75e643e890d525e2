#include "ike/crypto/child_keymat.hpp"

#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::concat;
using test::slice;
using test::hand_prf_plus;

const base::Bytes kSkd(32, 0xd0), kNi(16, 0x01), kNr(16, 0x02), kGir(32, 0x0e);

// RFC 7296 2.17: encr then integ for initiator-to-responder, then the same for the reverse.
TEST(ChildKeymat, SplitsKeymatInRfcOrderWithoutPfs) {
    const auto prf = Prf::create(PrfId::hmac_sha2_256).value();
    const auto keys = derive_child_sa_keys(prf, kSkd, {16, 32}, kNi, kNr).value();
    const auto keymat = hand_prf_plus("SHA-256", kSkd, concat({kNi, kNr}), 96);
    EXPECT_EQ(keys.encr_i, slice(keymat, 0, 16));
    EXPECT_EQ(keys.integ_i, slice(keymat, 16, 32));
    EXPECT_EQ(keys.encr_r, slice(keymat, 48, 16));
    EXPECT_EQ(keys.integ_r, slice(keymat, 64, 32));
}

TEST(ChildKeymat, PrependsNewSharedSecretWithPfs) {
    const auto prf = Prf::create(PrfId::hmac_sha2_256).value();
    const auto keys = derive_child_sa_keys(prf, kSkd, {36, 0}, kNi, kNr, kGir).value();
    const auto keymat = hand_prf_plus("SHA-256", kSkd, concat({kGir, kNi, kNr}), 72);
    EXPECT_EQ(keys.encr_i, slice(keymat, 0, 36));
    EXPECT_EQ(keys.encr_r, slice(keymat, 36, 36));
    EXPECT_TRUE(keys.integ_i.empty());
}

struct EspLengths {
    EncrId encr;
    std::uint16_t bits;
    IntegId integ;
    std::size_t encr_len, integ_len;
};

TEST(TransformKeys, EspKeyLengthsIncludeSalt) {
    const EspLengths cases[] = {
        {EncrId::aes_gcm_16, 256, IntegId::none, 36, 0},
        {EncrId::aes_gcm_16, 128, IntegId::none, 20, 0},
        {EncrId::chacha20_poly1305, 0, IntegId::none, 36, 0},
        {EncrId::aes_cbc, 128, IntegId::hmac_sha2_256_128, 16, 32},
        {EncrId::aes_cbc, 256, IntegId::hmac_sha2_512_256, 32, 64},
        {EncrId::aes_ctr, 128, IntegId::hmac_sha1_96, 20, 20},
        {EncrId::null_auth_aes_gmac, 256, IntegId::none, 36, 0},
    };
    for (const auto& c : cases) {
        const auto l = key_lengths(c.encr, c.bits, c.integ).value();
        EXPECT_EQ(l.encr, c.encr_len);
        EXPECT_EQ(l.integ, c.integ_len);
    }
}

TEST(TransformKeys, RejectsAesWithoutKeyLength) { EXPECT_FALSE(encr_key_size(EncrId::aes_gcm_16, 0).ok()); }

TEST(TransformKeys, RejectsChaChaWithOtherKeyLength) {
    EXPECT_FALSE(encr_key_size(EncrId::chacha20_poly1305, 128).ok());
}

}  // namespace
}  // namespace ike::crypto
