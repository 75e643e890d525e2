#include "ike/crypto/signature.hpp"

#include <botan/ecc_key.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "ike/crypto/botan_rng.hpp"
#include "ike/crypto/signature_scheme_table.hpp"

namespace ike::crypto {

namespace {

// RFC 7427 3: ECDSA and Ed25519 signatures in method 14 go in DER; RFC 4754 7: methods
// 9/10/11 carry r | s; RSA signatures have one format.
Botan::Signature_Format format_of(AuthMethod method, SignatureScheme scheme) {
    if (scheme_entry(scheme).key_algorithm != "ECDSA") return Botan::IEEE_1363;
    return method == AuthMethod::digital_signature ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
}

// RFC 4754 3: the method of an ECDSA key on P-256, P-384 or P-521; nullopt for other keys.
std::optional<AuthMethod> rfc4754_method(const Botan::Public_Key& key) {
    const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(&key);
    if (!ec || key.algo_name() != "ECDSA") return std::nullopt;
    const auto curve = ec->domain().get_curve_oid().to_string();
    if (curve == "1.2.840.10045.3.1.7") return AuthMethod::ecdsa_sha256_p256;
    if (curve == "1.3.132.0.34") return AuthMethod::ecdsa_sha384_p384;
    if (curve == "1.3.132.0.35") return AuthMethod::ecdsa_sha512_p521;
    return std::nullopt;
}

bool is_rfc4754(AuthMethod method) {
    return method == AuthMethod::ecdsa_sha256_p256 || method == AuthMethod::ecdsa_sha384_p384 ||
           method == AuthMethod::ecdsa_sha512_p521;
}

// The key fits the scheme, and for RFC 4754 methods also the method's curve.
base::Status check_key(AuthMethod method, const SchemeEntry& e, const Botan::Public_Key& key) {
    if (key.algo_name() != e.key_algorithm)
        return base::fail("signature: a " + key.algo_name() + " key cannot use a " + e.key_algorithm + " scheme");
    if (is_rfc4754(method) && rfc4754_method(key) != method)
        return base::fail("signature: auth method " + std::to_string(static_cast<unsigned>(method)) +
                          " needs another curve than the key's");
    return {};
}

SignatureScheme ecdsa_scheme_for(const Botan::Private_Key& key) {
    const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(&key);
    const std::size_t bits = ec ? ec->domain().get_p_bits() : 256;
    return bits > 384 ? SignatureScheme::ecdsa_sha512 : bits > 256 ? SignatureScheme::ecdsa_sha384
                                                                   : SignatureScheme::ecdsa_sha256;
}

}  // namespace

base::Result<SignatureScheme> scheme_of_method(AuthMethod method) {
    switch (method) {
        case AuthMethod::rsa_sig: return SignatureScheme::rsa_pkcs1_sha1;
        case AuthMethod::ecdsa_sha256_p256: return SignatureScheme::ecdsa_sha256;
        case AuthMethod::ecdsa_sha384_p384: return SignatureScheme::ecdsa_sha384;
        case AuthMethod::ecdsa_sha512_p521: return SignatureScheme::ecdsa_sha512;
        case AuthMethod::psk:
        case AuthMethod::dss_sig:
        case AuthMethod::digital_signature: break;
    }
    return base::fail("signature: auth method " + std::to_string(static_cast<unsigned>(method)) + " not supported");
}

base::Result<SignatureScheme> choose_scheme(const Botan::Private_Key& key, std::span<const HashAlgorithm> peer_hashes) {
    SignatureScheme preferred;
    if (key.algo_name() == "RSA") preferred = SignatureScheme::rsa_pkcs1_sha256;
    else if (key.algo_name() == "ECDSA") preferred = ecdsa_scheme_for(key);
    else if (key.algo_name() == "Ed25519") preferred = SignatureScheme::ed25519;
    else
        return base::fail("signature: " + key.algo_name() + " keys are not supported",
                          static_cast<int>(SigningFailure::unsupported_key));
    const auto hash = scheme_hash(preferred);
    if (!peer_hashes.empty() && std::find(peer_hashes.begin(), peer_hashes.end(), hash) == peer_hashes.end())
        return base::fail("signature: the peer does not accept hash " + std::to_string(static_cast<unsigned>(hash)) +
                              " for a " + key.algo_name() + " key",
                          static_cast<int>(SigningFailure::peer_hashes_unusable));
    return preferred;
}

base::Result<Signing> choose_signing(const Botan::Private_Key& key, std::span<const HashAlgorithm> peer_hashes) {
    if (!peer_hashes.empty()) {
        auto scheme = choose_scheme(key, peer_hashes);
        if (!scheme) return base::Unexpected{scheme.error()};
        return Signing{AuthMethod::digital_signature, *scheme};
    }
    if (key.algo_name() == "RSA") return Signing{AuthMethod::rsa_sig, SignatureScheme::rsa_pkcs1_sha1};
    if (const auto method = rfc4754_method(key)) return Signing{*method, scheme_of_method(*method).value()};
    return base::fail("signature: the peer sent no SIGNATURE_HASH_ALGORITHMS (RFC 7427 4) and our " +
                          key.algo_name() + " key" + (key.algo_name() == "ECDSA" ? " on a curve other than P-256/384/521" : "") +
                          " signs only with method 14: use an RSA key or one on a NIST curve for such peers",
                      static_cast<int>(SigningFailure::needs_rfc7427));
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
        if (*legacy != scheme)
            return base::fail("signature: auth method " + std::to_string(static_cast<unsigned>(method)) +
                              " signs with one scheme only");
    }
    const auto& e = scheme_entry(scheme);
    if (auto ok = check_key(method, e, key); !ok) return base::Unexpected{ok.error()};
    try {
        BotanRng botan_rng(rng);
        Botan::PK_Signer signer(key, botan_rng, e.padding, format_of(method, scheme));
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
    if (auto ok = check_key(method, e, key); !ok) return ok;
    bool valid = false;
    try {
        Botan::PK_Verifier verifier(key, e.padding, format_of(method, scheme));
        valid = verifier.verify_message(signed_octets.data(), signed_octets.size(), signature.data(), signature.size());
    } catch (const std::exception&) {
        valid = false;  // malformed signature encodings count as a failed check
    }
    if (!valid) return base::fail("signature: AUTH does not verify");
    return {};
}

}  // namespace ike::crypto
