#include "ike/crypto/credentials.hpp"

#include <botan/hash.h>
#include <botan/pk_keys.h>
#include <botan/pkcs8.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/unit/crypto/test_pki.hpp"
#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using namespace test;

// Certificates are made at run time, valid from an hour ago: now is inside every validity.
SystemTime now() { return std::chrono::system_clock::now(); }

base::Bytes bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

base::Bytes read_example(const std::string& relative) {
    std::ifstream in(std::string(EXAMPLES_DIR) + "/" + relative, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Credentials, ParsesEveryCertificateOfAPemBundle) {
    const Ca ca = make_ca("Bundle CA");
    const auto ee = issue(ca, "ee", *pki_key(KeyType::p256), {.dns = "ee.example"});
    const auto pem = bytes_of(ee.PEM_encode() + "\n" + ca.cert.PEM_encode());
    const auto certs = parse_certificates(pem).value();
    ASSERT_EQ(certs.size(), 2u);
    EXPECT_EQ(certs[0], ee);
    EXPECT_EQ(certs[1], ca.cert);
}

TEST(Credentials, DerCertificateRoundTrips) {
    const Ca ca = make_ca("DER CA");
    EXPECT_EQ(parse_der_certificate(der_of(ca.cert)).value(), ca.cert);
}

TEST(Credentials, RejectsGarbageAsCertificate) {
    EXPECT_FALSE(parse_certificates(bytes_of("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).ok());
    EXPECT_FALSE(parse_der_certificate(base::Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).ok());
}

TEST(Credentials, PemWithoutCertificateIsAnError) {
    EXPECT_FALSE(parse_certificates(bytes_of(Botan::PKCS8::PEM_encode(*pki_key(KeyType::p256)))).ok());
}

TEST(Credentials, ParsesPkcs8KeysOfEachType) {
    for (auto type : {KeyType::rsa, KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        const auto& k = *pki_key(type);
        const auto parsed = parse_private_key(bytes_of(Botan::PKCS8::PEM_encode(k))).value();
        EXPECT_EQ(parsed->algo_name(), k.algo_name());
        EXPECT_EQ(parsed->public_key_bits(), k.public_key_bits());
    }
}

TEST(Credentials, CaKeyHashIsSha1OfSubjectPublicKeyInfo) {
    const Ca ca = make_ca("Hash CA");
    const auto h = ca_key_hash(ca.cert);
    EXPECT_EQ(h.size(), 20u);
    const auto expected = Botan::HashFunction::create_or_throw("SHA-1")->process(ca.cert.subject_public_key_info());
    EXPECT_EQ(h, base::Bytes(expected.begin(), expected.end()));
}

TEST(Credentials, ChainFromTrustedCaVerifies) {
    const Ca ca = make_ca("Good CA");
    const auto ee = issue(ca, "ee", *pki_key(KeyType::p256), {});
    const auto err = verify_chain(std::vector{ee}, {{ca.cert}, {}}, now());
    EXPECT_FALSE(err) << err->message;
}

TEST(Credentials, ChainFromOtherCaIsUntrusted) {
    const Ca ca = make_ca("Issuing CA"), other = make_ca("Other CA", 1);
    const auto ee = issue(ca, "ee", *pki_key(KeyType::p256), {});
    const auto err = verify_chain(std::vector{ee}, {{other.cert}, {}}, now());
    ASSERT_TRUE(err);
    EXPECT_EQ(err->reason, ChainFailure::untrusted);
    EXPECT_NE(err->message.find("untrusted chain"), std::string::npos);
}

TEST(Credentials, ExpiredCertificateIsRefused) {
    const Ca ca = make_ca("Expiry CA");
    const auto ee = issue(ca, "old", *pki_key(KeyType::p256), {},
                          {now() - std::chrono::hours(48), now() - std::chrono::hours(24)});
    const auto err = verify_chain(std::vector{ee}, {{ca.cert}, {}}, now());
    ASSERT_TRUE(err);
    EXPECT_EQ(err->reason, ChainFailure::expired);
}

TEST(Credentials, RevokedCertificateIsRefused) {
    const Ca ca = make_ca("CRL CA");
    const auto ee = issue(ca, "revoked", *pki_key(KeyType::p256), {});
    const auto err = verify_chain(std::vector{ee}, {{ca.cert}, {make_crl(ca, {ee})}}, now());
    ASSERT_TRUE(err);
    EXPECT_EQ(err->reason, ChainFailure::revoked);
    EXPECT_NE(err->message.find("certificate revoked"), std::string::npos);
}

TEST(Credentials, CrlNotListingTheCertificateLetsItPass) {
    const Ca ca = make_ca("CRL CA 2");
    const auto ee = issue(ca, "fine", *pki_key(KeyType::p256), {});
    const auto other = issue(ca, "other", *pki_key(KeyType::p256, 1), {});
    EXPECT_FALSE(verify_chain(std::vector{ee}, {{ca.cert}, {make_crl(ca, {other})}}, now()));
}

TEST(Credentials, EachKeyTypeVerifies) {
    const Ca ca = make_ca("Types CA");
    for (auto type : {KeyType::rsa, KeyType::p256, KeyType::p384, KeyType::ed25519})
        EXPECT_FALSE(verify_chain(std::vector{issue(ca, "ee", *pki_key(type), {})}, {{ca.cert}, {}}, now()));
}

TEST(Credentials, MatchesSubjectAltNames) {
    const Ca ca = make_ca("Names CA");
    const auto ee = issue(ca, "gw", *pki_key(KeyType::p256),
                          {.dns = "gw.example", .email = "gw@example.org", .ip = "192.0.2.7"});
    EXPECT_TRUE(certificate_has_name(ee, NameKind::dns, text("GW.example")));
    EXPECT_FALSE(certificate_has_name(ee, NameKind::dns, text("other.example")));
    EXPECT_TRUE(certificate_has_name(ee, NameKind::email, text("gw@example.org")));
    EXPECT_TRUE(certificate_has_name(ee, NameKind::ip, base::Bytes{192, 0, 2, 7}));
    EXPECT_FALSE(certificate_has_name(ee, NameKind::ip, base::Bytes{192, 0, 2, 8}));
}

TEST(Credentials, FqdnIsNotMatchedAgainstTheCommonName) {
    const Ca ca = make_ca("CN CA");
    const auto ee = issue(ca, "cn.example", *pki_key(KeyType::p256), {});
    EXPECT_FALSE(certificate_has_name(ee, NameKind::dns, text("cn.example")));
}

TEST(Credentials, MatchesSubjectDnWrittenInAnyOrder) {
    const Ca ca = make_ca("DN CA");
    const auto ee = issue(ca, "gw", *pki_key(KeyType::p256), {});
    EXPECT_TRUE(certificate_has_name(ee, NameKind::dn, dn_der_of_text("C=CH, O=ipsecd test, CN=gw").value()));
    EXPECT_TRUE(certificate_has_name(ee, NameKind::dn, dn_der_of_text("CN=gw,O=ipsecd test,C=CH").value()));
    EXPECT_FALSE(certificate_has_name(ee, NameKind::dn, dn_der_of_text("C=CH, O=ipsecd test, CN=gx").value()));
    EXPECT_TRUE(certificate_has_name(ee, NameKind::dn, ee.raw_subject_dn()));
}

TEST(Credentials, DnTextRoundTripsThroughDer) {
    const auto der = dn_der_of_text("C=CH, O=Example, CN=gw").value();
    EXPECT_TRUE(same_dn(der, dn_der_of_text("CN=gw, O=Example, C=CH").value()));
    EXPECT_NE(dn_text_of_der(der).find("gw"), std::string::npos);
    EXPECT_FALSE(dn_der_of_text("no equals sign").ok());
}

TEST(Credentials, ExampleCertificatesVerifyAgainstTheExampleCa) {
    const auto ca = parse_certificates(read_example("certs/ca.pem")).value();
    const auto host_a = parse_certificates(read_example("certs/host-a.pem")).value();
    EXPECT_FALSE(verify_chain(host_a, {ca, {}}, now()));
    EXPECT_TRUE(certificate_has_name(host_a.front(), NameKind::dns, text("host-a.example")));
    EXPECT_EQ(parse_private_key(read_example("private/host-a.pem")).value()->public_key_bits(),
              host_a.front().subject_public_key_bitstring());
}

}  // namespace
}  // namespace ike::crypto
