#include "ike/crypto/prf.hpp"

#include <botan/mac.h>

#include <algorithm>
#include <memory>

namespace ike::crypto {

base::Result<Prf> Prf::create(PrfId id) {
    switch (id) {
        case PrfId::hmac_sha1: return Prf(id, "HMAC(SHA-1)", 20);
        case PrfId::hmac_sha2_256: return Prf(id, "HMAC(SHA-256)", 32);
        case PrfId::hmac_sha2_384: return Prf(id, "HMAC(SHA-384)", 48);
        case PrfId::hmac_sha2_512: return Prf(id, "HMAC(SHA-512)", 64);
    }
    return base::fail("PRF " + std::to_string(static_cast<unsigned>(id)) + ": not supported");
}

namespace {

// One HMAC object per algorithm and thread, keyed for each computation and cleared (keys
// zeroised) after it: creating one by name was half of a PRF's cost (perf, issue 13).
Botan::MessageAuthenticationCode& hmac(PrfId id, const char* name) {
    thread_local std::unique_ptr<Botan::MessageAuthenticationCode> macs[8];
    // 2, 5, 6, 7: one slot each, so a slot only ever holds `name`'s object (no name()
    // comparison: Botan builds that string at each call).
    auto& mac = macs[static_cast<std::size_t>(id) % 8];
    // HMAC accepts any key length and the name is one of ours, so nothing here can throw
    // short of memory exhaustion.
    if (!mac) mac = Botan::MessageAuthenticationCode::create_or_throw(name);
    return *mac;
}

}  // namespace

base::SecretBytes Prf::compute(base::ByteView key, std::initializer_list<base::ByteView> data) const {
    auto& mac = hmac(id_, mac_name_);
    mac.set_key(key.data(), key.size());
    for (auto part : data) mac.update(part.data(), part.size());
    base::SecretBytes out = mac.final();
    mac.clear();
    return out;
}

base::SecretBytes Prf::chain(base::ByteView key, base::ByteView seed, std::size_t length) const {
    auto& mac = hmac(id_, mac_name_);
    mac.set_key(key.data(), key.size());
    base::SecretBytes out;
    out.reserve(length);
    base::SecretBytes block;
    for (std::uint8_t n = 1; n != 0 && out.size() < length; ++n) {  // n never wraps
        // HMAC's final() leaves it keyed for the next block: one key schedule per chain.
        mac.update(block);
        mac.update(seed.data(), seed.size());
        mac.update(n);
        block = mac.final();
        out.insert(out.end(), block.begin(), block.begin() + std::min(block.size(), length - out.size()));
    }
    mac.clear();
    return out;
}

}  // namespace ike::crypto
