// Internal to ike/crypto: what the group families share. Agreement: the public value and
// errors prefixed with the group. BlindedAgreement (DH and ECDH): Botan's raw key agreement
// with its exceptions caught and a private blinding RNG (seeded once from the creator's RNG,
// so compute() needs none and stays reproducible). X25519 needs neither the blinding RNG nor
// Botan's by-name agreement object: building both was ~3% of a responder's CPU (issue 13).
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
    explicit Agreement(KeGroup group) : group_(group) {}
    // Error text prefixed with the group, e.g. "KE group 19: peer public value not on the curve".
    base::Unexpected<base::Error> reject(const std::string& why) const;
    // Length check shared by every family (RFC 7296 3.4: data length fixed per group).
    bool has_public_size(base::ByteView peer) const { return peer.size() == ke_public_size(group_); }

    base::Bytes public_;

private:
    KeGroup group_;
};

class BlindedAgreement : public Agreement {
protected:
    BlindedAgreement(KeGroup group, Botan::RandomNumberGenerator& rng);
    // Raw shared secret from Botan (`peer` in Botan's encoding).
    base::Result<base::SecretBytes> agree(const Botan::PK_Key_Agreement_Key& key, base::ByteView peer) const;
    // A given private value as Botan's DH and ECDH keys take it; none (0) has Botan generate one.
    static Botan::BigInt private_scalar(base::ByteView value) {
        return value.empty() ? Botan::BigInt(0) : Botan::BigInt(value.data(), value.size());
    }

private:
    mutable Botan::ChaCha_RNG blinding_;
};

}  // namespace ike::crypto::ke
