#include "ike/crypto/key_exchange.hpp"

#include <botan/dl_group.h>

#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::hex;
using test::hex_of;

std::unique_ptr<KeyExchange> fixed(KeGroup group, std::string_view private_hex) {
    return KeyExchange::from_private(group, hex(private_hex)).value();
}

// RFC 7748 6.1.
TEST(KeyExchange, Curve25519MatchesRfc7748) {
    auto alice = fixed(KeGroup::curve25519, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    auto bob = fixed(KeGroup::curve25519, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    EXPECT_EQ(hex_of(alice->public_value()), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(hex_of(bob->public_value()), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const auto shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    EXPECT_EQ(hex_of(alice->compute(bob->public_value()).value()), shared);
    EXPECT_EQ(hex_of(bob->compute(alice->public_value()).value()), shared);
}

// RFC 5903 8.1: public value is gix | giy, shared secret is girx alone.
TEST(KeyExchange, Ecp256MatchesRfc5903) {
    auto i = fixed(KeGroup::ecp256, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
    auto r = fixed(KeGroup::ecp256, "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53");
    EXPECT_EQ(hex_of(i->public_value()),
              "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
              "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
    EXPECT_EQ(hex_of(r->public_value()),
              "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
              "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab");
    const auto girx = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";
    EXPECT_EQ(hex_of(i->compute(r->public_value()).value()), girx);
    EXPECT_EQ(hex_of(r->compute(i->public_value()).value()), girx);
}

// RFC 5903 8.2.
TEST(KeyExchange, Ecp384MatchesRfc5903) {
    auto i = fixed(KeGroup::ecp384,
                   "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655e35b538041e649ee3faef896783ab194");
    auto r = fixed(KeGroup::ecp384,
                   "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942e0308312916b8ed2960e4bd55a7448fc");
    EXPECT_EQ(hex_of(i->public_value()),
              "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6de3ac808acb4bdb4c88732aee95f41aa"
              "9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c");
    const auto girx =
        "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4d603135569b9e9d09cf5d4a270f59746";
    EXPECT_EQ(hex_of(i->compute(r->public_value()).value()), girx);
    EXPECT_EQ(hex_of(r->compute(i->public_value()).value()), girx);
}

// RFC 5903 8.3: 66-octet coordinates, the secret padded to 66 octets.
TEST(KeyExchange, Ecp521MatchesRfc5903) {
    auto i = fixed(KeGroup::ecp521,
                   "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c2952c6771d937ba977"
                   "7f5957b2639bab072462f68c27a57382d4a52");
    auto r = fixed(KeGroup::ecp521,
                   "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e9c677d600b343757a3bdbf2a3163e4c"
                   "2f869cca7458aa4a4effc311f5cb151685eb9");
    EXPECT_EQ(i->public_value().size(), 132u);
    const auto girx =
        "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4baa240a34786859810c06b3c715a3a"
        "8cc3151f2bee417996d19f3ddea";
    EXPECT_EQ(hex_of(i->compute(r->public_value()).value()), girx);
    EXPECT_EQ(hex_of(r->compute(i->public_value()).value()), girx);
}

class EveryGroup : public ::testing::TestWithParam<KeGroup> {};

TEST_P(EveryGroup, TwoPeersAgree) {
    DeterministicRng rng(7);
    auto a = KeyExchange::create(GetParam(), rng).value();
    auto b = KeyExchange::create(GetParam(), rng).value();
    EXPECT_EQ(a->public_value().size(), ke_public_size(GetParam()));
    const auto s1 = a->compute(b->public_value()).value();
    EXPECT_EQ(s1, b->compute(a->public_value()).value());
    EXPECT_FALSE(s1.empty());
}

TEST_P(EveryGroup, SameSeedGivesSamePublicValue) {
    DeterministicRng r1(42), r2(42);
    EXPECT_EQ(KeyExchange::create(GetParam(), r1).value()->public_value(),
              KeyExchange::create(GetParam(), r2).value()->public_value());
}

TEST_P(EveryGroup, RejectsPublicValueOfWrongLength) {
    DeterministicRng rng(1);
    auto a = KeyExchange::create(GetParam(), rng).value();
    auto peer = a->public_value();
    peer.push_back(0);
    EXPECT_FALSE(a->compute(peer).ok());
    peer.resize(peer.size() - 2);
    EXPECT_FALSE(a->compute(peer).ok());
}

INSTANTIATE_TEST_SUITE_P(KeyExchange, EveryGroup,
                         ::testing::Values(KeGroup::modp2048, KeGroup::modp3072, KeGroup::modp4096, KeGroup::ecp256,
                                           KeGroup::ecp384, KeGroup::ecp521, KeGroup::curve25519));

// RFC 6989 2.1: 1 < y < p-1.
TEST(KeyExchange, ModpRejectsZeroOneAndPMinusOne) {
    DeterministicRng rng(3);
    auto a = KeyExchange::create(KeGroup::modp2048, rng).value();
    base::Bytes y(256, 0);
    EXPECT_FALSE(a->compute(y).ok());
    y.back() = 1;
    EXPECT_FALSE(a->compute(y).ok());
    const auto p = Botan::DL_Group("modp/ietf/2048").get_p();
    auto p_minus_1 = Botan::BigInt::encode_1363(p - 1, 256);
    EXPECT_FALSE(a->compute(p_minus_1).ok());
    p_minus_1.back() = 0xfd;  // p-2 is in range
    EXPECT_TRUE(a->compute(p_minus_1).ok());
}

TEST(KeyExchange, EcpRejectsPointNotOnCurve) {
    DeterministicRng rng(4);
    auto a = KeyExchange::create(KeGroup::ecp256, rng).value();
    auto b = KeyExchange::create(KeGroup::ecp256, rng).value();
    auto peer = b->public_value();
    peer.back() ^= 1;
    EXPECT_FALSE(a->compute(peer).ok());
}

// The point at infinity has no affine encoding; (0, 0) is where a sloppy decoder would put it.
TEST(KeyExchange, EcpRejectsAllZeroPoint) {
    DeterministicRng rng(5);
    auto a = KeyExchange::create(KeGroup::ecp384, rng).value();
    EXPECT_FALSE(a->compute(base::Bytes(96, 0)).ok());
}

TEST(KeyExchange, EcpRejectsCoordinateNotBelowP) {
    DeterministicRng rng(6);
    auto a = KeyExchange::create(KeGroup::ecp256, rng).value();
    EXPECT_FALSE(a->compute(base::Bytes(64, 0xff)).ok());
}

// RFC 8031 2.3: u = 0 (a small-order point) yields an all-zero secret, which is refused.
TEST(KeyExchange, Curve25519RejectsAllZeroSharedSecret) {
    DeterministicRng rng(8);
    auto a = KeyExchange::create(KeGroup::curve25519, rng).value();
    EXPECT_FALSE(a->compute(base::Bytes(32, 0)).ok());
    base::Bytes one(32, 0);
    one[0] = 1;  // u = 1 has order 4
    EXPECT_FALSE(a->compute(one).ok());
}

TEST(KeyExchange, RejectsUnsupportedGroup) {
    DeterministicRng rng(9);
    EXPECT_FALSE(KeyExchange::create(KeGroup::none, rng).ok());
    EXPECT_FALSE(KeyExchange::create(static_cast<KeGroup>(2), rng).ok());
    EXPECT_EQ(ke_public_size(static_cast<KeGroup>(2)), 0u);
}

}  // namespace
}  // namespace ike::crypto
