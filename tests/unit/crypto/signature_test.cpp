#include "ike/crypto/signature.hpp"

#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/rsa.h>

#include <map>
#include <tuple>

#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::concat;
using test::hex;
using test::hex_of;
using test::text;

// Keys are generated once per process: RSA generation dominates the test time otherwise.
enum class KeyKind { rsa, rsa_other, p256, p384, p521, p256_other, brainpool256, ed25519, ed25519_other };

const Botan::Private_Key& key(KeyKind kind) {
    static Botan::AutoSeeded_RNG rng;
    static std::map<KeyKind, std::unique_ptr<Botan::Private_Key>> keys;
    auto& slot = keys[kind];
    if (!slot) {
        switch (kind) {
            case KeyKind::rsa:
            case KeyKind::rsa_other: slot = std::make_unique<Botan::RSA_PrivateKey>(rng, 2048); break;
            case KeyKind::p256:
            case KeyKind::p256_other:
                slot = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
                break;
            case KeyKind::p384: slot = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp384r1")); break;
            case KeyKind::p521: slot = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp521r1")); break;
            case KeyKind::brainpool256:
                slot = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("brainpool256r1"));
                break;
            case KeyKind::ed25519:
            case KeyKind::ed25519_other: slot = std::make_unique<Botan::Ed25519_PrivateKey>(rng); break;
        }
    }
    return *slot;
}

const base::Bytes kOctets = concat({base::Bytes(200, 0x31), base::Bytes(32, 0x32), base::Bytes(32, 0x33)});

// RFC 8032 7.1 TEST 1: empty message.
TEST(Signature, Ed25519MatchesRfc8032Test1) {
    // Botan takes the secret as seed | public key.
    const auto secret = concat({hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
                                hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")});
    const Botan::Ed25519_PrivateKey k(Botan::secure_vector<std::uint8_t>(secret.begin(), secret.end()));
    DeterministicRng rng(1);
    const auto auth = sign_auth(AuthMethod::digital_signature, SignatureScheme::ed25519, k, {}, rng).value();
    EXPECT_EQ(hex_of(auth), "07300506032b6570"
                            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
                            "1cf9b46bd25bf5f0595bbe24655141438e7a100b");
    EXPECT_TRUE(verify_auth(AuthMethod::digital_signature, k, auth, {}).ok());
}

// RFC 7427 Appendix A encodings.
TEST(Signature, AlgorithmIdentifiersMatchRfc7427) {
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::rsa_pkcs1_sha256)), "300d06092a864886f70d01010b0500");
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::rsa_pkcs1_sha384)), "300d06092a864886f70d01010c0500");
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::rsa_pkcs1_sha512)), "300d06092a864886f70d01010d0500");
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::ecdsa_sha256)), "300a06082a8648ce3d040302");
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::ecdsa_sha384)), "300a06082a8648ce3d040303");
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::ecdsa_sha512)), "300a06082a8648ce3d040304");
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::ed25519)), "300506032b6570");
}

// RSASSA-PSS parameters (RFC 4055 3.1): SHA-256, MGF1 with SHA-256, salt length 32.
TEST(Signature, PssIdentifierCarriesHashMgfAndSalt) {
    EXPECT_EQ(hex_of(algorithm_identifier(SignatureScheme::rsa_pss_sha256)),
              "304106092a864886f70d01010a3034"
              "a00f300d06096086480165030402010500"
              "a11c301a06092a864886f70d010108300d06096086480165030402010500"
              "a203020120");
}

// RFC 4055 2.1: receivers accept hash identifiers without the NULL parameter too.
TEST(Signature, ParsesPssIdentifierWithoutNullParameters) {
    const auto id = hex("303d06092a864886f70d01010a3030"
                        "a00d300b0609608648016503040201"
                        "a11a301806092a864886f70d010108300b0609608648016503040201"
                        "a203020120");
    auto data = concat({hex("3f"), id, hex("0102")});
    EXPECT_EQ(parse_digital_signature(data).value().scheme, SignatureScheme::rsa_pss_sha256);
}

TEST(Signature, ParseRejectsUnknownAlgorithmIdentifier) {
    // sha224WithRSAEncryption
    EXPECT_FALSE(parse_digital_signature(hex("0f300d06092a864886f70d01010e05000102")).ok());
}

TEST(Signature, ParseRejectsLengthOverrun) {
    EXPECT_FALSE(parse_digital_signature(hex("10300d06092a864886f70d01010b0500")).ok());
}

TEST(Signature, ParseRejectsEmptySignature) {
    EXPECT_FALSE(parse_digital_signature(hex("0f300d06092a864886f70d01010b0500")).ok());
    EXPECT_FALSE(parse_digital_signature({}).ok());
}

TEST(Signature, ParseRejectsTrailingBytesInsideIdentifier) {
    EXPECT_FALSE(parse_digital_signature(hex("10300d06092a864886f70d01010b050000aa")).ok());
}

struct RoundTrip {
    const char* name;
    SignatureScheme scheme;
    KeyKind key, other;
};

class EveryScheme : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(EveryScheme, SignThenVerifySucceeds) {
    DeterministicRng rng(11);
    const auto& k = key(GetParam().key);
    const auto auth = sign_auth(AuthMethod::digital_signature, GetParam().scheme, k, kOctets, rng).value();
    EXPECT_EQ(parse_digital_signature(auth).value().scheme, GetParam().scheme);
    const auto status = verify_auth(AuthMethod::digital_signature, k, auth, kOctets);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
}

TEST_P(EveryScheme, VerifyRejectsOtherKey) {
    DeterministicRng rng(12);
    const auto auth = sign_auth(AuthMethod::digital_signature, GetParam().scheme, key(GetParam().key), kOctets, rng).value();
    EXPECT_FALSE(verify_auth(AuthMethod::digital_signature, key(GetParam().other), auth, kOctets).ok());
}

TEST_P(EveryScheme, VerifyRejectsChangedOctets) {
    DeterministicRng rng(13);
    const auto& k = key(GetParam().key);
    const auto auth = sign_auth(AuthMethod::digital_signature, GetParam().scheme, k, kOctets, rng).value();
    auto changed = kOctets;
    changed[0] ^= 1;
    EXPECT_FALSE(verify_auth(AuthMethod::digital_signature, k, auth, changed).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Signature, EveryScheme,
    ::testing::Values(RoundTrip{"rsa_sha1", SignatureScheme::rsa_pkcs1_sha1, KeyKind::rsa, KeyKind::rsa_other},
                      RoundTrip{"rsa_sha256", SignatureScheme::rsa_pkcs1_sha256, KeyKind::rsa, KeyKind::rsa_other},
                      RoundTrip{"rsa_sha384", SignatureScheme::rsa_pkcs1_sha384, KeyKind::rsa, KeyKind::rsa_other},
                      RoundTrip{"rsa_sha512", SignatureScheme::rsa_pkcs1_sha512, KeyKind::rsa, KeyKind::rsa_other},
                      RoundTrip{"pss_sha256", SignatureScheme::rsa_pss_sha256, KeyKind::rsa, KeyKind::rsa_other},
                      RoundTrip{"pss_sha384", SignatureScheme::rsa_pss_sha384, KeyKind::rsa, KeyKind::rsa_other},
                      RoundTrip{"pss_sha512", SignatureScheme::rsa_pss_sha512, KeyKind::rsa, KeyKind::rsa_other},
                      RoundTrip{"ecdsa_p256", SignatureScheme::ecdsa_sha256, KeyKind::p256, KeyKind::p256_other},
                      RoundTrip{"ecdsa_p384", SignatureScheme::ecdsa_sha384, KeyKind::p384, KeyKind::p256},
                      RoundTrip{"ecdsa_p521", SignatureScheme::ecdsa_sha512, KeyKind::p521, KeyKind::p384},
                      RoundTrip{"ed25519", SignatureScheme::ed25519, KeyKind::ed25519, KeyKind::ed25519_other}),
    [](const auto& p) { return std::string(p.param.name); });

// Auth method 1: a bare PKCS#1 v1.5 SHA-1 signature, no AlgorithmIdentifier.
TEST(Signature, RsaMethodOneRoundTrips) {
    DeterministicRng rng(14);
    const auto auth = sign_auth(AuthMethod::rsa_sig, SignatureScheme::rsa_pkcs1_sha1, key(KeyKind::rsa), kOctets, rng).value();
    EXPECT_EQ(auth.size(), 256u);
    EXPECT_TRUE(verify_auth(AuthMethod::rsa_sig, key(KeyKind::rsa), auth, kOctets).ok());
}

TEST(Signature, RsaMethodOneRefusesOtherSchemes) {
    DeterministicRng rng(15);
    EXPECT_FALSE(sign_auth(AuthMethod::rsa_sig, SignatureScheme::rsa_pkcs1_sha256, key(KeyKind::rsa), kOctets, rng).ok());
}

TEST(Signature, SignRejectsKeyOfOtherType) {
    DeterministicRng rng(16);
    EXPECT_FALSE(sign_auth(AuthMethod::digital_signature, SignatureScheme::ecdsa_sha256, key(KeyKind::rsa), kOctets, rng).ok());
}

TEST(Signature, VerifyRejectsKeyOfOtherType) {
    DeterministicRng rng(17);
    const auto auth =
        sign_auth(AuthMethod::digital_signature, SignatureScheme::rsa_pkcs1_sha256, key(KeyKind::rsa), kOctets, rng).value();
    EXPECT_FALSE(verify_auth(AuthMethod::digital_signature, key(KeyKind::p256), auth, kOctets).ok());
}

TEST(Signature, ChoosesSchemeByKeyType) {
    EXPECT_EQ(choose_scheme(key(KeyKind::rsa), {}).value(), SignatureScheme::rsa_pkcs1_sha256);
    EXPECT_EQ(choose_scheme(key(KeyKind::p384), {}).value(), SignatureScheme::ecdsa_sha384);
    EXPECT_EQ(choose_scheme(key(KeyKind::p521), {}).value(), SignatureScheme::ecdsa_sha512);
    EXPECT_EQ(choose_scheme(key(KeyKind::ed25519), {}).value(), SignatureScheme::ed25519);
}

TEST(Signature, ChooseSchemeHonoursPeerHashes) {
    const HashAlgorithm only_sha512[] = {HashAlgorithm::sha512};
    EXPECT_FALSE(choose_scheme(key(KeyKind::p256), only_sha512).ok());
    const HashAlgorithm with_identity[] = {HashAlgorithm::sha256, HashAlgorithm::identity};
    EXPECT_EQ(choose_scheme(key(KeyKind::ed25519), with_identity).value(), SignatureScheme::ed25519);
}

TEST(Signature, RsaMethodOneRejectsOtherKey) {
    DeterministicRng rng(18);
    const auto auth = sign_auth(AuthMethod::rsa_sig, SignatureScheme::rsa_pkcs1_sha1, key(KeyKind::rsa), kOctets, rng).value();
    EXPECT_FALSE(verify_auth(AuthMethod::rsa_sig, key(KeyKind::rsa_other), auth, kOctets).ok());
}

TEST(Signature, RsaMethodOneRejectsChangedOctets) {
    DeterministicRng rng(19);
    const auto auth = sign_auth(AuthMethod::rsa_sig, SignatureScheme::rsa_pkcs1_sha1, key(KeyKind::rsa), kOctets, rng).value();
    auto changed = kOctets;
    changed[0] ^= 1;
    EXPECT_FALSE(verify_auth(AuthMethod::rsa_sig, key(KeyKind::rsa), auth, changed).ok());
}

// RFC 4754 7: methods 9/10/11 carry r | s, each as long as the curve's order.
TEST(Signature, Rfc4754MethodsRoundTripWithFixedLengthSignatures) {
    DeterministicRng rng(20);
    const std::tuple<AuthMethod, SignatureScheme, KeyKind, std::size_t> cases[] = {
        {AuthMethod::ecdsa_sha256_p256, SignatureScheme::ecdsa_sha256, KeyKind::p256, 64},
        {AuthMethod::ecdsa_sha384_p384, SignatureScheme::ecdsa_sha384, KeyKind::p384, 96},
        {AuthMethod::ecdsa_sha512_p521, SignatureScheme::ecdsa_sha512, KeyKind::p521, 132}};
    for (const auto& [method, scheme, kind, size] : cases) {
        const auto auth = sign_auth(method, scheme, key(kind), kOctets, rng).value();
        EXPECT_EQ(auth.size(), size);
        EXPECT_TRUE(verify_auth(method, key(kind), auth, kOctets).ok());
    }
}

TEST(Signature, Rfc4754MethodRefusesAKeyOnAnotherCurve) {
    DeterministicRng rng(21);
    EXPECT_FALSE(sign_auth(AuthMethod::ecdsa_sha256_p256, SignatureScheme::ecdsa_sha256, key(KeyKind::brainpool256),
                           kOctets, rng).ok());
    const auto auth =
        sign_auth(AuthMethod::ecdsa_sha384_p384, SignatureScheme::ecdsa_sha384, key(KeyKind::p384), kOctets, rng).value();
    EXPECT_FALSE(verify_auth(AuthMethod::ecdsa_sha256_p256, key(KeyKind::p256), auth, kOctets).ok());
}

TEST(Signature, Rfc4754MethodRejectsADerSignature) {
    DeterministicRng rng(22);
    const auto der = sign_auth(AuthMethod::digital_signature, SignatureScheme::ecdsa_sha256, key(KeyKind::p256), kOctets, rng)
                         .value();
    const auto signature = parse_digital_signature(der).value().signature;
    EXPECT_FALSE(verify_auth(AuthMethod::ecdsa_sha256_p256, key(KeyKind::p256), signature, kOctets).ok());
}

// RFC 7427 4: a peer that sent SIGNATURE_HASH_ALGORITHMS gets method 14.
TEST(Signature, ChooseSigningUsesMethod14WhenThePeerSentSignatureHashes) {
    const HashAlgorithm sha2[] = {HashAlgorithm::sha256, HashAlgorithm::sha384};
    const auto rsa = choose_signing(key(KeyKind::rsa), sha2).value();
    EXPECT_EQ(rsa.method, AuthMethod::digital_signature);
    EXPECT_EQ(rsa.scheme, SignatureScheme::rsa_pkcs1_sha256);
    EXPECT_EQ(choose_signing(key(KeyKind::p256), sha2).value().method, AuthMethod::digital_signature);
}

// RFC 7296 3.8: Apple's clients send no SIGNATURE_HASH_ALGORITHMS and verify method 1.
TEST(Signature, ChooseSigningUsesMethodOneForAnRsaKeyWithoutSignatureHashes) {
    const auto rsa = choose_signing(key(KeyKind::rsa), {}).value();
    EXPECT_EQ(rsa.method, AuthMethod::rsa_sig);
    EXPECT_EQ(rsa.scheme, SignatureScheme::rsa_pkcs1_sha1);
}

TEST(Signature, ChooseSigningUsesTheRfc4754MethodOfTheCurveWithoutSignatureHashes) {
    EXPECT_EQ(choose_signing(key(KeyKind::p256), {}).value().method, AuthMethod::ecdsa_sha256_p256);
    EXPECT_EQ(choose_signing(key(KeyKind::p384), {}).value().method, AuthMethod::ecdsa_sha384_p384);
    EXPECT_EQ(choose_signing(key(KeyKind::p521), {}).value().method, AuthMethod::ecdsa_sha512_p521);
    EXPECT_EQ(choose_signing(key(KeyKind::p384), {}).value().scheme, SignatureScheme::ecdsa_sha384);
}

TEST(Signature, ChooseSigningFailsForKeysWithoutAMethodOtherThan14WithoutSignatureHashes) {
    for (const auto kind : {KeyKind::ed25519, KeyKind::brainpool256}) {
        const auto chosen = choose_signing(key(kind), {});
        ASSERT_FALSE(chosen.ok());
        EXPECT_EQ(chosen.error().code, static_cast<int>(SigningFailure::needs_rfc7427));
        EXPECT_NE(chosen.error().message.find("sent no SIGNATURE_HASH_ALGORITHMS"), std::string::npos);
    }
}

}  // namespace
}  // namespace ike::crypto
