// What the engine publishes for the D-Bus API: SA times and why an attempt failed.
#include <gtest/gtest.h>

#include "ike/wire/constants.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {
Pair make_pair() { return Pair(site_config(kAlice, kBob), site_config(kBob, kAlice)); }
}  // namespace

TEST(Status, IkeSaShowsWhenItWasEstablishedAndWhenItRekeys) {
    Pair p = make_pair();
    p.advance(5s);
    p.up(p.alice(), "site");
    p.run();
    const auto ike = p.alice().connection("site").ike_sas.at(0);
    EXPECT_GE(ike.established, Time{} + 5s);
    // RFC 7296 2.8.1: up to 10% early, at random.
    EXPECT_LE(ike.rekey_at, ike.established + std::chrono::hours(4));
    EXPECT_GE(ike.rekey_at, ike.established + std::chrono::hours(4) - std::chrono::minutes(24));
    EXPECT_NE(ike.rekey_at, ike.established + std::chrono::hours(4));
}

TEST(Status, ChildSaShowsWhenItWasInstalledAndWhenItRekeys) {
    Pair p = make_pair();
    p.advance(5s);
    p.up(p.alice(), "site");
    p.run();
    const auto child = p.alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_GE(child.established, Time{} + 5s);
    EXPECT_EQ(child.rekey_at, child.established + std::chrono::hours(1));
}

TEST(Status, ConnectingIkeSaHasNoTimes) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    const auto ike = p.alice().connection("site").ike_sas.at(0);
    EXPECT_EQ(ike.established, Time{});
    EXPECT_EQ(ike.rekey_at, Time{});
}

TEST(Status, PeerRejectingOurAuthIsAnAuthenticationFailure) {
    Pair p(site_config(kAlice, kBob, "one"), site_config(kBob, kAlice, "two"));
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.state, ConnectionState::down);
    EXPECT_EQ(c.failure, (Failure{FailureKind::authentication_failed, {}, wire::notify::authentication_failed}));
    EXPECT_EQ(describe(c.failure), "authentication failed: AUTHENTICATION_FAILED");
}

TEST(Status, NoCommonIkeProposalIsNoProposalChosen) {
    auto alice = site_config(kAlice, kBob);
    auto bob = site_config(kBob, kAlice);
    set_ike_proposal(alice, "aes256gcm16-prfsha256-x25519");
    set_ike_proposal(bob, "aes128-sha256-prfsha256-modp2048");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.failure, (Failure{FailureKind::no_proposal_chosen, {}, wire::notify::no_proposal_chosen}));
    EXPECT_EQ(describe(c.failure), "no IKE proposal chosen: NO_PROPOSAL_CHOSEN");
}

TEST(Status, SilentPeerIsATimeout) {
    Pair p = make_pair();
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    p.up(p.alice(), "site");
    p.advance(200s);
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.failure, Failure{FailureKind::timeout});
    EXPECT_EQ(describe(c.failure), "peer not responding");
}

TEST(Status, EstablishingClearsTheLastFailure) {
    Pair p = make_pair();
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    p.up(p.alice(), "site");
    p.advance(200s);
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{}; });
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.failure, Failure{});
}

TEST(Status, AdminDownWhileConnectingIsNoFailure) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.down(p.alice(), "site");
    EXPECT_EQ(p.alice().connection("site").failure, Failure{});
}
