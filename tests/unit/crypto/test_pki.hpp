// A throw-away PKI made with Botan in the test process, so certificate tests need no files:
// CAs, end-entity certificates of each key type with subjectAltNames, CRLs. Keys are made
// once per process (RSA generation dominates otherwise) and, with the RNG, never freed:
// Botan's secure memory pool is gone by the time function-local statics are destroyed.
#pragma once

#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pkcs10.h>
#include <botan/rsa.h>
#include <botan/x509_ca.h>
#include <botan/x509self.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "ike/crypto/credentials.hpp"

namespace ike::crypto::test {

enum class KeyType { rsa, p256, p384, ed25519 };

inline Botan::RandomNumberGenerator& pki_rng() {
    static auto* rng = new Botan::AutoSeeded_RNG;
    return *rng;
}

// A fresh key of each type per `slot`: slots let a test hold two distinct keys of one type.
inline std::shared_ptr<const Botan::Private_Key> pki_key(KeyType type, int slot = 0) {
    static auto* keys = new std::map<std::pair<KeyType, int>, std::shared_ptr<const Botan::Private_Key>>;
    auto& k = (*keys)[{type, slot}];
    if (!k) {
        switch (type) {
            case KeyType::rsa: k = std::make_shared<Botan::RSA_PrivateKey>(pki_rng(), 2048); break;
            case KeyType::p256: k = std::make_shared<Botan::ECDSA_PrivateKey>(pki_rng(), Botan::EC_Group("secp256r1")); break;
            case KeyType::p384: k = std::make_shared<Botan::ECDSA_PrivateKey>(pki_rng(), Botan::EC_Group("secp384r1")); break;
            case KeyType::ed25519: k = std::make_shared<Botan::Ed25519_PrivateKey>(pki_rng()); break;
        }
    }
    return k;
}

struct Validity {
    std::chrono::system_clock::time_point from = std::chrono::system_clock::now() - std::chrono::hours(1);
    std::chrono::system_clock::time_point to = std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
};

struct Ca {
    Certificate cert;
    std::shared_ptr<const Botan::Private_Key> key;
};

// A self-signed CA with a P-256 key (slot picks a distinct key: two CAs, two keys).
inline Ca make_ca(const std::string& name, int slot = 0) {
    Botan::X509_Cert_Options opts(name + "/CH/ipsecd test");
    opts.CA_key();
    opts.start = Botan::X509_Time(std::chrono::system_clock::now() - std::chrono::hours(1));
    auto key = pki_key(KeyType::p256, 100 + slot);
    return {Botan::X509::create_self_signed_cert(opts, *key, "SHA-256", pki_rng()), key};
}

struct Names {
    std::string dns, email, ip;
};

// An end-entity certificate "CN=<cn>, C=CH, O=ipsecd test" for `key`, signed by `ca`.
inline Certificate issue(const Ca& ca, const std::string& cn, const Botan::Private_Key& key, const Names& names,
                         const Validity& validity = {}) {
    Botan::X509_Cert_Options opts(cn + "/CH/ipsecd test");
    opts.dns = names.dns;
    opts.email = names.email;
    opts.ip = names.ip;
    const char* hash = key.algo_name() == "Ed25519" ? "Pure" : "SHA-256";
    const auto req = Botan::X509::create_cert_req(opts, key, hash, pki_rng());
    const Botan::X509_CA signer(ca.cert, *ca.key, "SHA-256", pki_rng());
    return signer.sign_request(req, pki_rng(), Botan::X509_Time(validity.from), Botan::X509_Time(validity.to));
}

// A CRL of `ca` listing `revoked` (none: an empty CRL), valid for a week.
inline Crl make_crl(const Ca& ca, const std::vector<Certificate>& revoked) {
    const Botan::X509_CA signer(ca.cert, *ca.key, "SHA-256", pki_rng());
    const auto now = std::chrono::system_clock::now() - std::chrono::minutes(1);
    std::vector<Botan::CRL_Entry> entries;
    for (const auto& c : revoked) entries.emplace_back(c, Botan::CRL_Code::KEY_COMPROMISE);
    return signer.update_crl(signer.new_crl(pki_rng(), now, std::chrono::hours(24 * 7)), entries, pki_rng(), now,
                             std::chrono::hours(24 * 7));
}

}  // namespace ike::crypto::test
