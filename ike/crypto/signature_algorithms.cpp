// The scheme table: RFC 7427 AlgorithmIdentifiers and Botan's padding names.
#include <botan/asn1_obj.h>
#include <botan/der_enc.h>

#include <array>
#include <string>

#include "ike/crypto/signature.hpp"
#include "ike/crypto/signature_scheme_table.hpp"

namespace ike::crypto {

namespace {

using Botan::AlgorithmIdentifier;
using Botan::OID;

// RFC 4055 2.1: hash AlgorithmIdentifiers inside PSS parameters may carry NULL or no
// parameters and receivers MUST accept both; we send NULL.
base::Bytes pss_identifier(const char* hash_oid, std::size_t salt, AlgorithmIdentifier::Encoding_Option hash_params) {
    const AlgorithmIdentifier hash(OID(hash_oid), hash_params);
    const AlgorithmIdentifier mgf1(OID("1.2.840.113549.1.1.8"), hash.BER_encode());
    std::vector<std::uint8_t> params;
    Botan::DER_Encoder(params)
        .start_cons(Botan::SEQUENCE)
        .start_explicit(0).encode(hash).end_explicit()
        .start_explicit(1).encode(mgf1).end_explicit()
        .start_explicit(2).encode(salt).end_explicit()
        .end_cons();
    return AlgorithmIdentifier(OID("1.2.840.113549.1.1.10"), params).BER_encode();
}

base::Bytes with_null(const char* oid) {
    return AlgorithmIdentifier(OID(oid), AlgorithmIdentifier::USE_NULL_PARAM).BER_encode();
}
base::Bytes without_params(const char* oid) {
    return AlgorithmIdentifier(OID(oid), AlgorithmIdentifier::USE_EMPTY_PARAM).BER_encode();
}

constexpr auto kNull = AlgorithmIdentifier::USE_NULL_PARAM;
constexpr auto kAbsent = AlgorithmIdentifier::USE_EMPTY_PARAM;
constexpr const char* kSha256 = "2.16.840.1.101.3.4.2.1";
constexpr const char* kSha384 = "2.16.840.1.101.3.4.2.2";
constexpr const char* kSha512 = "2.16.840.1.101.3.4.2.3";

std::vector<SchemeEntry> build_table() {
    using S = SignatureScheme;
    using H = HashAlgorithm;
    return {
        // The first entry of a scheme is what we send; later ones are accepted equivalents.
        {S::rsa_pkcs1_sha1, H::sha1, "RSA", "EMSA3(SHA-1)", with_null("1.2.840.113549.1.1.5")},
        {S::rsa_pkcs1_sha256, H::sha256, "RSA", "EMSA3(SHA-256)", with_null("1.2.840.113549.1.1.11")},
        {S::rsa_pkcs1_sha384, H::sha384, "RSA", "EMSA3(SHA-384)", with_null("1.2.840.113549.1.1.12")},
        {S::rsa_pkcs1_sha512, H::sha512, "RSA", "EMSA3(SHA-512)", with_null("1.2.840.113549.1.1.13")},
        {S::rsa_pss_sha256, H::sha256, "RSA", "PSSR(SHA-256,MGF1,32)", pss_identifier(kSha256, 32, kNull)},
        {S::rsa_pss_sha256, H::sha256, "RSA", "PSSR(SHA-256,MGF1,32)", pss_identifier(kSha256, 32, kAbsent)},
        {S::rsa_pss_sha384, H::sha384, "RSA", "PSSR(SHA-384,MGF1,48)", pss_identifier(kSha384, 48, kNull)},
        {S::rsa_pss_sha384, H::sha384, "RSA", "PSSR(SHA-384,MGF1,48)", pss_identifier(kSha384, 48, kAbsent)},
        {S::rsa_pss_sha512, H::sha512, "RSA", "PSSR(SHA-512,MGF1,64)", pss_identifier(kSha512, 64, kNull)},
        {S::rsa_pss_sha512, H::sha512, "RSA", "PSSR(SHA-512,MGF1,64)", pss_identifier(kSha512, 64, kAbsent)},
        {S::ecdsa_sha256, H::sha256, "ECDSA", "EMSA1(SHA-256)", without_params("1.2.840.10045.4.3.2")},
        {S::ecdsa_sha384, H::sha384, "ECDSA", "EMSA1(SHA-384)", without_params("1.2.840.10045.4.3.3")},
        {S::ecdsa_sha512, H::sha512, "ECDSA", "EMSA1(SHA-512)", without_params("1.2.840.10045.4.3.4")},
        {S::ed25519, H::identity, "Ed25519", "Pure", without_params("1.3.101.112")},
    };
}

}  // namespace

const std::vector<SchemeEntry>& scheme_table() {
    static const std::vector<SchemeEntry> table = build_table();
    return table;
}

const SchemeEntry& scheme_entry(SignatureScheme scheme) {
    for (const auto& e : scheme_table())
        if (e.scheme == scheme) return e;
    return scheme_table().front();  // unreachable: every enumerator has an entry
}

HashAlgorithm scheme_hash(SignatureScheme scheme) { return scheme_entry(scheme).hash; }

base::Bytes algorithm_identifier(SignatureScheme scheme) { return scheme_entry(scheme).algorithm_identifier; }

base::Result<DigitalSignature> parse_digital_signature(base::ByteView auth_data) {
    // RFC 7427 3: one octet length of the ASN.1 object, the object, then the signature.
    if (auth_data.empty()) return base::fail("AUTH digital signature: empty");
    const std::size_t len = auth_data[0];
    if (1 + len >= auth_data.size()) return base::fail("AUTH digital signature: AlgorithmIdentifier overruns the data");
    const auto blob = auth_data.subspan(1, len);
    for (const auto& e : scheme_table())
        if (std::equal(blob.begin(), blob.end(), e.algorithm_identifier.begin(), e.algorithm_identifier.end()))
            return DigitalSignature{e.scheme, auth_data.subspan(1 + len)};
    return base::fail("AUTH digital signature: unknown AlgorithmIdentifier");
}

}  // namespace ike::crypto
