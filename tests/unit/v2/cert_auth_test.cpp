// Two engines in one process authenticating with certificates (RFC 7296 2.15, RFC 7427):
// each key type, each reason a peer is refused, and PSK mixed with public keys.
// Certificates come from a PKI made in the test (tests/unit/crypto/test_pki.hpp).
#include <botan/pkcs8.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "ike/v2/neutral.hpp"
#include "ike/v2/payloads.hpp"
#include "ike/wire/decode.hpp"
#include "tests/unit/crypto/test_pki.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using crypto::test::Ca;
using crypto::test::KeyType;
using crypto::test::issue;
using crypto::test::make_ca;
using crypto::test::pki_key;

namespace {

// alice's connection is "to-bob", bob's "to-alice": one Credentials object serves both
// engines, as one daemon's would serve two connections.
policy::Config cert_config(const Side& local, const Side& remote, const char* name, policy::Auth local_auth,
                           policy::Auth remote_auth) {
    auto c = site_config(local, remote);
    auto& conn = c.connections.front();
    conn.name = name;
    conn.local.auth = local_auth;
    conn.remote.auth = remote_auth;
    return c;
}

struct Scenario {
    policy::Config alice = cert_config(kAlice, kBob, "to-bob", policy::Auth::pubkey, policy::Auth::pubkey);
    policy::Config bob = cert_config(kBob, kAlice, "to-alice", policy::Auth::pubkey, policy::Auth::pubkey);
    Credentials credentials;
    EngineOptions options;

    ConnectionCredentials& of_alice() { return credentials.connections["to-bob"]; }
    ConnectionCredentials& of_bob() { return credentials.connections["to-alice"]; }
    // The engines keep a pointer to `credentials`: the scenario outlives the pair.
    Pair pair() const {
        EngineOptions o = options;
        o.credentials = &credentials;
        return Pair(alice, bob, o);
    }
};

const Ca& test_ca() {
    static const Ca ca = make_ca("ipsecd test CA");
    return ca;
}

const Ca& other_ca() {
    static const Ca ca = make_ca("Other CA", 1);
    return ca;
}

// Both sides with certificates of `type` from the test CA naming their FQDN, trusting it.
Scenario with_certificates(KeyType type) {
    Scenario s;
    s.credentials.wall_clock = [] { return std::chrono::system_clock::now(); };
    s.of_alice() = {{issue(test_ca(), "alice", *pki_key(type), {.dns = "alice.example"})}, pki_key(type), {{test_ca().cert}, {}}};
    s.of_bob() = {{issue(test_ca(), "bob", *pki_key(type, 1), {.dns = "bob.example"})}, pki_key(type, 1), {{test_ca().cert}, {}}};
    return s;
}

// alice initiates; the exchanges run to the end.
void connect(Pair& p) {
    p.up(p.alice(), "to-bob");
    p.run();
}

void expect_up(Pair& p) {
    EXPECT_EQ(p.alice().connection("to-bob").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("to-alice").state, ConnectionState::up);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
}

// bob refused alice: logged why, answered AUTHENTICATION_FAILED, nothing installed.
void expect_bob_refused(Pair& p, const std::string& reason) {
    EXPECT_TRUE(p.bob().logged("authentication of @alice.example failed: " + reason)) << reason;
    EXPECT_TRUE(p.alice().logged("AUTHENTICATION_FAILED"));
    EXPECT_EQ(p.alice().connection("to-bob").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("to-alice").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

// RSA (PKCS#1 v1.5 SHA-256), ECDSA P-256 and P-384 (SHA-256/384), Ed25519 (RFC 8420).
class EachKeyType : public ::testing::TestWithParam<KeyType> {};

TEST_P(EachKeyType, CertificatesEstablishTheSa) {
    const Scenario s = with_certificates(GetParam());
    Pair p = s.pair();
    connect(p);
    expect_up(p);
}

INSTANTIATE_TEST_SUITE_P(CertAuth, EachKeyType,
                         ::testing::Values(KeyType::rsa, KeyType::p256, KeyType::p384, KeyType::ed25519));

TEST(CertAuth, DifferentKeyTypesOnEachSideWork) {
    Scenario s = with_certificates(KeyType::rsa);
    s.of_bob() = with_certificates(KeyType::ed25519).of_bob();
    Pair p = s.pair();
    connect(p);
    expect_up(p);
}

TEST(CertAuth, ResponderSendsCertreqAndSignatureHashesInIkeSaInit) {
    Scenario s = with_certificates(KeyType::p256);
    Pair p = s.pair();
    std::vector<base::Bytes> seen;
    p.network().set_rule([&](const Datagram& d, std::uint64_t) {
        seen.push_back(d.bytes);
        return Fate{};
    });
    p.up(p.alice(), "to-bob");
    p.run();
    ASSERT_GE(seen.size(), 2u);
    const auto response = wire::decode_message(seen[1]).value();
    const auto* certreq = find<wire::CertificateRequest>(response.payloads);
    ASSERT_TRUE(certreq);
    EXPECT_EQ(certreq->encoding, wire::CertEncoding::x509_signature);
    EXPECT_EQ(certreq->data, crypto::ca_key_hash(test_ca().cert));
    const auto request = wire::decode_message(seen[0]).value();
    for (const auto* m : {&request, &response}) {
        const auto* hashes = find_notify(m->payloads, wire::notify::signature_hash_algorithms);
        ASSERT_TRUE(hashes);
        EXPECT_EQ(hashes->data, (base::Bytes{0, 2, 0, 3, 0, 4, 0, 5}));  // SHA-2 family and identity
    }
}

TEST(CertAuth, PskInitiatorAndCertificateResponder) {
    Scenario s = with_certificates(KeyType::p256);
    s.alice.connections[0].local.auth = policy::Auth::psk;
    s.bob.connections[0].remote.auth = policy::Auth::psk;
    Pair p = s.pair();
    connect(p);
    expect_up(p);
}

TEST(CertAuth, CertificateInitiatorAndPskResponder) {
    Scenario s = with_certificates(KeyType::p256);
    s.alice.connections[0].remote.auth = policy::Auth::psk;
    s.bob.connections[0].local.auth = policy::Auth::psk;
    Pair p = s.pair();
    connect(p);
    expect_up(p);
}

TEST(CertAuth, PskWhereACertificateIsExpectedFails) {
    Scenario s = with_certificates(KeyType::p256);
    s.alice.connections[0].local.auth = policy::Auth::psk;
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "peer used a PSK, the connection expects a certificate");
}

TEST(CertAuth, ChainFromAnUntrustedCaFailsAtTheResponder) {
    Scenario s = with_certificates(KeyType::p256);
    s.of_bob().trust = {{other_ca().cert}, {}};
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "untrusted chain");
}

TEST(CertAuth, ChainFromAnUntrustedCaFailsAtTheInitiator) {
    Scenario s = with_certificates(KeyType::p256);
    s.of_alice().trust = {{other_ca().cert}, {}};
    Pair p = s.pair();
    connect(p);
    EXPECT_TRUE(p.alice().logged("authentication of @bob.example failed: untrusted chain"));
    EXPECT_EQ(p.alice().connection("to-bob").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

TEST(CertAuth, InitiatorTellsTheResponderItRefusedIt) {
    Scenario s = with_certificates(KeyType::p256);
    s.of_alice().trust = {{other_ca().cert}, {}};
    Pair p = s.pair();
    connect(p);
    EXPECT_EQ(p.network().sent(), 6u);  // IKE_SA_INIT, IKE_AUTH, then an INFORMATIONAL (2.21.2)
}

TEST(CertAuth, IdNotInTheCertificateFails) {
    Scenario s = with_certificates(KeyType::p256);
    s.of_alice().chain = {issue(test_ca(), "alice", *pki_key(KeyType::p256), {.dns = "mallory.example"})};
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "ID mismatch: the certificate of");
}

TEST(CertAuth, UnexpectedPeerIdFails) {
    Scenario s = with_certificates(KeyType::p256);
    s.bob.connections[0].remote.id = *policy::Identity::parse("@carol.example");
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "ID mismatch: expected @carol.example");
}

TEST(CertAuth, RevokedCertificateFails) {
    Scenario s = with_certificates(KeyType::p256);
    s.of_bob().trust.crls = {crypto::test::make_crl(test_ca(), s.of_alice().chain)};
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "certificate revoked");
}

TEST(CertAuth, ExpiredCertificateFails) {
    Scenario s = with_certificates(KeyType::p256);
    const auto now = std::chrono::system_clock::now();
    s.of_alice().chain = {issue(test_ca(), "alice", *pki_key(KeyType::p256), {.dns = "alice.example"},
                                {now - std::chrono::hours(48), now - std::chrono::hours(24)})};
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "certificate expired");
}

TEST(CertAuth, CertificateValidityFollowsTheInjectedWallClock) {
    Scenario s = with_certificates(KeyType::p256);
    s.credentials.wall_clock = [] { return std::chrono::system_clock::now() + std::chrono::hours(24 * 400); };
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "certificate expired");
}

TEST(CertAuth, SignatureByAnotherKeyFails) {
    Scenario s = with_certificates(KeyType::p256);
    s.of_alice().key = pki_key(KeyType::p256, 7);  // not the key of alice's certificate
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "bad signature");
}

TEST(CertAuth, SignatureOfTheWrongKeyTypeFails) {
    Scenario s = with_certificates(KeyType::p256);
    s.of_alice().key = pki_key(KeyType::ed25519, 7);
    Pair p = s.pair();
    connect(p);
    expect_bob_refused(p, "bad signature");
}

TEST(CertAuth, MissingCredentialsAreLoggedAndNothingIsSent) {
    Scenario s = with_certificates(KeyType::p256);
    s.credentials.connections.erase("to-bob");
    Pair p = s.pair();
    connect(p);
    EXPECT_TRUE(p.alice().logged("cannot authenticate: no certificate and key loaded for connection to-bob"));
    EXPECT_EQ(p.network().sent(), 2u);  // IKE_SA_INIT only
}

TEST(CertAuth, DistinguishedNameIdsMatchInAnyAttributeOrder) {
    Scenario s = with_certificates(KeyType::p256);
    s.alice.connections[0].local.id = *policy::Identity::parse("C=CH, O=ipsecd test, CN=alice");
    s.bob.connections[0].remote.id = *policy::Identity::parse("CN=alice, O=ipsecd test, C=CH");
    Pair p = s.pair();
    connect(p);
    expect_up(p);
}

TEST(CertAuth, WithoutAConfiguredIdTheSubjectDnIsPresented) {
    Scenario s = with_certificates(KeyType::p256);
    s.alice.connections[0].local.id.reset();
    s.bob.connections[0].remote.id = *policy::Identity::parse("%any");
    Pair p = s.pair();
    connect(p);
    expect_up(p);
    EXPECT_TRUE(p.bob().logged("IKE SA established with CN=\"alice\",C=\"CH\",O=\"ipsecd test\""));
}

// RFC 7427 4: a peer without SIGNATURE_HASH_ALGORITHMS, as Apple's clients are, may not know
// method 14. The IKE_SA_INIT request (initiator) or response (responder) leaves it out; the
// methods of bob's AUTHs are collected in `bob_auth`.
void without_signature_hashes(Scenario& s, bool in_request, std::vector<AuthMethod>& bob_auth) {
    omit_signature_hashes(s.options, in_request);
    record_response_auth(s.options, bob_auth);
}

TEST(CertAuth, AResponderWithAnRsaKeyAnswersAnInitiatorWithoutSignatureHashesWithMethodOne) {
    Scenario s = with_certificates(KeyType::rsa);
    std::vector<AuthMethod> bob_auth;
    without_signature_hashes(s, true, bob_auth);
    Pair p = s.pair();
    connect(p);
    expect_up(p);
    EXPECT_EQ(bob_auth, std::vector<AuthMethod>{AuthMethod::rsa_sig});
    EXPECT_TRUE(p.bob().logged("the peer sent no SIGNATURE_HASH_ALGORITHMS: signing with auth method 1"));
    EXPECT_FALSE(p.alice().logged("signing with auth method"));  // bob sent them: alice uses 14
}

TEST(CertAuth, AnInitiatorWithAnRsaKeySignsWithMethodOneForAResponderWithoutSignatureHashes) {
    Scenario s = with_certificates(KeyType::rsa);
    std::vector<AuthMethod> bob_auth;
    without_signature_hashes(s, false, bob_auth);
    Pair p = s.pair();
    connect(p);
    expect_up(p);
    EXPECT_TRUE(p.alice().logged("the peer sent no SIGNATURE_HASH_ALGORITHMS: signing with auth method 1"));
    EXPECT_EQ(bob_auth, std::vector<AuthMethod>{AuthMethod::digital_signature});
}

TEST(CertAuth, PeersThatSentSignatureHashesSignWithMethod14) {
    Scenario s = with_certificates(KeyType::rsa);
    std::vector<AuthMethod> bob_auth;
    record_response_auth(s.options, bob_auth);
    Pair p = s.pair();
    connect(p);
    expect_up(p);
    EXPECT_EQ(bob_auth, std::vector<AuthMethod>{AuthMethod::digital_signature});
    EXPECT_FALSE(p.alice().logged("signing with auth method"));
}

// RFC 4754: ECDSA keys on P-256 and P-384 sign with methods 9 and 10.
TEST(CertAuth, EcdsaKeysAnswerAPeerWithoutSignatureHashesWithTheirRfc4754Method) {
    for (const auto& [type, method] : {std::pair{KeyType::p256, AuthMethod::ecdsa_sha256_p256},
                                       std::pair{KeyType::p384, AuthMethod::ecdsa_sha384_p384}}) {
        Scenario s = with_certificates(type);
        std::vector<AuthMethod> bob_auth;
        without_signature_hashes(s, true, bob_auth);
        Pair p = s.pair();
        connect(p);
        expect_up(p);
        EXPECT_EQ(bob_auth, std::vector<AuthMethod>{method});
    }
}

TEST(CertAuth, AnEd25519KeyCannotAnswerAPeerWithoutSignatureHashesAndSaysWhy) {
    Scenario s = with_certificates(KeyType::ed25519);
    std::vector<AuthMethod> bob_auth;
    without_signature_hashes(s, true, bob_auth);
    Pair p = s.pair();
    connect(p);
    EXPECT_TRUE(p.bob().logged("cannot authenticate: signature: the peer sent no SIGNATURE_HASH_ALGORITHMS (RFC 7427 4) "
                               "and our Ed25519 key signs only with method 14"));
    EXPECT_TRUE(p.alice().logged("AUTHENTICATION_FAILED"));
    EXPECT_TRUE(bob_auth.empty());
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

base::Bytes read_example(const std::string& relative) {
    std::ifstream in(std::string(EXAMPLES_DIR) + "/" + relative, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ConnectionCredentials example_host(const std::string& host) {
    return {crypto::parse_certificates(read_example("certs/" + host + ".pem")).value(),
            crypto::parse_private_key(read_example("private/" + host + ".pem")).value(),
            {crypto::parse_certificates(read_example("certs/ca.pem")).value(), {}}};
}

TEST(CertAuth, ExampleCertificatesAuthenticateTheExampleHosts) {
    Scenario s;
    s.credentials.wall_clock = [] { return std::chrono::system_clock::now(); };
    s.alice.connections[0].local.id = *policy::Identity::parse("@host-a.example");
    s.alice.connections[0].remote.id = *policy::Identity::parse("@host-b.example");
    s.bob.connections[0].local.id = *policy::Identity::parse("@host-b.example");
    s.bob.connections[0].remote.id = *policy::Identity::parse("@host-a.example");
    s.of_alice() = example_host("host-a");
    s.of_bob() = example_host("host-b");
    Pair p = s.pair();
    connect(p);
    expect_up(p);
}

}  // namespace
