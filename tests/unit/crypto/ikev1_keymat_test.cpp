#include "ike/crypto/ikev1_keymat.hpp"

#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::concat;
using test::hand_hmac;
using test::hex;
using test::text;

const base::Bytes kNi(16, 0x0a), kNr(16, 0x0b), kGxy(256, 0x0c), kGxi(256, 0x1c), kGxr(256, 0x2c);
const Ikev1Cookies kCookies{0x0102030405060708, 0x1112131415161718};
const base::Bytes kCkyI = hex("0102030405060708"), kCkyR = hex("1112131415161718");

Prf sha1() { return Prf::create(PrfId::hmac_sha1).value(); }

// RFC 2409 5: SKEYID for pre-shared keys and for signatures.
TEST(Ikev1Keymat, SkeyidForPsk) {
    EXPECT_EQ(ikev1_skeyid_psk(sha1(), text("psk"), kNi, kNr), hand_hmac("SHA-1", text("psk"), concat({kNi, kNr})));
}

TEST(Ikev1Keymat, SkeyidForSignatures) {
    EXPECT_EQ(ikev1_skeyid_sig(sha1(), kNi, kNr, kGxy), hand_hmac("SHA-1", concat({kNi, kNr}), kGxy));
}

TEST(Ikev1Keymat, DerivesSkeyidDAE) {
    const base::SecretBytes skeyid(20, 0x77);
    const auto keys = ikev1_derive_keys(sha1(), skeyid, kGxy, kCookies);
    const auto d = hand_hmac("SHA-1", skeyid, concat({kGxy, kCkyI, kCkyR, hex("00")}));
    const auto a = hand_hmac("SHA-1", skeyid, concat({d, kGxy, kCkyI, kCkyR, hex("01")}));
    const auto e = hand_hmac("SHA-1", skeyid, concat({a, kGxy, kCkyI, kCkyR, hex("02")}));
    EXPECT_EQ(keys.skeyid, skeyid);
    EXPECT_EQ(keys.skeyid_d, d);
    EXPECT_EQ(keys.skeyid_a, a);
    EXPECT_EQ(keys.skeyid_e, e);
}

TEST(Ikev1Keymat, HashIAndHashRSwapTheirInputs) {
    const auto prf = Prf::create(PrfId::hmac_sha2_256).value();
    const base::Bytes skeyid(32, 0x99), sa(40, 0x5a), idi(8, 0x1d), idr(8, 0x2d);
    EXPECT_EQ(ikev1_hash_i(prf, skeyid, kGxi, kGxr, kCookies, sa, idi),
              hand_hmac("SHA-256", skeyid, concat({kGxi, kGxr, kCkyI, kCkyR, sa, idi})));
    EXPECT_EQ(ikev1_hash_r(prf, skeyid, kGxi, kGxr, kCookies, sa, idr),
              hand_hmac("SHA-256", skeyid, concat({kGxr, kGxi, kCkyR, kCkyI, sa, idr})));
}

// Appendix B: a 32-byte AES-256 key from a 20-byte SHA-1 SKEYID_e needs K1 | K2.
TEST(Ikev1Keymat, ExpandsShortSkeyidE) {
    const base::Bytes skeyid_e(20, 0xee);
    const auto k1 = hand_hmac("SHA-1", skeyid_e, hex("00"));
    const auto k2 = hand_hmac("SHA-1", skeyid_e, k1);
    auto expected = concat({k1, k2});
    expected.resize(32);
    const auto key = ikev1_encryption_key(sha1(), skeyid_e, 32);
    EXPECT_EQ(base::Bytes(key.begin(), key.end()), expected);
}

TEST(Ikev1Keymat, TruncatesLongSkeyidE) {
    const base::Bytes skeyid_e(32, 0xee);
    EXPECT_EQ(ikev1_encryption_key(sha1(), skeyid_e, 16), base::SecretBytes(16, 0xee));
}

// 5.5: KEYMAT = K1 | K2, Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
TEST(Ikev1Keymat, QuickModeKeymatWithPfs) {
    const base::Bytes skeyid_d(20, 0xdd), gqm(32, 0x3e);
    const auto tail = concat({gqm, hex("03"), hex("c0ffee01"), kNi, kNr});
    const auto k1 = hand_hmac("SHA-1", skeyid_d, tail);
    const auto k2 = hand_hmac("SHA-1", skeyid_d, concat({k1, tail}));
    auto expected = concat({k1, k2});
    expected.resize(36);
    const auto keymat = ikev1_quick_mode_keymat(sha1(), skeyid_d, gqm, 3, 0xc0ffee01, kNi, kNr, 36);
    EXPECT_EQ(base::Bytes(keymat.begin(), keymat.end()), expected);
}

TEST(Ikev1Keymat, QuickModeKeymatWithoutPfs) {
    const base::Bytes skeyid_d(20, 0xdd);
    const auto keymat = ikev1_quick_mode_keymat(sha1(), skeyid_d, {}, 3, 1, kNi, kNr, 20);
    EXPECT_EQ(keymat, hand_hmac("SHA-1", skeyid_d, concat({hex("03"), hex("00000001"), kNi, kNr})));
}

TEST(Ikev1Keymat, MapsHashAttributeToPrf) {
    EXPECT_EQ(ikev1_prf_for_hash(2).value(), PrfId::hmac_sha1);
    EXPECT_EQ(ikev1_prf_for_hash(4).value(), PrfId::hmac_sha2_256);
    EXPECT_FALSE(ikev1_prf_for_hash(1).ok());  // MD5
}

}  // namespace
}  // namespace ike::crypto
