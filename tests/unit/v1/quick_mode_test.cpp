// Quick Mode (RFC 2409 5.5) between two IKEv1 engines: the ESP SAs and policies each installs.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"
#include "tests/unit/v2/configs.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using v2::test::drop;
using wire::v1::ExchangeType;
using namespace std::chrono_literals;

std::vector<xfrm::Sa> added_sas(const Peer& p) {
    std::vector<xfrm::Sa> out;
    for (const auto& e : p.history())
        if (const auto* a = std::get_if<engine::AddSa>(&e)) out.push_back(a->sa);
    return out;
}

std::vector<xfrm::Policy> added_policies(const Peer& p) {
    std::vector<xfrm::Policy> out;
    for (const auto& e : p.history())
        if (const auto* a = std::get_if<engine::AddPolicy>(&e)) out.push_back(a->policy);
    return out;
}

// Alice's outbound SA is Bob's inbound one, key for key, and the other way round.
void expect_matching_sas(const Peer& alice, const Peer& bob) {
    const auto a = added_sas(alice), b = added_sas(bob);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    const auto &a_in = a[0], &a_out = a[1], &b_in = b[0], &b_out = b[1];
    EXPECT_EQ(a_out.spi, b_in.spi);
    EXPECT_EQ(b_out.spi, a_in.spi);
    EXPECT_EQ(a_out.cipher, b_in.cipher);
    EXPECT_EQ(a_out.integ, b_in.integ);
    EXPECT_EQ(a_out.aead, b_in.aead);
    EXPECT_EQ(b_out.cipher, a_in.cipher);
    EXPECT_EQ(b_out.integ, a_in.integ);
    EXPECT_EQ(b_out.aead, a_in.aead);
    EXPECT_NE(a_in.spi, a_out.spi);
    EXPECT_EQ(a_out.src, b_in.src);
    EXPECT_EQ(a_out.dst, b_in.dst);
    EXPECT_EQ(a_in.reqid, a_out.reqid);
}

std::unique_ptr<Pair> established(policy::Config alice, policy::Config bob) {
    auto p = std::make_unique<Pair>(std::move(alice), std::move(bob));
    p->up(p->alice(), "site");
    p->run();
    return p;
}

TEST(QuickMode, BothSidesInstallMatchingEspSasAfterMainMode) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(alice, "aes256-sha256");
    v2::test::set_child_proposal(bob, "aes256-sha256");
    auto holder = established(alice, bob);
    auto& p = *holder;
    EXPECT_EQ(p.alice().sent(ExchangeType::quick_mode) + p.bob().sent(ExchangeType::quick_mode), 3u);
    expect_matching_sas(p.alice(), p.bob());
    const auto sa = added_sas(p.alice()).at(1);
    EXPECT_EQ(sa.mode, xfrm::Mode::tunnel);
    ASSERT_TRUE(sa.cipher && sa.integ);
    EXPECT_EQ(sa.cipher->name, "cbc(aes)");
    EXPECT_EQ(sa.cipher->key.size(), 32u);
    EXPECT_EQ(sa.integ->name, "hmac(sha256)");
    EXPECT_EQ(sa.integ->key.size(), 32u);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
}

TEST(QuickMode, TheClientIdsBecomeTunnelPolicies) {
    auto holder = established(v1_site(true), v1_site(false));
    auto& p = *holder;
    const auto policies = added_policies(p.alice());
    ASSERT_EQ(policies.size(), 3u);  // out, in, fwd
    EXPECT_EQ(policies[0].dir, xfrm::Dir::out);
    EXPECT_EQ(policies[0].selector.src, *net::Prefix::parse("10.1.0.0/24"));
    EXPECT_EQ(policies[0].selector.dst, *net::Prefix::parse("10.2.0.0/24"));
    EXPECT_EQ(policies[0].templates.at(0).reqid, added_sas(p.alice()).at(1).reqid);
    const auto bob = added_policies(p.bob());
    ASSERT_EQ(bob.size(), 3u);
    EXPECT_EQ(bob[0].selector.src, *net::Prefix::parse("10.2.0.0/24"));
    EXPECT_EQ(bob[0].selector.dst, *net::Prefix::parse("10.1.0.0/24"));
}

TEST(QuickMode, StatusShowsTheIpsecSasOnBothSides) {
    auto holder = established(v1_site(true), v1_site(false));
    auto& p = *holder;
    const auto a = p.alice().connection("site").ike_sas.at(0).children;
    const auto b = p.bob().connection("site").ike_sas.at(0).children;
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(a[0].name, "net");
    EXPECT_EQ(a[0].spi_out, b[0].spi_in);
    EXPECT_EQ(a[0].proposal, b[0].proposal);
    EXPECT_EQ(a[0].local_ts, b[0].remote_ts);
}

class Proposals : public ::testing::TestWithParam<const char*> {};

TEST_P(Proposals, EverySupportedEspSuiteGivesMatchingKeys) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(alice, GetParam());
    v2::test::set_child_proposal(bob, GetParam());
    auto holder = established(alice, bob);
    auto& p = *holder;
    expect_matching_sas(p.alice(), p.bob());
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).children.at(0).proposal, GetParam());
}

INSTANTIATE_TEST_SUITE_P(QuickMode, Proposals,
                         ::testing::Values("aes128-sha256", "aes256-sha512", "aes128gcm16", "aes256gcm16",
                                           "aes256-sha256-modp2048", "aes128gcm16-x25519", "aes256-sha384-ecp384"));

TEST(QuickMode, PfsKeysDifferFromKeysWithoutPfs) {
    auto plain_a = v1_site(true), plain_b = v1_site(false);
    v2::test::set_child_proposal(plain_a, "aes256-sha256");
    v2::test::set_child_proposal(plain_b, "aes256-sha256");
    auto pfs_a = plain_a, pfs_b = plain_b;
    v2::test::set_child_proposal(pfs_a, "aes256-sha256-modp2048");
    v2::test::set_child_proposal(pfs_b, "aes256-sha256-modp2048");
    auto plain = established(plain_a, plain_b);
    auto pfs = established(pfs_a, pfs_b);
    EXPECT_NE(added_sas(plain->alice()).at(1).cipher->key, added_sas(pfs->alice()).at(1).cipher->key);
}

TEST(QuickMode, AResponderWithoutPfsRefusesAPfsOffer) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(alice, "aes256-sha256-modp2048");
    v2::test::set_child_proposal(bob, "aes256-sha256");
    auto holder = established(alice, bob);
    auto& p = *holder;
    EXPECT_TRUE(p.bob().logged("NO-PROPOSAL-CHOSEN"));
    EXPECT_TRUE(added_sas(p.bob()).empty());
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::partial);
    // Its error notify (RFC 2408 5.5) ends the Quick Mode at once.
    EXPECT_TRUE(p.alice().logged("Quick Mode for net failed: the peer answered NO-PROPOSAL-CHOSEN"));
    EXPECT_EQ(p.alice().connection("site").failure, (engine::Failure{engine::FailureKind::child_refused, "net", 0}));
}

// Libreswan's IKEv1 defaults (pfs=yes in the phase-1 group, esp=AES_CBC-HMAC_SHA1_96): a
// responder that names no proposals takes them.
TEST(QuickMode, ADefaultResponderTakesLibreswansDefaultOffer) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(alice, "aes128-sha1-modp2048");
    auto holder = established(alice, bob);
    auto& p = *holder;
    expect_matching_sas(p.alice(), p.bob());
    const auto sa = added_sas(p.bob()).at(1);
    ASSERT_TRUE(sa.integ);
    EXPECT_EQ(sa.integ->name, "hmac(sha1)");
    EXPECT_EQ(p.bob().connection("site").ike_sas.at(0).children.at(0).proposal, "aes128-sha1-modp2048");
}

TEST(QuickMode, ADefaultResponderTakesPfsInADefaultIkeGroup) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(alice, "aes256gcm16-x25519");
    auto holder = established(alice, bob);
    auto& p = *holder;
    expect_matching_sas(p.alice(), p.bob());
    EXPECT_EQ(p.bob().connection("site").ike_sas.at(0).children.at(0).proposal, "aes256gcm16-x25519");
}

TEST(QuickMode, ADefaultInitiatorOffersSha1AfterTheSha2Hmacs) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(bob, "aes128-sha1");
    auto holder = established(alice, bob);
    auto& p = *holder;
    expect_matching_sas(p.alice(), p.bob());
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).children.at(0).proposal, "aes128-sha1");
}

// Libreswan's default pfs=yes refuses a Quick Mode without PFS; strongSwan's defaults refuse
// one with it: a default initiator offers without, then once with the ISAKMP SA's group.
TEST(QuickMode, ADefaultInitiatorOffersAgainWithPfsWhenThePeerWantsIt) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(bob, "aes256-sha256-modp2048");
    auto holder = established(alice, bob);
    auto& p = *holder;
    EXPECT_TRUE(p.bob().logged("NO-PROPOSAL-CHOSEN"));
    EXPECT_TRUE(p.alice().logged("offering net again with PFS in the ISAKMP SA's group"));
    expect_matching_sas(p.alice(), p.bob());
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).children.at(0).proposal, "aes256-sha256-modp2048");
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
}

TEST(QuickMode, AnInitiatorWithProposalsOfItsOwnDoesNotAddPfs) {
    auto alice = v1_site(true), bob = v1_site(false);
    v2::test::set_child_proposal(alice, "aes256-sha256");
    v2::test::set_child_proposal(bob, "aes256-sha256-modp2048");
    auto holder = established(alice, bob);
    auto& p = *holder;
    EXPECT_FALSE(p.alice().logged("again with PFS"));
    EXPECT_TRUE(added_sas(p.alice()).empty());
}

TEST(QuickMode, TransportModeBetweenTheHostsHasNoForwardPolicy) {
    auto alice = v1_site(true), bob = v1_site(false);
    for (auto* c : {&alice, &bob}) {
        auto& child = c->connections[0].children[0];
        child.mode = policy::Mode::transport;
        child.local_subnets.clear();
        child.remote_subnets.clear();
    }
    auto holder = established(alice, bob);
    auto& p = *holder;
    expect_matching_sas(p.alice(), p.bob());
    EXPECT_EQ(added_sas(p.bob()).at(0).mode, xfrm::Mode::transport);
    const auto policies = added_policies(p.alice());
    ASSERT_EQ(policies.size(), 2u);
    EXPECT_EQ(policies[0].selector.src, *net::Prefix::parse("192.0.2.1/32"));
    EXPECT_EQ(policies[0].selector.dst, *net::Prefix::parse("192.0.2.2/32"));
}

TEST(QuickMode, ATunnelOfferIsRefusedByATransportChild) {
    auto bob = v1_site(false);
    bob.connections[0].children[0].mode = policy::Mode::transport;
    auto holder = established(v1_site(true), bob);
    auto& p = *holder;
    EXPECT_TRUE(p.bob().logged("NO-PROPOSAL-CHOSEN"));
    EXPECT_TRUE(added_sas(p.bob()).empty());
}

TEST(QuickMode, SelectorsOutsideTheRespondersAreRefused) {
    auto bob = v1_site(false);
    bob.connections[0].children[0].remote_subnets = {*net::Prefix::parse("10.9.0.0/24")};
    auto holder = established(v1_site(true), bob);
    auto& p = *holder;
    EXPECT_TRUE(p.bob().logged("no child's selectors hold 10.1.0.0/24 === 10.2.0.0/24"));
    EXPECT_TRUE(added_sas(p.bob()).empty());
}

TEST(QuickMode, AResponderAcceptsNarrowerSelectors) {
    auto alice = v1_site(true);
    alice.connections[0].children[0].local_subnets = {*net::Prefix::parse("10.1.0.128/25")};
    auto holder = established(alice, v1_site(false));
    auto& p = *holder;
    expect_matching_sas(p.alice(), p.bob());
    EXPECT_EQ(added_policies(p.bob()).at(0).selector.dst, *net::Prefix::parse("10.1.0.128/25"));
}

// Datagrams: 0-5 Main Mode, 6 QM1, 7 QM2, 8 QM3.
TEST(QuickMode, ALostQm2IsReplayedWhenQm1IsRetransmitted) {
    Pair p(v1_site(true), v1_site(false));
    p.network().set_rule(drop({7}));
    p.up(p.alice(), "site");
    p.run();
    expect_matching_sas(p.alice(), p.bob());
    // QM1 twice; QM3 for Bob's own retransmission of QM2 and again for his replay.
    EXPECT_EQ(p.alice().sent(ExchangeType::quick_mode), 4u);
}

TEST(QuickMode, ALostQm3IsSentAgainWhenTheResponderRetransmitsQm2) {
    Pair p(v1_site(true), v1_site(false));
    p.network().set_rule(drop({8}));
    p.up(p.alice(), "site");
    p.run();
    expect_matching_sas(p.alice(), p.bob());
    EXPECT_EQ(p.bob().sent(ExchangeType::quick_mode), 2u);
    EXPECT_EQ(p.alice().sent(ExchangeType::quick_mode), 3u);
}

TEST(QuickMode, TheResponderRunsTheShorterLifetime) {
    auto alice = v1_site(true), bob = v1_site(false);
    alice.connections[0].children[0].lifetime = 1h;
    bob.connections[0].children[0].lifetime = 30min;
    auto holder = established(alice, bob);
    auto& p = *holder;
    EXPECT_EQ(added_sas(p.bob()).at(0).lifetime.hard_seconds, 1980u);
    EXPECT_EQ(added_sas(p.bob()).at(0).lifetime.soft_seconds, 1881u);
    EXPECT_EQ(added_sas(p.alice()).at(0).lifetime.soft_seconds, 3600u);
}

// RFC 2407 4.5: both ends expire the pair at the lifetime the Quick Mode carries. The initiator
// offers its child's `lifetime` plus a tenth and rekeys at `lifetime`; the responder rekeys at
// 95%, after the initiator: neither rekeys when the other's SA expires.
TEST(QuickMode, BothSidesRekeyBeforeTheLifetimeTheyAgreedOn) {
    auto alice = v1_site(true), bob = v1_site(false);
    alice.connections[0].children[0].lifetime = 20s;
    bob.connections[0].children[0].lifetime = 20s;
    auto holder = established(alice, bob);
    auto& p = *holder;
    for (const auto& sa : added_sas(p.alice())) {
        EXPECT_EQ(sa.lifetime.soft_seconds, 20u);
        EXPECT_EQ(sa.lifetime.hard_seconds, 22u);
    }
    for (const auto& sa : added_sas(p.bob())) {
        EXPECT_EQ(sa.lifetime.soft_seconds, 21u);
        EXPECT_EQ(sa.lifetime.hard_seconds, 22u);
    }
}

TEST(QuickMode, UpOnAnEstablishedIsakmpSaOnlyStartsMissingChildren) {
    auto holder = established(v1_site(true), v1_site(false));
    auto& p = *holder;
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(added_sas(p.alice()).size(), 2u);
    EXPECT_EQ(p.alice().sent(ExchangeType::quick_mode), 2u);
}

}  // namespace
}  // namespace ike::v1::test
