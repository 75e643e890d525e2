// Internal to ike/crypto: one factory per group family behind KeyExchange.
#pragma once

#include <botan/rng.h>

#include <memory>

#include "ike/crypto/key_exchange.hpp"

namespace ike::crypto::ke {

// `private_value` empty means "generate with rng". Botan exceptions are caught by the caller.
// `botan_group` is Botan's name of the group: "modp/ietf/2048", "secp256r1", ...
std::unique_ptr<KeyExchange> make_modp(KeGroup group, const char* botan_group, Botan::RandomNumberGenerator& rng,
                                       base::ByteView private_value);
std::unique_ptr<KeyExchange> make_ecp(KeGroup group, const char* botan_group, Botan::RandomNumberGenerator& rng,
                                      base::ByteView private_value);
std::unique_ptr<KeyExchange> make_curve25519(Botan::RandomNumberGenerator& rng, base::ByteView private_value);

}  // namespace ike::crypto::ke
