// Dead Peer Detection (RFC 3706) between two IKEv1 engines.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using v2::test::Fate;
using namespace std::chrono_literals;

std::unique_ptr<Pair> up(std::chrono::seconds alice_dpd, std::chrono::seconds bob_dpd,
                         policy::CloseAction close = policy::CloseAction::clear) {
    auto alice = v1_site(true), bob = v1_site(false);
    alice.connections[0].children[0].close_action = close;
    alice.connections[0].ike.dpd = alice_dpd;
    bob.connections[0].ike.dpd = bob_dpd;
    auto p = std::make_unique<Pair>(alice, bob);
    p->up(p->alice(), "site");
    p->advance(5s);
    return p;
}

TEST(Dpd, ASilentPeerIsProbedAndItsAcksKeepTheSaUp) {
    auto p = up(30s, 0s);
    p->advance(2min);
    EXPECT_EQ(p->alice().connection("site").state, ConnectionState::up);
    EXPECT_GE(p->alice().sent(wire::v1::ExchangeType::informational), 3u);  // every 30 s
    EXPECT_EQ(p->bob().sent(wire::v1::ExchangeType::informational), p->alice().sent(wire::v1::ExchangeType::informational));
    EXPECT_FALSE(p->alice().logged("dead"));
    EXPECT_EQ(p->bob().connection("site").state, ConnectionState::up);
}

TEST(Dpd, NoProbesWhenDpdIsOff) {
    auto p = up(0s, 0s);
    p->advance(5min);
    EXPECT_EQ(p->alice().sent(wire::v1::ExchangeType::informational), 0u);
    EXPECT_EQ(p->bob().sent(wire::v1::ExchangeType::informational), 0u);
}

// Alice's peer goes silent: after a probe and its retransmissions, alice declares it dead.
std::unique_ptr<Pair> peer_dies(policy::CloseAction close) {
    auto p = up(30s, 0s, close);
    p->network().set_rule([](const v2::test::Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    p->advance(10min);
    return p;
}

TEST(Dpd, ADeadPeersSasGoAndWithCloseActionTrapThePoliciesStay) {
    auto p = peer_dies(policy::CloseAction::trap);
    EXPECT_TRUE(p->alice().logged("the peer is dead"));
    const auto c = p->alice().connection("site");
    EXPECT_EQ(c.state, ConnectionState::down);
    EXPECT_TRUE(c.ike_sas.empty());
    EXPECT_EQ(c.failure.kind, engine::FailureKind::timeout);
    EXPECT_EQ(count<engine::DeleteSa>(p->alice()), 2u);
    EXPECT_EQ(count<engine::DeletePolicy>(p->alice()), 0u);  // fail closed: its traffic is dropped
}

TEST(Dpd, ADeadPeersSasGoWithThePoliciesWithCloseActionClear) {
    auto p = peer_dies(policy::CloseAction::clear);
    EXPECT_TRUE(p->alice().logged("the peer is dead"));
    EXPECT_EQ(count<engine::DeleteSa>(p->alice()), 2u);
    EXPECT_EQ(count<engine::DeletePolicy>(p->alice()), 3u);
}

TEST(Dpd, ThePeerWithDpdOnProbesAsResponderToo) {
    auto p = up(0s, 30s);
    p->advance(2min);
    EXPECT_GE(p->bob().sent(wire::v1::ExchangeType::informational), 3u);
    EXPECT_EQ(p->alice().connection("site").state, ConnectionState::up);
}

}  // namespace
}  // namespace ike::v1::test
