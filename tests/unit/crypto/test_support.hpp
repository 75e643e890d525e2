// Shared by the crypto tests: hex literals and an Rng that replays given bytes.
#pragma once

#include <botan/mac.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "base/bytes.hpp"
#include "base/secret.hpp"
#include "ike/crypto/rng.hpp"

namespace ike::crypto::test {

inline base::Bytes hex(std::string_view text) {
    auto bytes = base::from_hex(text);
    if (!bytes) throw std::invalid_argument("bad hex in test");
    return *bytes;
}

inline std::string hex_of(base::ByteView data) { return base::to_hex(data); }

inline base::ByteView text(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The independent computations keymat is checked against: Botan's HMAC called directly
// and prf+ written out as RFC 7296 2.13 states it.
inline base::SecretBytes hand_hmac(const char* hash, base::ByteView key, base::ByteView data) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw(std::string("HMAC(") + hash + ")");
    mac->set_key(key.data(), key.size());
    mac->update(data.data(), data.size());
    return mac->final();
}

inline base::SecretBytes hand_prf_plus(const char* hash, base::ByteView key, base::ByteView seed, std::size_t len) {
    base::SecretBytes out, t;
    for (std::uint8_t n = 1; out.size() < len; ++n) {
        base::Bytes input(t.begin(), t.end());
        input.insert(input.end(), seed.begin(), seed.end());
        input.push_back(n);
        t = hand_hmac(hash, key, input);
        out.insert(out.end(), t.begin(), t.end());
    }
    out.resize(len);
    return out;
}

inline base::Bytes concat(std::initializer_list<base::ByteView> parts) {
    base::Bytes out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline base::SecretBytes slice(const base::SecretBytes& s, std::size_t from, std::size_t n) {
    return base::SecretBytes(s.begin() + static_cast<std::ptrdiff_t>(from),
                             s.begin() + static_cast<std::ptrdiff_t>(from + n));
}

// Serves `bytes` in order (IVs in known-answer tests), then zeros.
class ReplayRng final : public Rng {
public:
    explicit ReplayRng(base::Bytes bytes) : bytes_(std::move(bytes)) {}
    void fill(std::span<std::uint8_t> out) override {
        for (auto& b : out) b = pos_ < bytes_.size() ? bytes_[pos_++] : 0;
    }

private:
    base::Bytes bytes_;
    std::size_t pos_ = 0;
};

}  // namespace ike::crypto::test
