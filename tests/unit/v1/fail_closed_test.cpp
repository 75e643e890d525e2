// Fail closed for IKEv1 (DESIGN "Fail closed"): a `start: up` child's policies are in the
// kernel from the Up on, and the child is brought up and back with back-off until the
// operator's down.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using v2::test::Fate;
using namespace std::chrono_literals;

policy::Config start_up(policy::CloseAction close = policy::CloseAction::restart) {
    auto alice = v1_site(true);
    alice.connections[0].children[0].start = policy::Start::up;
    alice.connections[0].children[0].close_action = close;
    return alice;
}

void drop_everything(Pair& p) {
    p.network().set_rule([](const v2::test::Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
}

TEST(V1FailClosed, AStartUpChildsPoliciesAreInTheKernelBeforeMainMode) {
    Pair p(start_up(), v1_site(false));
    drop_everything(p);
    p.up(p.alice(), "site");
    EXPECT_EQ(count<engine::AddPolicy>(p.alice()), 3u);  // out, in, fwd: a template, no SA
    EXPECT_EQ(count<engine::AddSa>(p.alice()), 0u);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::connecting);
}

TEST(V1FailClosed, ThePairTakesTheGuardingPoliciesOver) {
    Pair p(start_up(), v1_site(false));
    p.up(p.alice(), "site");
    p.advance(5s);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(count<engine::AddPolicy>(p.alice()), 3u);
    EXPECT_EQ(count<engine::UpdatePolicy>(p.alice()), 0u);  // the pair takes their reqid
    for (const auto& e : p.alice().history())
        if (const auto* a = std::get_if<engine::AddSa>(&e)) {
            EXPECT_EQ(a->sa.reqid, kReqidBaseV1);
        }
    EXPECT_EQ(count<engine::DeletePolicy>(p.alice()), 0u);
}

TEST(V1FailClosed, ASilentPeerIsAttemptedAgainWithBackOffWhileThePoliciesStay) {
    Pair p(start_up(), v1_site(false));
    drop_everything(p);
    p.up(p.alice(), "site");
    p.advance(10min);
    EXPECT_TRUE(p.alice().logged("CHILD SA net not up (peer not responding): attempt 1, the next in 1 s"));
    EXPECT_TRUE(p.alice().logged("attempt 2, the next in 2 s"));
    EXPECT_EQ(count<engine::DeletePolicy>(p.alice()), 0u);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::connecting);
    p.network().set_rule({});
    p.advance(10min);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(p.alice().logged("CHILD SA net up again after"));
}

TEST(V1FailClosed, APeersDeleteBringsTheChildBackOverANewMainMode) {
    Pair p(start_up(), v1_site(false));
    p.up(p.alice(), "site");
    p.advance(5s);
    p.down(p.bob(), "site");  // bob deletes the IPsec SAs and the ISAKMP SA
    p.advance(1min);
    EXPECT_TRUE(p.alice().logged("CHILD SA net up again after 1 attempt(s)"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
    EXPECT_EQ(count<engine::DeletePolicy>(p.alice()), 0u);
}

TEST(V1FailClosed, CloseActionClearIsNotBroughtBack) {
    Pair p(start_up(policy::CloseAction::clear), v1_site(false));
    p.up(p.alice(), "site");
    p.advance(5s);
    p.down(p.bob(), "site");
    p.advance(1min);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(count<engine::DeletePolicy>(p.alice()), 3u);
    EXPECT_FALSE(p.alice().logged("attempt 1"));
}

TEST(V1FailClosed, TheOperatorsDownEndsTheAttemptsAndRemovesThePolicies) {
    Pair p(start_up(), v1_site(false));
    drop_everything(p);
    p.up(p.alice(), "site");
    p.advance(5min);
    p.down(p.alice(), "site");
    const auto sent = p.alice().sent();
    p.advance(10min);
    EXPECT_EQ(p.alice().sent(), sent);
    EXPECT_EQ(count<engine::DeletePolicy>(p.alice()), 3u);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
}

}  // namespace
}  // namespace ike::v1::test
