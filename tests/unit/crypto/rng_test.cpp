#include "ike/crypto/fast_key_erasure_rng.hpp"
#include "ike/crypto/rng.hpp"

#include <botan/stream_cipher.h>

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

// Stands in for the kernel: counts its draws, and fills each with the byte `value`.
class CountingSource final : public Rng {
public:
    void fill(std::span<std::uint8_t> out) override {
        ++draws;
        std::fill(out.begin(), out.end(), value);
    }
    int draws = 0;
    std::uint8_t value = 1;
};

TEST(Rng, FastKeyErasureRngServesManyRequestsFromOneKernelDraw) {
    CountingSource kernel;
    FastKeyErasureRng rng(kernel);
    for (int i = 0; i < 1000; ++i) draw(rng, 32);
    EXPECT_EQ(kernel.draws, 1);
}

TEST(Rng, FastKeyErasureRngDrawsFromTheKernelAgainAfterItsInterval) {
    CountingSource kernel;
    FastKeyErasureRng rng(kernel, 4096);
    draw(rng, 4096);
    EXPECT_EQ(kernel.draws, 1);
    draw(rng, 4096);
    EXPECT_EQ(kernel.draws, 2);
}

TEST(Rng, FastKeyErasureRngMixesTheReseedIntoItsOutput) {
    CountingSource kernel_a, kernel_b;
    FastKeyErasureRng a(kernel_a, 4096), b(kernel_b, 4096);
    EXPECT_EQ(draw(a, 4096), draw(b, 4096));
    kernel_b.value = 2;  // the same start, a different reseed
    EXPECT_NE(draw(a, 4096), draw(b, 4096));
}

// Bernstein's construction: ChaCha20 under the kernel's key, its first 32 bytes kept as the
// next key, the rest served; the second run is under that next key.
TEST(Rng, FastKeyErasureRngServesTheChaCha20StreamAfterTheNextKey) {
    CountingSource kernel;
    FastKeyErasureRng rng(kernel);
    auto chacha = Botan::StreamCipher::create_or_throw("ChaCha(20)");
    chacha->set_key(base::Bytes(32, kernel.value));
    chacha->set_iv(nullptr, 0);
    base::Bytes run(512);
    chacha->write_keystream(run.data(), run.size());
    EXPECT_EQ(draw(rng, 480), base::Bytes(run.begin() + 32, run.end()));
    chacha->set_key(run.data(), 32);
    chacha->set_iv(nullptr, 0);
    chacha->write_keystream(run.data(), run.size());
    EXPECT_EQ(draw(rng, 16), base::Bytes(run.begin() + 32, run.begin() + 48));
}

TEST(Rng, FastKeyErasureRngNeverServesTheSameBytesTwice) {
    CountingSource kernel;
    FastKeyErasureRng rng(kernel);
    const auto first = draw(rng, 32);
    EXPECT_NE(draw(rng, 32), first);
    EXPECT_NE(draw(rng, 2000), base::Bytes(2000, 0));  // longer than one ChaCha20 run
}

}  // namespace
}  // namespace ike::crypto
