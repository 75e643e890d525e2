#include "ike/crypto/prf.hpp"
#include "ike/crypto/prf_plus.hpp"
#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::hex;
using test::hex_of;
using test::text;

Prf make(PrfId id) { return Prf::create(id).value(); }

struct HmacVector {
    PrfId prf;
    base::Bytes key;
    std::string_view data;
    std::string_view mac;
};

// RFC 4231 test cases 1 and 2.
TEST(Prf, MatchesRfc4231Vectors) {
    const base::Bytes k1(20, 0x0b);
    const base::Bytes jefe{'J', 'e', 'f', 'e'};
    const HmacVector vectors[] = {
        {PrfId::hmac_sha2_256, k1, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {PrfId::hmac_sha2_384, k1, "Hi There",
         "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"},
        {PrfId::hmac_sha2_512, k1, "Hi There",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914ee"
         "b61f1702e696c203a126854"},
        {PrfId::hmac_sha2_256, jefe, "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {PrfId::hmac_sha2_384, jefe, "what do ya want for nothing?",
         "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"},
        {PrfId::hmac_sha2_512, jefe, "what do ya want for nothing?",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34"
         "d4a6b4b636e070a38bce737"},
    };
    for (const auto& v : vectors) EXPECT_EQ(hex_of(make(v.prf).compute(v.key, {text(v.data)})), v.mac);
}

// RFC 4868 2.7.1: PRF test cases with keys as long as the hash output.
TEST(Prf, MatchesRfc4868PrfVectors) {
    EXPECT_EQ(hex_of(make(PrfId::hmac_sha2_256).compute(base::Bytes(32, 0x0b), {text("Hi There")})),
              "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7");
    EXPECT_EQ(hex_of(make(PrfId::hmac_sha2_384).compute(base::Bytes(48, 0x0b), {text("Hi There")})),
              "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee9737a959796489bddbc4c5df61d5b3297b4fb68dab9f1b582c2");
    EXPECT_EQ(hex_of(make(PrfId::hmac_sha2_512).compute(base::Bytes(64, 0x0b), {text("Hi There")})),
              "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8ac2878ebd5803f6f0b61dbce5e251ff878"
              "9a4722c1be65aea45fd464e89f8f5b");
}

TEST(Prf, ConcatenatesInputParts) {
    const auto prf = make(PrfId::hmac_sha2_256);
    const base::Bytes key{1, 2, 3};
    EXPECT_EQ(prf.compute(key, {text("Hi "), text("There")}), prf.compute(key, {text("Hi There")}));
}

TEST(Prf, ReportsOutputSizePerAlgorithm) {
    EXPECT_EQ(make(PrfId::hmac_sha1).size(), 20u);
    EXPECT_EQ(make(PrfId::hmac_sha2_256).size(), 32u);
    EXPECT_EQ(make(PrfId::hmac_sha2_384).size(), 48u);
    EXPECT_EQ(make(PrfId::hmac_sha2_512).size(), 64u);
}

TEST(Prf, RejectsUnknownAlgorithm) { EXPECT_FALSE(Prf::create(static_cast<PrfId>(4)).ok()); }

// prf+ (RFC 7296 2.13) against a hand-written HMAC chain.
TEST(PrfPlus, MatchesHandComputedChain) {
    const auto prf = make(PrfId::hmac_sha2_256);
    const base::Bytes key(32, 0x11), seed{'s', 'e', 'e', 'd'};
    EXPECT_EQ(prf_plus(prf, key, seed, 70).value(), test::hand_prf_plus("SHA-256", key, seed, 70));
}

TEST(PrfPlus, AllowsExactly255Blocks) {
    const auto prf = make(PrfId::hmac_sha2_256);
    EXPECT_EQ(prf_plus(prf, base::Bytes(32), {}, 255 * 32).value().size(), 255u * 32);
}

TEST(PrfPlus, RejectsLengthBeyond255Blocks) {
    const auto prf = make(PrfId::hmac_sha2_256);
    EXPECT_FALSE(prf_plus(prf, base::Bytes(32), {}, 255 * 32 + 1).ok());
}

}  // namespace
}  // namespace ike::crypto
