// Internal to ike/crypto: presents our injected Rng to Botan calls that need one
// (key generation, signing, blinding), so they draw from the same source.
#pragma once

#include <botan/rng.h>

#include "ike/crypto/rng.hpp"

namespace ike::crypto {

class BotanRng final : public Botan::RandomNumberGenerator {
public:
    explicit BotanRng(Rng& rng) : rng_(rng) {}
    void randomize(std::uint8_t out[], std::size_t len) override { rng_.fill({out, len}); }
    bool accepts_input() const override { return false; }
    void add_entropy(const std::uint8_t[], std::size_t) override {}
    std::string name() const override { return "ipsecd-injected"; }
    void clear() override {}
    bool is_seeded() const override { return true; }

private:
    Rng& rng_;
};

}  // namespace ike::crypto
