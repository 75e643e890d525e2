#include "ike/crypto/prf.hpp"

#include <botan/mac.h>

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

base::SecretBytes Prf::compute(base::ByteView key, std::initializer_list<base::ByteView> data) const {
    // HMAC accepts any key length and the name is one of ours, so nothing here can throw
    // short of memory exhaustion.
    auto mac = Botan::MessageAuthenticationCode::create_or_throw(mac_name_);
    mac->set_key(key.data(), key.size());
    for (auto part : data) mac->update(part.data(), part.size());
    return mac->final();
}

}  // namespace ike::crypto
