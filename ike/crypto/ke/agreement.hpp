// Internal to ike/crypto: what the three group families share — the public value, a
// private blinding RNG (seeded once from the creator's RNG, so compute() needs none and
// stays reproducible) and Botan's raw key agreement with its exceptions caught.
#pragma once

#include <botan/bigint.h>
#include <botan/chacha_rng.h>
#include <botan/pk_keys.h>

#include <string>

#include "ike/crypto/key_exchange.hpp"

namespace ike::crypto::ke {

class Agreement : public KeyExchange {
public:
    KeGroup group() const override { return group_; }
    const base::Bytes& public_value() const override { return public_; }

protected:
    Agreement(KeGroup group, Botan::RandomNumberGenerator& rng);
    // Error text prefixed with the group, e.g. "KE group 19: peer public value not on the curve".
    base::Unexpected<base::Error> reject(const std::string& why) const;
    // Raw shared secret from Botan (`peer` in Botan's encoding).
    base::Result<base::SecretBytes> agree(const Botan::PK_Key_Agreement_Key& key, base::ByteView peer) const;
    // Length check shared by every family (RFC 7296 3.4: data length fixed per group).
    bool has_public_size(base::ByteView peer) const { return peer.size() == ke_public_size(group_); }
    // A given private value as Botan's DH and ECDH keys take it; none (0) has Botan generate one.
    static Botan::BigInt private_scalar(base::ByteView value) {
        return value.empty() ? Botan::BigInt(0) : Botan::BigInt(value.data(), value.size());
    }

    base::Bytes public_;

private:
    KeGroup group_;
    mutable Botan::ChaCha_RNG blinding_;
};

}  // namespace ike::crypto::ke
