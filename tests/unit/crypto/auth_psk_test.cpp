#include "ike/crypto/auth_psk.hpp"

#include "ike/crypto/signed_octets.hpp"
#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::concat;
using test::hand_hmac;
using test::text;

const base::Bytes kMessage(120, 0x33), kNonce(32, 0x44), kSkp(32, 0x55);
const base::Bytes kIdPayload{0x02, 0, 0, 0, 'g', 'w', '-', 'a'};  // ID_FQDN, RESERVED, "gw-a"

// RFC 7296 2.15: RealMessage | Nonce | prf(SK_p, RestOfIDPayload).
TEST(SignedOctets, ConcatenatesMessageNonceAndMacedId) {
    const auto prf = Prf::create(PrfId::hmac_sha2_256).value();
    const auto octets = signed_octets(prf, kMessage, kNonce, kSkp, kIdPayload);
    const auto maced = hand_hmac("SHA-256", kSkp, kIdPayload);
    EXPECT_EQ(octets, concat({kMessage, kNonce, maced}));
}

// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>), by hand.
TEST(PskAuth, MatchesHandComputation) {
    const auto prf = Prf::create(PrfId::hmac_sha2_512).value();
    const auto psk = text("a long random secret");
    const auto octets = signed_octets(prf, kMessage, kNonce, kSkp, kIdPayload);
    const auto inner = hand_hmac("SHA-512", psk, text("Key Pad for IKEv2"));
    EXPECT_EQ(psk_auth(prf, psk, octets), hand_hmac("SHA-512", inner, octets));
}

// The key pad kept with a secret gives the AUTH the secret itself gives.
TEST(PskAuth, KeyPadIsPrfOfTheSecretAndTheFixedText) {
    const auto prf = Prf::create(PrfId::hmac_sha2_256).value();
    const auto psk = text("a long random secret");
    const auto octets = signed_octets(prf, kMessage, kNonce, kSkp, kIdPayload);
    const auto pad = psk_key_pad(prf, psk);
    EXPECT_EQ(pad, hand_hmac("SHA-256", psk, text("Key Pad for IKEv2")));
    EXPECT_EQ(padded_auth(prf, pad, octets), psk_auth(prf, psk, octets));
    EXPECT_TRUE(padded_auth_matches(prf, pad, octets, psk_auth(prf, psk, octets)));
    EXPECT_FALSE(padded_auth_matches(prf, psk_key_pad(prf, text("other")), octets, psk_auth(prf, psk, octets)));
}

TEST(PskAuth, MatchesOnlyTheRightSecret) {
    const auto prf = Prf::create(PrfId::hmac_sha2_256).value();
    const auto octets = signed_octets(prf, kMessage, kNonce, kSkp, kIdPayload);
    const auto auth = psk_auth(prf, text("secret"), octets);
    EXPECT_TRUE(psk_auth_matches(prf, text("secret"), octets, auth));
    EXPECT_FALSE(psk_auth_matches(prf, text("Secret"), octets, auth));
    EXPECT_FALSE(psk_auth_matches(prf, text("secret"), octets, base::ByteView(auth).first(16)));
}

}  // namespace
}  // namespace ike::crypto
