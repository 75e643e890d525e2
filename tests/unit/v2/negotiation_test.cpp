// Proposal and authentication outcomes of the first exchanges (RFC 7296 1.2, 2.7, 2.15).
#include <gtest/gtest.h>
#include <algorithm>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

// alice brings up "site" against bob; both run until nothing is pending.
struct SiteUp : Pair {
    SiteUp(policy::Config alice, policy::Config bob) : Pair(std::move(alice), std::move(bob)) {
        up(this->alice(), "site");
        run();
    }
};

policy::Config with_ike(policy::Config c, const char* proposal) {
    set_ike_proposal(c, proposal);
    return c;
}

policy::Config with_child(policy::Config c, const char* proposal) {
    set_child_proposal(c, proposal);
    return c;
}

// bob accepts only AES-CBC for the CHILD SA, alice offers only AES-GCM.
SiteUp refused_child() {
    return SiteUp(with_child(site_config(kAlice, kBob), "aes256gcm16"),
                  with_child(site_config(kBob, kAlice), "aes128-sha256"));
}

TEST(Negotiation, IkeProposalMismatchEndsWithNoProposalChosen) {
    SiteUp p(with_ike(site_config(kAlice, kBob), "aes256gcm16-prfsha256-x25519"),
             with_ike(site_config(kBob, kAlice), "aes128-sha256-modp2048"));
    EXPECT_TRUE(p.alice().logged("NO_PROPOSAL_CHOSEN"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
}

TEST(Negotiation, InvalidKePayloadRetriesWithTheRequestedGroup) {
    SiteUp p(with_ike(site_config(kAlice, kBob), "aes256gcm16-prfsha256-x25519-ecp256"),
             with_ike(site_config(kBob, kAlice), "aes256gcm16-prfsha256-ecp256"));
    EXPECT_TRUE(p.alice().logged("asked for KE group 19"));
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).proposal, "aes256gcm16-prfsha256-ecp256");
    EXPECT_EQ(p.network().sent(), 6u);
}

TEST(Negotiation, InvalidKePayloadForAGroupNotOfferedFails) {
    SiteUp p(with_ike(site_config(kAlice, kBob), "aes256gcm16-prfsha256-ecp384"),
             with_ike(site_config(kBob, kAlice), "aes256gcm16-prfsha256-x25519-ecp256"));
    EXPECT_TRUE(p.alice().logged("NO_PROPOSAL_CHOSEN"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
}

TEST(Negotiation, NegotiatedEsnGivesEveryKernelSaExtendedSequenceNumbers) {
    SiteUp p(with_child(site_config(kAlice, kBob), "aes256gcm16-esn"),
             with_child(site_config(kBob, kAlice), "aes256gcm16-esn-noesn"));
    for (auto* peer : {&p.alice(), &p.bob()}) {
        ASSERT_EQ(peer->kernel().sas().size(), 2u);
        for (const auto& [id, sa] : peer->kernel().sas()) {
            EXPECT_TRUE(sa.esn);
            EXPECT_GT(sa.replay_window, 0u);   // the kernel refuses ESN without a window
        }
    }
}

TEST(Negotiation, NoEsnLeavesKernelSasWith32BitSequenceNumbers) {
    SiteUp p(with_child(site_config(kAlice, kBob), "aes256gcm16-noesn-esn"),
             with_child(site_config(kBob, kAlice), "aes256gcm16"));
    ASSERT_EQ(p.alice().kernel().sas().size(), 2u);
    for (const auto& [id, sa] : p.alice().kernel().sas()) EXPECT_FALSE(sa.esn);
}

TEST(Negotiation, ChildProposalMismatchKeepsTheIkeSaWithoutChildAndIsPartial) {
    auto p = refused_child();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::partial);
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).state, "established");
    EXPECT_TRUE(p.alice().logged("refused: NO_PROPOSAL_CHOSEN"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

// D-Bus Up answers the first state it sees: a refused first child is never published `up`.
TEST(Negotiation, RefusedFirstChildIsNeverPublishedUp) {
    auto p = refused_child();
    std::vector<ConnectionState> states;
    for (const auto& e : p.alice().history())
        if (const auto* s = std::get_if<StatePublished>(&e)) states.push_back(s->state);
    EXPECT_EQ(std::count(states.begin(), states.end(), ConnectionState::up), 0);
    EXPECT_EQ(states.back(), ConnectionState::partial);
}

TEST(Negotiation, DisjointSubnetsAreRefusedWithTsUnacceptable) {
    SiteUp p(site_config(kAlice, kBob), site_config(kBob, {kAlice.address, kAlice.id, "10.9.0.0/24"}));
    EXPECT_TRUE(p.alice().logged("refused: TS_UNACCEPTABLE"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

TEST(Negotiation, ResponderNarrowsTrafficSelectorsToItsPolicy) {
    SiteUp p(site_config({kAlice.address, kAlice.id, "10.1.0.0/16"}, kBob), site_config(kBob, kAlice));
    const auto child = p.alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_EQ(child.local_ts.at(0).str(), "10.1.0.0/24");
}

TEST(Negotiation, TransportModeWhenBothAskForIt) {
    auto alice = site_config(kAlice, kBob);
    auto bob = site_config(kBob, kAlice);
    alice.connections[0].children[0].mode = policy::Mode::transport;
    bob.connections[0].children[0].mode = policy::Mode::transport;
    SiteUp p(alice, bob);
    for (const auto& [id, sa] : p.bob().kernel().sas()) EXPECT_EQ(sa.mode, xfrm::Mode::transport);
    EXPECT_EQ(p.bob().kernel().policies().size(), 2u);  // no fwd policy in transport mode
}

TEST(Negotiation, WrongPskFailsAuthenticationAtTheResponder) {
    SiteUp p(site_config(kAlice, kBob, "one secret"), site_config(kBob, kAlice, "another secret"));
    EXPECT_TRUE(p.bob().logged("authentication of @alice.example failed"));
    EXPECT_TRUE(p.alice().logged("AUTHENTICATION_FAILED"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
}

TEST(Negotiation, UnexpectedResponderIdentityFailsAtTheInitiator) {
    auto alice = site_config(kAlice, {kBob.address, "@carol.example", kBob.subnet});
    alice.secrets[0].ids.push_back(*policy::Identity::parse("@bob.example"));
    SiteUp p(alice, site_config(kBob, kAlice));
    EXPECT_TRUE(p.alice().logged("authentication of @bob.example failed"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

}  // namespace
