// AH children over IKEv1 (RFC 2409 5.5, RFC 2407 4.4.3 and 4.5): the Quick Mode negotiates
// an AH transform, and both sides install AH SAs and policies, in tunnel and transport mode.
#include <gtest/gtest.h>

#include "ike/v1/phase2_proposal.hpp"
#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using wire::v1::ExchangeType;

// Every child of `c` protected by AH with this proposal (strongSwan syntax).
void set_ah(policy::Config& c, const std::string& proposal, policy::Mode mode = policy::Mode::tunnel) {
    for (auto& conn : c.connections)
        for (auto& child : conn.children) {
            child.protocol = ProtocolId::ah;
            child.proposals = {*policy::parse_proposal(proposal, ProtocolId::ah)};
            child.mode = mode;
            if (mode == policy::Mode::tunnel) continue;
            child.local_subnets.clear();
            child.remote_subnets.clear();
        }
}

std::unique_ptr<Pair> established(policy::Config alice, policy::Config bob) {
    auto p = std::make_unique<Pair>(std::move(alice), std::move(bob));
    // Never in the clear: every SA and every policy template either kernel holds is AH.
    p->watch([&p = *p] {
        for (Peer* peer : {&p.alice(), &p.bob()}) {
            for (const auto& [id, sa] : peer->kernel().sas()) ASSERT_EQ(sa.proto, xfrm::Proto::ah);
            for (const auto& [id, policy] : peer->kernel().policies())
                for (const auto& t : policy.templates) ASSERT_EQ(t.proto, xfrm::Proto::ah);
        }
    });
    p->up(p->alice(), "site");
    p->run();
    return p;
}

std::unique_ptr<Pair> ah_pair(const std::string& proposal, policy::Mode mode = policy::Mode::tunnel) {
    auto alice = v1_site(true), bob = v1_site(false);
    set_ah(alice, proposal, mode);
    set_ah(bob, proposal, mode);
    return established(alice, bob);
}

// Alice's outbound SA is Bob's inbound one (same SPI, HMAC and key), and the other way round;
// integrity only.
void expect_matching_ah_sas(Peer& alice, Peer& bob) {
    const auto a = effects<engine::AddSa>(alice), b = effects<engine::AddSa>(bob);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    for (const auto& [mine, theirs] : {std::pair{a[1].sa, b[0].sa}, std::pair{b[1].sa, a[0].sa}}) {
        EXPECT_EQ(mine.proto, xfrm::Proto::ah);
        EXPECT_EQ(theirs.proto, xfrm::Proto::ah);
        EXPECT_EQ(mine.spi, theirs.spi);
        EXPECT_EQ(mine.integ, theirs.integ);
        ASSERT_TRUE(mine.integ);
        EXPECT_FALSE(mine.cipher || mine.aead || theirs.cipher || theirs.aead);
    }
    EXPECT_EQ(alice.kernel_errors() + bob.kernel_errors(), 0u);
}

struct AhSuite {
    const char* proposal;
    const char* hmac;
    std::size_t key_bytes;
};

class AhSuites : public ::testing::TestWithParam<AhSuite> {};

TEST_P(AhSuites, TheTunnelChildIsInstalledAsAhSasWithTheNegotiatedHmac) {
    auto holder = ah_pair(GetParam().proposal);
    auto& p = *holder;
    expect_matching_ah_sas(p.alice(), p.bob());
    const auto sa = effects<engine::AddSa>(p.alice()).at(1).sa;
    EXPECT_EQ(sa.mode, xfrm::Mode::tunnel);
    EXPECT_EQ(sa.integ->name, GetParam().hmac);
    EXPECT_EQ(sa.integ->key.size(), GetParam().key_bytes);
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        EXPECT_EQ(peer->connection("site").state, ConnectionState::up);
        const auto child = peer->connection("site").ike_sas.at(0).children.at(0);
        EXPECT_EQ(child.protocol, xfrm::Proto::ah);
        EXPECT_EQ(child.proposal, GetParam().proposal);
    }
}

INSTANTIATE_TEST_SUITE_P(QuickModeAh, AhSuites,
                         ::testing::Values(AhSuite{"sha256", "hmac(sha256)", 32},
                                           AhSuite{"sha384", "hmac(sha384)", 48},
                                           AhSuite{"sha512", "hmac(sha512)", 64},
                                           AhSuite{"sha256-modp2048", "hmac(sha256)", 32},
                                           AhSuite{"sha256-x25519", "hmac(sha256)", 32}));

TEST(QuickModeAh, ItsPoliciesSendThroughAh) {
    auto holder = ah_pair("sha256");
    const auto policies = effects<engine::AddPolicy>(holder->alice());
    ASSERT_FALSE(policies.empty());
    for (const auto& add : policies) {
        ASSERT_EQ(add.policy.templates.size(), 1u);
        EXPECT_EQ(add.policy.templates[0].proto, xfrm::Proto::ah);
    }
}

TEST(QuickModeAh, TheTransportChildIsInstalledInTransportMode) {
    auto holder = ah_pair("sha256", policy::Mode::transport);
    auto& p = *holder;
    expect_matching_ah_sas(p.alice(), p.bob());
    EXPECT_EQ(effects<engine::AddSa>(p.bob()).at(0).sa.mode, xfrm::Mode::transport);
    const auto policies = effects<engine::AddPolicy>(p.alice());
    ASSERT_EQ(policies.size(), 2u);  // out, in: no fwd in transport mode
    EXPECT_EQ(policies[0].policy.templates.at(0).mode, xfrm::Mode::transport);
    EXPECT_EQ(policies[0].policy.selector.src, *net::Prefix::parse("192.0.2.1/32"));
}

TEST(QuickModeAh, PfsGivesOtherKeysThanWithoutIt) {
    auto plain = ah_pair("sha256");
    auto pfs = ah_pair("sha256-modp2048");
    EXPECT_NE(effects<engine::AddSa>(plain->alice()).at(1).sa.integ->key,
              effects<engine::AddSa>(pfs->alice()).at(1).sa.integ->key);
}

TEST(QuickModeAh, ASoftExpiryReplacesTheAhPairAndDeletesTheOld) {
    auto holder = ah_pair("sha256-modp2048");
    auto& p = *holder;
    const auto before = p.alice().connection("site").ike_sas.at(0).children.at(0);
    p.expire(p.alice(), before.spi_in, effects<engine::AddSa>(p.alice()).at(0).sa.reqid, false);
    p.run();
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        const auto children = peer->connection("site").ike_sas.at(0).children;
        ASSERT_EQ(children.size(), 1u);
        EXPECT_EQ(children[0].protocol, xfrm::Proto::ah);
        EXPECT_NE(children[0].spi_in, before.spi_in);
        EXPECT_NE(children[0].spi_out, before.spi_out);
        EXPECT_EQ(effects<engine::AddSa>(*peer).size(), 4u);
        const auto deleted = effects<engine::DeleteSa>(*peer);
        ASSERT_EQ(deleted.size(), 2u);  // the old pair, on bob at alice's AH Delete
        for (const auto& d : deleted) EXPECT_EQ(d.id.proto, xfrm::Proto::ah);
        EXPECT_EQ(peer->kernel().sas().size(), 2u);
        EXPECT_EQ(peer->kernel_errors(), 0u);
    }
    EXPECT_TRUE(p.bob().logged("the peer deleted IPsec SA net"));
}

TEST(QuickModeAh, AnEspOnlyResponderRefusesAnAhOfferWithNoProposalChosen) {
    auto alice = v1_site(true);
    set_ah(alice, "sha256");
    auto p = std::make_unique<Pair>(alice, v1_site(false));
    p->up(p->alice(), "site");
    p->run();
    EXPECT_TRUE(p->bob().logged("QM1 refused: NO-PROPOSAL-CHOSEN"));
    EXPECT_TRUE(effects<engine::AddSa>(p->bob()).empty());
    EXPECT_TRUE(p->alice().logged("Quick Mode for net failed: the peer answered NO-PROPOSAL-CHOSEN"));
    EXPECT_EQ(p->alice().connection("site").failure, (engine::Failure{engine::FailureKind::child_refused, "net", 0}));
}

TEST(QuickModeAh, DownDeletesTheAhSasOnBothSides) {
    auto holder = ah_pair("sha256");
    auto& p = *holder;
    p.down(p.alice(), "site");
    p.run();
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        EXPECT_TRUE(peer->kernel().sas().empty());
        EXPECT_EQ(peer->kernel_errors(), 0u);
    }
}

// ---- the SA payload (RFC 2407 4.4.3, 4.5; RFC 2408 4.2) ----

std::vector<Phase2Suite> ah_suites(const std::string& proposal) {
    policy::Child child;
    child.protocol = ProtocolId::ah;
    child.proposals = {*policy::parse_proposal(proposal, ProtocolId::ah)};
    return phase2_suites(child);
}

TEST(QuickModeAhProposal, TheOfferNamesTheHmacInTheTransformIdAndTheAuthenticationAttribute) {
    const auto offer = phase2_offer(ah_suites("sha256-sha512"), 0x01020304);
    ASSERT_EQ(offer.proposals.size(), 1u);
    const auto& p = offer.proposals[0];
    EXPECT_EQ(p.protocol, wire::v1::ProtocolId::ah);
    ASSERT_EQ(p.transforms.size(), 2u);
    EXPECT_EQ(p.transforms[0].id, 5);  // AH_SHA2_256
    EXPECT_EQ(p.transforms[1].id, 7);  // AH_SHA2_512
    for (const auto& t : p.transforms) {
        auto has = [&t](std::uint16_t type) {
            return std::any_of(t.attributes.begin(), t.attributes.end(), [type](const auto& a) { return a.type == type; });
        };
        EXPECT_TRUE(has(esp_attr::auth));
        EXPECT_FALSE(has(esp_attr::key_length));
    }
}

TEST(QuickModeAhProposal, AnAnswerOfOurOfferIsAccepted) {
    const auto ours = ah_suites("sha256");
    const auto offer = phase2_offer(ours, 1);
    auto chosen = choose_phase2(offer, ours);
    ASSERT_TRUE(chosen);
    auto accepted = accept_phase2(phase2_answer(*chosen, 2), ours);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->spi, 2u);
    EXPECT_EQ(accepted->suite.protocol(), wire::v1::ProtocolId::ah);
}

TEST(QuickModeAhProposal, AnAuthenticationAttributeOtherThanTheTransformsIsRefused) {
    const auto ours = ah_suites("sha256");
    auto offer = phase2_offer(ours, 1);
    for (auto& a : offer.proposals[0].transforms[0].attributes)
        if (a.type == esp_attr::auth) a = wire::DataAttribute::tv(esp_attr::auth, 7);  // HMAC-SHA2-512
    EXPECT_FALSE(choose_phase2(offer, ours));
}

TEST(QuickModeAhProposal, AnAhAndEspBundleIsNotTakenForItsAhPart) {
    const auto ours = ah_suites("sha256");
    auto offer = phase2_offer(ours, 1);
    auto esp = offer.proposals[0];
    esp.protocol = wire::v1::ProtocolId::esp;  // same proposal number: AH and ESP together
    offer.proposals.push_back(esp);
    EXPECT_FALSE(choose_phase2(offer, ours));
}

}  // namespace
}  // namespace ike::v1::test
