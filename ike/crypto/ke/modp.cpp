// MODP groups 14, 15, 16 (RFC 3526).
#include <botan/dh.h>
#include <botan/dl_group.h>

#include <map>
#include <mutex>
#include <string>

#include "ike/crypto/ke/agreement.hpp"
#include "ike/crypto/ke/families.hpp"

namespace ike::crypto::ke {

namespace {

// Botan parses the prime and precomputes powers of g on every DL_Group construction; build
// each group once per process (DL_Group is immutable and safe to share).
const Botan::DL_Group& named_group(const char* botan_group) {
    static std::mutex mutex;
    static std::map<std::string, Botan::DL_Group> groups;
    const std::lock_guard lock(mutex);
    return groups.try_emplace(botan_group, botan_group).first->second;
}

class Modp final : public BlindedAgreement {
public:
    Modp(KeGroup group, const char* botan_group, Botan::RandomNumberGenerator& rng,
         base::ByteView private_value)
        : BlindedAgreement(group, rng),
          key_(rng, named_group(botan_group), private_scalar(private_value)) {
        // Botan pads y to |p| (RFC 7296 3.4: "padded with zeros ... to the length of the modulus").
        public_ = key_.public_value();
    }

    base::Result<base::SecretBytes> compute(base::ByteView peer) const override {
        if (!has_public_size(peer)) return reject("peer public value has the wrong length");
        // RFC 6989 2.1: for safe-prime MODP groups, 1 < y < p-1 is the whole check.
        const Botan::BigInt y(peer.data(), peer.size());
        const Botan::BigInt& p = key_.group_p();
        if (y <= 1 || y >= p - 1) return reject("peer public value out of range (RFC 6989 2.1)");
        return agree(key_, peer);  // already |p| octets, as SKEYSEED wants it (2.14)
    }

private:
    Botan::DH_PrivateKey key_;
};

}  // namespace

std::unique_ptr<KeyExchange> make_modp(KeGroup group, const char* botan_group, Botan::RandomNumberGenerator& rng,
                                       base::ByteView private_value) {
    return std::make_unique<Modp>(group, botan_group, rng, private_value);
}

}  // namespace ike::crypto::ke
