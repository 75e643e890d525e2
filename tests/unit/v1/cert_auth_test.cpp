// Main Mode with signatures and X.509 certificates (RFC 2409 5.1, RFC 4754) between two
// IKEv1 engines: each key type, the refusals, the payloads strongSwan relies on.
// Certificates come from a PKI made in the test (tests/unit/crypto/test_pki.hpp).
#include <gtest/gtest.h>

#include "ike/crypto/ikev1_signature.hpp"
#include "ike/v1/phase1_proposal.hpp"
#include "ike/engine/credentials.hpp"
#include "ike/wire/v1/codec.hpp"
#include "tests/unit/crypto/test_pki.hpp"
#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using crypto::test::Ca;
using crypto::test::issue;
using crypto::test::KeyType;
using crypto::test::make_ca;
using crypto::test::pki_key;
using engine::ConnectionState;

const Ca& test_ca() {
    static const Ca ca = make_ca("ipsecd v1 test CA");
    return ca;
}

const Ca& other_ca() {
    static const Ca ca = make_ca("Other CA", 1);
    return ca;
}

policy::Config cert_site(bool alice_side) {
    auto config = v1_site(alice_side);
    for (auto& c : config.connections) c.local.auth = c.remote.auth = policy::Auth::pubkey;
    config.secrets.clear();
    return config;
}

// Each engine's credentials for its connection "site"; the engines keep pointers to them.
struct Scenario {
    engine::Credentials alice, bob;

    explicit Scenario(KeyType type) {
        for (auto* c : {&alice, &bob}) c->wall_clock = [] { return std::chrono::system_clock::now(); };
        alice.connections["site"] = {{issue(test_ca(), "alice", *pki_key(type), {.dns = "alice.example"})},
                                     pki_key(type), {{test_ca().cert}, {}}};
        bob.connections["site"] = {{issue(test_ca(), "bob", *pki_key(type, 1), {.dns = "bob.example"})},
                                   pki_key(type, 1), {{test_ca().cert}, {}}};
    }
    void attach(Pair& p) const {
        p.alice().engine().set_credentials(&alice);
        p.bob().engine().set_credentials(&bob);
    }
};

void connect(Pair& p) {
    p.up(p.alice(), "site");
    p.run();
}

class EachKeyType : public ::testing::TestWithParam<KeyType> {};

TEST_P(EachKeyType, SignaturesEstablishTheIsakmpSaAndItsIpsecSas) {
    const Scenario s(GetParam());
    Pair p(cert_site(true), cert_site(false));
    s.attach(p);
    connect(p);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(p.alice().logged("ISAKMP SA established with @bob.example"));
    EXPECT_TRUE(p.bob().logged("ISAKMP SA established with @alice.example"));
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).children.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(V1CertAuth, EachKeyType, ::testing::Values(KeyType::rsa, KeyType::p256, KeyType::p384));

// The auth method of MM1's transforms: RSA-SIG 3, ECDSA-256 9, ECDSA-384 10 (RFC 4754 8).
TEST(V1CertAuth, TheOfferNamesTheMethodOfOurKey) {
    for (auto [type, method] : {std::pair<KeyType, std::uint16_t>{KeyType::rsa, 3}, {KeyType::p256, 9}, {KeyType::p384, 10}}) {
        const Scenario s(type);
        Pair p(cert_site(true), cert_site(false));
    s.attach(p);
        std::vector<base::Bytes> seen;
        p.network().set_rule([&](const v2::test::Datagram& d, std::uint64_t) {
            seen.push_back(d.bytes);
            return v2::test::Fate{};
        });
        p.up(p.alice(), "site");
        ASSERT_FALSE(seen.empty());
        const auto mm1 = wire::v1::decode_message(seen[0]).value();
        const auto& sa = std::get<wire::v1::SecurityAssociation>(mm1.payloads.at(0));
        EXPECT_EQ(sa.proposals[0].transforms[0].attributes[3], wire::DataAttribute::tv(attr::auth_method, method));
    }
}

// CERTREQ in MM3 and MM4 naming the CA by its DN (RFC 2408 3.10): strongSwan sends its
// certificate only when asked.
TEST(V1CertAuth, BothSidesRequestCertificatesOfTheirCa) {
    const Scenario s(KeyType::p256);
    Pair p(cert_site(true), cert_site(false));
    s.attach(p);
    std::vector<base::Bytes> seen;
    p.network().set_rule([&](const v2::test::Datagram& d, std::uint64_t) {
        seen.push_back(d.bytes);
        return v2::test::Fate{};
    });
    connect(p);
    ASSERT_GE(seen.size(), 4u);
    for (int i : {2, 3}) {
        const auto m = wire::v1::decode_message(seen[static_cast<std::size_t>(i)]).value();
        const wire::v1::CertificateRequest* cr = nullptr;
        for (const auto& payload : m.payloads)
            if (auto* c = std::get_if<wire::v1::CertificateRequest>(&payload)) cr = c;
        ASSERT_TRUE(cr) << "MM" << i + 1;
        EXPECT_EQ(cr->encoding, 4);
        EXPECT_TRUE(crypto::same_dn(cr->data, test_ca().cert.raw_subject_dn()));
    }
}

TEST(V1CertAuth, ACertificateFromAnotherCaIsRefused) {
    Scenario s(KeyType::p256);
    s.alice.connections["site"].chain = {issue(other_ca(), "alice", *pki_key(KeyType::p256), {.dns = "alice.example"})};
    Pair p(cert_site(true), cert_site(false));
    s.attach(p);
    connect(p);
    EXPECT_TRUE(p.bob().logged("authentication of @alice.example failed: untrusted chain"));
    EXPECT_EQ(p.bob().connection("site").failure.kind, engine::FailureKind::authentication_failed);
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(p.alice().connection("site").ike_sas.empty() ||
                p.alice().connection("site").ike_sas[0].state != "established");
}

TEST(V1CertAuth, ACertificateNotNamingThePeersIdIsRefused) {
    Scenario s(KeyType::rsa);
    s.bob.connections["site"].chain = {issue(test_ca(), "bob", *pki_key(KeyType::rsa, 1), {.dns = "mallory.example"})};
    Pair p(cert_site(true), cert_site(false));
    s.attach(p);
    connect(p);
    EXPECT_TRUE(p.alice().logged("authentication of @bob.example failed: ID mismatch"));
    EXPECT_EQ(p.alice().connection("site").failure.kind, engine::FailureKind::authentication_failed);
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
}

TEST(V1CertAuth, AnIdOtherThanTheConfiguredRemoteIdIsRefused) {
    const Scenario s(KeyType::p256);
    auto bob = cert_site(false);
    bob.connections[0].remote.id = *policy::Identity::parse("@carol.example");
    Pair p(cert_site(true), bob);
    s.attach(p);
    connect(p);
    EXPECT_TRUE(p.bob().logged("peer identity @alice.example is not @carol.example"));
    EXPECT_NE(p.bob().connection("site").state, ConnectionState::up);
}

// Without a configured id a side presents its certificate's subject DN (ID_DER_ASN1_DN),
// which the peer's configured DN matches as an X.509 name.
TEST(V1CertAuth, TheSubjectDnIsTheDefaultIdentity) {
    const Scenario s(KeyType::p256);
    auto alice = cert_site(true), bob = cert_site(false);
    alice.connections[0].local.id.reset();
    bob.connections[0].remote.id = *policy::Identity::parse("CN=alice, C=CH, O=ipsecd test");
    Pair p(alice, bob);
    s.attach(p);
    connect(p);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(p.bob().logged("ISAKMP SA established with CN="));
}

// One method for both sides (RFC 2409 5): a responder whose key is of another type finds
// no acceptable transform.
TEST(V1CertAuth, DifferentKeyTypesFindNoCommonMethod) {
    Scenario s(KeyType::rsa);
    s.bob = Scenario(KeyType::p256).bob;
    Pair p(cert_site(true), cert_site(false));
    s.attach(p);
    connect(p);
    EXPECT_TRUE(p.bob().logged("NO-PROPOSAL-CHOSEN"));
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
}

TEST(V1CertAuth, ASignatureFromAnotherKeyIsRefused) {
    Scenario s(KeyType::p256);
    s.alice.connections["site"].key = pki_key(KeyType::p256, 2);  // not the certificate's key
    Pair p(cert_site(true), cert_site(false));
    s.attach(p);
    connect(p);
    EXPECT_TRUE(p.bob().logged("authentication of @alice.example failed: the signature does not verify"));
    EXPECT_NE(p.bob().connection("site").state, ConnectionState::up);
}

}  // namespace
}  // namespace ike::v1::test
