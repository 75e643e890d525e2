// Random numbers for the engine: injected, so two engines in one test process draw
// reproducible nonces, SPIs, IVs and private values, and production draws from the OS.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.hpp"

namespace Botan {
class RandomNumberGenerator;
}

namespace ike::crypto {

class Rng {
public:
    virtual ~Rng() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

// The kernel's CSPRNG (getrandom) through Botan::System_RNG.
class SystemRng final : public Rng {
public:
    SystemRng();
    ~SystemRng() override;
    void fill(std::span<std::uint8_t> out) override;

private:
    std::unique_ptr<Botan::RandomNumberGenerator> rng_;
};

// For tests and benchmarks only: a ChaCha20 stream keyed by the seed, so the same seed
// gives the same bytes on every run.
class DeterministicRng final : public Rng {
public:
    explicit DeterministicRng(base::ByteView seed);
    explicit DeterministicRng(std::uint64_t seed);
    ~DeterministicRng() override;
    void fill(std::span<std::uint8_t> out) override;

private:
    std::unique_ptr<Botan::RandomNumberGenerator> rng_;
};

}  // namespace ike::crypto
