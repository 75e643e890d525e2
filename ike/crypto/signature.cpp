#include "ike/crypto/signature.hpp"

#include <botan/ecc_key.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>

#include <algorithm>
#include <exception>

#include "ike/crypto/botan_rng.hpp"
#include "ike/crypto/signature_scheme_table.hpp"

namespace ike::crypto {

namespace {

// ECDSA and Ed25519 signatures go in DER (RFC 7427 3); RSA signatures have one format.
Botan::Signature_Format format_of(SignatureScheme scheme) {
    return scheme_entry(scheme).key_algorithm == "ECDSA" ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
}

base::Status check_key(const SchemeEntry& e, const Botan::Public_Key& key) {
    if (key.algo_name() != e.key_algorithm)
        return base::fail("signature: a " + key.algo_name() + " key cannot use a " + e.key_algorithm + " scheme");
    return {};
}

// Method 1 is PKCS#1 v1.5 with SHA-1 and no AlgorithmIdentifier.
base::Result<SignatureScheme> scheme_of_method(AuthMethod method) {
    if (method == AuthMethod::rsa_sig) return SignatureScheme::rsa_pkcs1_sha1;
    return base::fail("signature: auth method " + std::to_string(static_cast<unsigned>(method)) + " not supported");
}

SignatureScheme ecdsa_scheme_for(const Botan::Private_Key& key) {
    const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(&key);
    const std::size_t bits = ec ? ec->domain().get_p_bits() : 256;
    return bits > 384 ? SignatureScheme::ecdsa_sha512 : bits > 256 ? SignatureScheme::ecdsa_sha384
                                                                   : SignatureScheme::ecdsa_sha256;
}

}  // namespace

base::Result<SignatureScheme> choose_scheme(const Botan::Private_Key& key, std::span<const HashAlgorithm> peer_hashes) {
    SignatureScheme preferred;
    if (key.algo_name() == "RSA") preferred = SignatureScheme::rsa_pkcs1_sha256;
    else if (key.algo_name() == "ECDSA") preferred = ecdsa_scheme_for(key);
    else if (key.algo_name() == "Ed25519") preferred = SignatureScheme::ed25519;
    else return base::fail("signature: " + key.algo_name() + " keys are not supported");
    const auto hash = scheme_hash(preferred);
    if (!peer_hashes.empty() && std::find(peer_hashes.begin(), peer_hashes.end(), hash) == peer_hashes.end())
        return base::fail("signature: the peer does not accept hash " + std::to_string(static_cast<unsigned>(hash)) +
                          " for a " + key.algo_name() + " key");
    return preferred;
}

base::Result<base::Bytes> sign_auth(AuthMethod method, SignatureScheme scheme, const Botan::Private_Key& key,
                                    base::ByteView signed_octets, Rng& rng) {
    base::Bytes out;
    if (method == AuthMethod::digital_signature) {
        const auto& id = algorithm_identifier(scheme);
        out.push_back(static_cast<std::uint8_t>(id.size()));
        out.insert(out.end(), id.begin(), id.end());
    } else {
        auto legacy = scheme_of_method(method);
        if (!legacy) return base::Unexpected{legacy.error()};
        if (*legacy != scheme) return base::fail("signature: auth method 1 signs with RSA PKCS#1 v1.5 SHA-1 only");
    }
    const auto& e = scheme_entry(scheme);
    if (auto ok = check_key(e, key); !ok) return base::Unexpected{ok.error()};
    try {
        BotanRng botan_rng(rng);
        Botan::PK_Signer signer(key, botan_rng, e.padding, format_of(scheme));
        const auto sig = signer.sign_message(signed_octets.data(), signed_octets.size(), botan_rng);
        out.insert(out.end(), sig.begin(), sig.end());
    } catch (const std::exception& ex) {
        return base::fail(std::string("signature: signing failed: ") + ex.what());
    }
    return out;
}

base::Status verify_auth(AuthMethod method, const Botan::Public_Key& key, base::ByteView auth_data,
                         base::ByteView signed_octets) {
    SignatureScheme scheme;
    base::ByteView signature;
    if (method == AuthMethod::digital_signature) {
        auto parsed = parse_digital_signature(auth_data);
        if (!parsed) return base::Unexpected{parsed.error()};
        scheme = parsed->scheme;
        signature = parsed->signature;
    } else {
        auto legacy = scheme_of_method(method);
        if (!legacy) return base::Unexpected{legacy.error()};
        scheme = *legacy;
        signature = auth_data;
    }
    const auto& e = scheme_entry(scheme);
    if (auto ok = check_key(e, key); !ok) return ok;
    bool valid = false;
    try {
        Botan::PK_Verifier verifier(key, e.padding, format_of(scheme));
        valid = verifier.verify_message(signed_octets.data(), signed_octets.size(), signature.data(), signature.size());
    } catch (const std::exception&) {
        valid = false;  // malformed signature encodings count as a failed check
    }
    if (!valid) return base::fail("signature: AUTH does not verify");
    return {};
}

}  // namespace ike::crypto
