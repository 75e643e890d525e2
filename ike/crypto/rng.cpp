#include "ike/crypto/rng.hpp"

#include <botan/chacha_rng.h>
#include <botan/hash.h>
#include <botan/system_rng.h>

namespace ike::crypto {

SystemRng::SystemRng() : rng_(std::make_unique<Botan::System_RNG>()) {}
SystemRng::~SystemRng() = default;

void SystemRng::fill(std::span<std::uint8_t> out) { rng_->randomize(out.data(), out.size()); }

namespace {

// ChaCha_RNG counts as seeded only with 256 bits of input; hashing stretches short seeds.
Botan::secure_vector<std::uint8_t> seed_key(base::ByteView seed) {
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    return sha->process(seed.data(), seed.size());
}

}  // namespace

DeterministicRng::DeterministicRng(base::ByteView seed) : rng_(std::make_unique<Botan::ChaCha_RNG>(seed_key(seed))) {}

DeterministicRng::DeterministicRng(std::uint64_t seed)
    : DeterministicRng(base::Bytes{static_cast<std::uint8_t>(seed >> 56), static_cast<std::uint8_t>(seed >> 48),
                                   static_cast<std::uint8_t>(seed >> 40), static_cast<std::uint8_t>(seed >> 32),
                                   static_cast<std::uint8_t>(seed >> 24), static_cast<std::uint8_t>(seed >> 16),
                                   static_cast<std::uint8_t>(seed >> 8), static_cast<std::uint8_t>(seed)}) {}

DeterministicRng::~DeterministicRng() = default;

void DeterministicRng::fill(std::span<std::uint8_t> out) { rng_->randomize(out.data(), out.size()); }

}  // namespace ike::crypto
