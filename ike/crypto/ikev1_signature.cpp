#include "ike/crypto/ikev1_signature.hpp"

#include <botan/ecc_key.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>

#include <exception>
#include <string>

#include "ike/crypto/botan_rng.hpp"

namespace ike::crypto {

namespace {

// Botan's padding for a method: no further hash for either (HASH is the digest signed);
// IEEE 1363 is r | s for ECDSA (RFC 4754 7).
const char* padding_of(std::uint16_t method) {
    switch (method) {
        case kIkev1AuthRsaSig: return "EMSA3(Raw)";
        case kIkev1AuthEcdsa256:
        case kIkev1AuthEcdsa384:
        case kIkev1AuthEcdsa521: return "Raw";
        default: return nullptr;
    }
}

base::Status check_key(std::uint16_t method, const Botan::Public_Key& key) {
    if (!padding_of(method)) return base::fail("auth method " + std::to_string(method) + " is not a signature method");
    if (ikev1_signature_method(key) != method)
        return base::fail("a " + key.algo_name() + " key of " + std::to_string(key.key_length()) +
                          " bits cannot sign for auth method " + std::to_string(method));
    return {};
}

}  // namespace

bool is_ikev1_signature_method(std::uint16_t method) { return padding_of(method) != nullptr; }

std::optional<std::uint16_t> ikev1_signature_method(const Botan::Public_Key& key) {
    if (key.algo_name() == "RSA") return kIkev1AuthRsaSig;
    const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(&key);
    if (key.algo_name() != "ECDSA" || !ec) return std::nullopt;
    switch (ec->domain().get_p_bits()) {
        case 256: return kIkev1AuthEcdsa256;
        case 384: return kIkev1AuthEcdsa384;
        case 521: return kIkev1AuthEcdsa521;
        default: return std::nullopt;
    }
}

base::Result<base::Bytes> ikev1_sign(std::uint16_t method, const Botan::Private_Key& key, base::ByteView hash,
                                     Rng& rng) {
    if (auto ok = check_key(method, key); !ok) return base::Unexpected{ok.error()};
    try {
        BotanRng botan_rng(rng);
        Botan::PK_Signer signer(key, botan_rng, padding_of(method), Botan::IEEE_1363);
        const auto sig = signer.sign_message(hash.data(), hash.size(), botan_rng);
        return base::Bytes(sig.begin(), sig.end());
    } catch (const std::exception& e) {
        return base::fail(std::string("signing failed: ") + e.what());
    }
}

base::Status ikev1_verify(std::uint16_t method, const Botan::Public_Key& key, base::ByteView hash,
                          base::ByteView signature) {
    if (auto ok = check_key(method, key); !ok) return ok;
    bool valid = false;
    try {
        Botan::PK_Verifier verifier(key, padding_of(method), Botan::IEEE_1363);
        valid = verifier.verify_message(hash.data(), hash.size(), signature.data(), signature.size());
    } catch (const std::exception&) {
        valid = false;  // a malformed signature is a failed check
    }
    if (!valid) return base::fail("the signature does not verify");
    return {};
}

}  // namespace ike::crypto
