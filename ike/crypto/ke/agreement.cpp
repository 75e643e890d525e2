#include "ike/crypto/ke/agreement.hpp"

#include <botan/pubkey.h>

namespace ike::crypto::ke {

base::Unexpected<base::Error> Agreement::reject(const std::string& why) const {
    return base::fail("KE group " + std::to_string(static_cast<unsigned>(group_)) + ": " + why);
}

BlindedAgreement::BlindedAgreement(KeGroup group, Botan::RandomNumberGenerator& rng)
    : Agreement(group), blinding_(rng.random_vec(32)) {}

base::Result<base::SecretBytes> BlindedAgreement::agree(const Botan::PK_Key_Agreement_Key& key,
                                                        base::ByteView peer) const {
    try {
        Botan::PK_Key_Agreement ka(key, blinding_, "Raw");
        return ka.derive_key(0, peer.data(), peer.size()).bits_of();
    } catch (const std::exception& e) {
        return reject(std::string("key agreement failed: ") + e.what());
    }
}

}  // namespace ike::crypto::ke
