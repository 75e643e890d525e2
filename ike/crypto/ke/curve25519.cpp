// Curve25519 (RFC 8031, X25519 of RFC 7748): 32-byte little-endian u-coordinates.
#include <botan/curve25519.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "ike/crypto/ke/agreement.hpp"
#include "ike/crypto/ke/families.hpp"

namespace ike::crypto::ke {

namespace {

Botan::Curve25519_PrivateKey make_key(Botan::RandomNumberGenerator& rng, base::ByteView private_value) {
    if (private_value.empty()) return Botan::Curve25519_PrivateKey(rng);
    return Botan::Curve25519_PrivateKey(Botan::secure_vector<std::uint8_t>(private_value.begin(), private_value.end()));
}

class Curve25519 final : public Agreement {
public:
    Curve25519(Botan::RandomNumberGenerator& rng, base::ByteView private_value)
        : Agreement(KeGroup::curve25519), key_(make_key(rng, private_value)) {
        public_ = key_.public_value();
    }

    base::Result<base::SecretBytes> compute(base::ByteView peer) const override {
        // RFC 8031 2: the public value is exactly 32 octets.
        if (!has_public_size(peer)) return reject("peer public value has the wrong length");
        base::SecretBytes secret;
        try {
            secret = key_.agree(peer.data(), peer.size());
        } catch (const std::exception& e) {
            return reject(std::string("key agreement failed: ") + e.what());
        }
        // RFC 8031 2.3: an all-zero result (a small-order peer value) MUST be rejected.
        if (std::all_of(secret.begin(), secret.end(), [](std::uint8_t b) { return b == 0; }))
            return reject("shared secret is all zero (small-order peer value, RFC 8031 2.3)");
        return secret;
    }

private:
    Botan::Curve25519_PrivateKey key_;
};

}  // namespace

std::unique_ptr<KeyExchange> make_curve25519(Botan::RandomNumberGenerator& rng, base::ByteView private_value) {
    if (!private_value.empty() && private_value.size() != 32)
        throw std::invalid_argument("private value must be 32 bytes");
    return std::make_unique<Curve25519>(rng, private_value);
}

}  // namespace ike::crypto::ke
