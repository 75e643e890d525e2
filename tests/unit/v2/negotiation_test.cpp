// Proposal and authentication outcomes of the first exchanges (RFC 7296 1.2, 2.7, 2.15).
#include <gtest/gtest.h>
#include <algorithm>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

TEST(Negotiation, IkeProposalMismatchEndsWithNoProposalChosen) {
    auto bob = site_config(kBob, kAlice);
    set_ike_proposal(bob, "aes128-sha256-modp2048");
    auto alice = site_config(kAlice, kBob);
    set_ike_proposal(alice, "aes256gcm16-prfsha256-x25519");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("NO_PROPOSAL_CHOSEN"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
}

TEST(Negotiation, InvalidKePayloadRetriesWithTheRequestedGroup) {
    auto alice = site_config(kAlice, kBob);
    alice.connections[0].ike.proposals = {*policy::parse_proposal("aes256gcm16-prfsha256-x25519-ecp256",
                                                                  ProtocolId::ike)};
    auto bob = site_config(kBob, kAlice);
    set_ike_proposal(bob, "aes256gcm16-prfsha256-ecp256");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("asked for KE group 19"));
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).proposal, "aes256gcm16-prfsha256-ecp256");
    EXPECT_EQ(p.network().sent(), 6u);
}

TEST(Negotiation, InvalidKePayloadForAGroupNotOfferedFails) {
    auto bob = site_config(kBob, kAlice);
    bob.connections[0].ike.proposals = {*policy::parse_proposal("aes256gcm16-prfsha256-x25519-ecp256",
                                                                ProtocolId::ike)};
    auto alice = site_config(kAlice, kBob);
    set_ike_proposal(alice, "aes256gcm16-prfsha256-ecp384");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("NO_PROPOSAL_CHOSEN"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
}

TEST(Negotiation, NegotiatedEsnGivesEveryKernelSaExtendedSequenceNumbers) {
    auto alice = site_config(kAlice, kBob);
    set_child_proposal(alice, "aes256gcm16-esn");
    auto bob = site_config(kBob, kAlice);
    set_child_proposal(bob, "aes256gcm16-esn-noesn");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    for (auto* peer : {&p.alice(), &p.bob()}) {
        ASSERT_EQ(peer->kernel().sas().size(), 2u);
        for (const auto& [id, sa] : peer->kernel().sas()) {
            EXPECT_TRUE(sa.esn);
            EXPECT_GT(sa.replay_window, 0u);   // the kernel refuses ESN without a window
        }
    }
}

TEST(Negotiation, NoEsnLeavesKernelSasWith32BitSequenceNumbers) {
    auto alice = site_config(kAlice, kBob);
    set_child_proposal(alice, "aes256gcm16-noesn-esn");
    auto bob = site_config(kBob, kAlice);
    set_child_proposal(bob, "aes256gcm16");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().kernel().sas().size(), 2u);
    for (const auto& [id, sa] : p.alice().kernel().sas()) EXPECT_FALSE(sa.esn);
}

TEST(Negotiation, ChildProposalMismatchKeepsTheIkeSaWithoutChildAndIsPartial) {
    auto bob = site_config(kBob, kAlice);
    set_child_proposal(bob, "aes128-sha256");
    auto alice = site_config(kAlice, kBob);
    set_child_proposal(alice, "aes256gcm16");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::partial);
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).state, "established");
    EXPECT_TRUE(p.alice().logged("refused: NO_PROPOSAL_CHOSEN"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

// D-Bus Up answers the first state it sees: a refused first child is never published `up`.
TEST(Negotiation, RefusedFirstChildIsNeverPublishedUp) {
    auto bob = site_config(kBob, kAlice);
    set_child_proposal(bob, "aes128-sha256");
    auto alice = site_config(kAlice, kBob);
    set_child_proposal(alice, "aes256gcm16");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    std::vector<ConnectionState> states;
    for (const auto& e : p.alice().history())
        if (const auto* s = std::get_if<StatePublished>(&e)) states.push_back(s->state);
    EXPECT_EQ(std::count(states.begin(), states.end(), ConnectionState::up), 0);
    EXPECT_EQ(states.back(), ConnectionState::partial);
}

TEST(Negotiation, DisjointSubnetsAreRefusedWithTsUnacceptable) {
    auto bob = site_config(kBob, {kAlice.address, kAlice.id, "10.9.0.0/24"});
    Pair p(site_config(kAlice, kBob), bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("refused: TS_UNACCEPTABLE"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

TEST(Negotiation, ResponderNarrowsTrafficSelectorsToItsPolicy) {
    auto alice = site_config({kAlice.address, kAlice.id, "10.1.0.0/16"}, kBob);
    Pair p(alice, site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    const auto child = p.alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_EQ(child.local_ts.at(0).str(), "10.1.0.0/24");
}

TEST(Negotiation, TransportModeWhenBothAskForIt) {
    auto alice = site_config(kAlice, kBob);
    auto bob = site_config(kBob, kAlice);
    alice.connections[0].children[0].mode = policy::Mode::transport;
    bob.connections[0].children[0].mode = policy::Mode::transport;
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    for (const auto& [id, sa] : p.bob().kernel().sas()) EXPECT_EQ(sa.mode, xfrm::Mode::transport);
    EXPECT_EQ(p.bob().kernel().policies().size(), 2u);  // no fwd policy in transport mode
}

TEST(Negotiation, WrongPskFailsAuthenticationAtTheResponder) {
    Pair p(site_config(kAlice, kBob, "one secret"), site_config(kBob, kAlice, "another secret"));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("authentication of @alice.example failed"));
    EXPECT_TRUE(p.alice().logged("AUTHENTICATION_FAILED"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
}

TEST(Negotiation, UnexpectedResponderIdentityFailsAtTheInitiator) {
    auto alice = site_config(kAlice, {kBob.address, "@carol.example", kBob.subnet});
    alice.secrets[0].ids.push_back(*policy::Identity::parse("@bob.example"));
    Pair p(alice, site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("authentication of @bob.example failed"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

}  // namespace
