// Ephemeral Diffie-Hellman (RFC 7296 1.2, KE payload 3.4) for the groups ipsecd offers:
// MODP 14/15/16 (RFC 3526), ECP 19/20/21 (RFC 5903), Curve25519 (RFC 8031).
#pragma once

#include <cstddef>
#include <memory>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/crypto/rng.hpp"
#include "ike/iana.hpp"

namespace ike::crypto {

class KeyExchange {
public:
    virtual ~KeyExchange() = default;

    // A fresh private value drawn from rng.
    static base::Result<std::unique_ptr<KeyExchange>> create(KeGroup group, Rng& rng);
    // A fixed private value, for known-answer tests: the big-endian exponent (MODP), the
    // big-endian scalar (ECP) or the 32-byte little-endian scalar (Curve25519).
    static base::Result<std::unique_ptr<KeyExchange>> from_private(KeGroup group, base::ByteView private_value);

    virtual KeGroup group() const = 0;
    // The KE payload's Key Exchange Data: y padded to |p| (MODP), x | y (ECP, RFC 5903 7),
    // the 32-byte u-coordinate (Curve25519, RFC 8031 2).
    virtual const base::Bytes& public_value() const = 0;
    // g^ir in the form 2.14 feeds to SKEYSEED, after validating the peer's value
    // (RFC 7296 5.12, RFC 6989): an error names the group and the check that failed.
    virtual base::Result<base::SecretBytes> compute(base::ByteView peer_public) const = 0;
};

// Octets of the KE payload data for `group` (the codec checks KE lengths against it);
// 0 for a group ipsecd does not implement.
std::size_t ke_public_size(KeGroup group);

}  // namespace ike::crypto
