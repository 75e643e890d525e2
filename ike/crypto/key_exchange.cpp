#include "ike/crypto/key_exchange.hpp"

#include <botan/chacha_rng.h>
#include <botan/exceptn.h>

#include <string>

#include "ike/crypto/botan_rng.hpp"
#include "ike/crypto/ke/families.hpp"

namespace ike::crypto {

namespace {

std::string group_name(KeGroup group) { return "KE group " + std::to_string(static_cast<unsigned>(group)); }

base::Result<std::unique_ptr<KeyExchange>> make(KeGroup group, Botan::RandomNumberGenerator& rng,
                                                base::ByteView private_value) {
    try {
        switch (group) {
            case KeGroup::modp2048: return ke::make_modp(group, "modp/ietf/2048", rng, private_value);
            case KeGroup::modp3072: return ke::make_modp(group, "modp/ietf/3072", rng, private_value);
            case KeGroup::modp4096: return ke::make_modp(group, "modp/ietf/4096", rng, private_value);
            case KeGroup::ecp256: return ke::make_ecp(group, "secp256r1", rng, private_value);
            case KeGroup::ecp384: return ke::make_ecp(group, "secp384r1", rng, private_value);
            case KeGroup::ecp521: return ke::make_ecp(group, "secp521r1", rng, private_value);
            case KeGroup::curve25519: return ke::make_curve25519(rng, private_value);
            case KeGroup::none: break;
        }
    } catch (const std::exception& e) {
        return base::fail(group_name(group) + ": " + e.what());
    }
    return base::fail(group_name(group) + ": not supported");
}

}  // namespace

base::Result<std::unique_ptr<KeyExchange>> KeyExchange::create(KeGroup group, Rng& rng) {
    BotanRng botan_rng(rng);
    return make(group, botan_rng, {});
}

base::Result<std::unique_ptr<KeyExchange>> KeyExchange::from_private(KeGroup group, base::ByteView private_value) {
    if (private_value.empty()) return base::fail(group_name(group) + ": empty private value");
    // The fixed value makes the result deterministic; the RNG only feeds Botan's blinding.
    Botan::ChaCha_RNG blinding(Botan::secure_vector<std::uint8_t>(32, 0));
    return make(group, blinding, private_value);
}

std::size_t ke_public_size(KeGroup group) {
    switch (group) {
        case KeGroup::modp2048: return 256;
        case KeGroup::modp3072: return 384;
        case KeGroup::modp4096: return 512;
        case KeGroup::ecp256: return 64;
        case KeGroup::ecp384: return 96;
        case KeGroup::ecp521: return 132;
        case KeGroup::curve25519: return 32;
        case KeGroup::none: break;
    }
    return 0;
}

}  // namespace ike::crypto
