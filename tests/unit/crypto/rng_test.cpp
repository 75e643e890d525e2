#include "ike/crypto/rng.hpp"

#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

base::Bytes draw(Rng& rng, std::size_t n) {
    base::Bytes out(n);
    rng.fill(out);
    return out;
}

TEST(Rng, DeterministicRngRepeatsForSameSeed) {
    DeterministicRng a(99), b(99);
    EXPECT_EQ(draw(a, 64), draw(b, 64));
}

TEST(Rng, DeterministicRngDiffersForOtherSeed) {
    DeterministicRng a(1), b(2);
    EXPECT_NE(draw(a, 32), draw(b, 32));
}

TEST(Rng, SystemRngFillsBuffer) {
    SystemRng rng;
    EXPECT_NE(draw(rng, 32), base::Bytes(32, 0));
}

}  // namespace
}  // namespace ike::crypto
