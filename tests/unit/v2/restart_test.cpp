// Fail closed from start to down (DESIGN "Fail closed", close_action): a `start: up` child's
// policies are in the kernel before it is negotiated and stay through every loss the peer
// or the network causes, while the engine re-initiates with back-off until it is back.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

policy::Config up_config(std::optional<policy::CloseAction> close_action = std::nullopt) {
    auto c = site_config(kAlice, kBob);
    c.connections.front().children.front().start = policy::Start::up;
    c.connections.front().children.front().close_action = close_action;
    return c;
}

// alice starts "site" (start: up) against bob, who waits.
struct Started {
    Pair p;
    explicit Started(policy::Config alice = up_config(), policy::Config bob = site_config(kBob, kAlice))
        : p(std::move(alice), std::move(bob)) {
        p.alice().start(p.now(), p.network());
    }
    Peer& alice() { return p.alice(); }
    bool up() {
        const auto c = alice().connection("site");
        return c.state == ConnectionState::up && c.ike_sas.size() == 1 && c.ike_sas[0].children.size() == 1 &&
               alice().kernel().sas().size() == 2;
    }
    // The policy that sends 10.1.0.0/24 -> 10.2.0.0/24 to IPsec is in alice's kernel.
    bool guarded() {
        const auto& policies = alice().kernel().policies();
        return std::any_of(policies.begin(), policies.end(), [](const auto& e) {
            const xfrm::Policy& pol = e.second;
            return pol.dir == xfrm::Dir::out && pol.selector.src.str() == kAlice.subnet &&
                   pol.selector.dst.str() == kBob.subnet && !pol.templates.empty();
        });
    }
    // No outbound policy was ever removed from alice's kernel.
    bool never_unguarded() {
        const auto& h = alice().history();
        return std::none_of(h.begin(), h.end(), [](const Effect& e) {
            const auto* d = std::get_if<DeletePolicy>(&e);
            return d && d->id.dir == xfrm::Dir::out;
        });
    }
    std::size_t logged_count(const std::string& text) {
        const auto& h = alice().history();
        return static_cast<std::size_t>(std::count_if(h.begin(), h.end(), [&](const Effect& e) {
            const auto* l = std::get_if<Log>(&e);
            return l && l->message.find(text) != std::string::npos;
        }));
    }
    void silence() {
        p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    }
    void restore() {
        p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{}; });
    }
};

}  // namespace

TEST(FailClosed, StartUpChildIsGuardedBeforeItIsNegotiated) {
    Started s;
    EXPECT_TRUE(s.guarded());
    EXPECT_TRUE(s.alice().kernel().sas().empty());
    s.p.run();
    EXPECT_TRUE(s.up());
    EXPECT_EQ(s.alice().kernel().policies().size(), 3u);
    EXPECT_EQ(s.alice().kernel_errors(), 0u);
}

TEST(FailClosed, PeerDeletingTheIkeSaKeepsThePoliciesAndTheChildComesBack) {
    Started s;
    s.p.run();
    s.p.down(s.p.bob(), "site");
    s.p.run();
    EXPECT_TRUE(s.alice().kernel().sas().empty());
    EXPECT_TRUE(s.guarded());
    EXPECT_TRUE(s.alice().logged("CHILD SA net closed, its traffic blocked: restarting"));
    s.p.advance(3s);
    EXPECT_TRUE(s.up());
    EXPECT_TRUE(s.alice().logged("CHILD SA net up again after 1 attempt(s)"));
    EXPECT_TRUE(s.never_unguarded());
    EXPECT_EQ(s.alice().kernel_errors(), 0u);
}

// A client of the bus (the NetworkManager plugin) sees `down` only when an operator ends it.
TEST(FailClosed, ConnectionIsConnectingNotDownWhileItIsBroughtBack) {
    Started s;
    s.p.run();
    s.p.down(s.p.bob(), "site");
    s.p.run();
    EXPECT_TRUE(s.alice().kernel().sas().empty());
    EXPECT_EQ(s.alice().connection("site").state, ConnectionState::connecting);
    s.p.advance(3s);
    EXPECT_TRUE(s.up());
    const auto& h = s.alice().history();
    EXPECT_TRUE(std::none_of(h.begin(), h.end(), [](const Effect& e) {
        const auto* p = std::get_if<StatePublished>(&e);
        return p && p->state == ConnectionState::down;
    }));
    s.p.down(s.alice(), "site");
    s.p.run();
    EXPECT_EQ(s.alice().connection("site").state, ConnectionState::down);
}

TEST(FailClosed, DeadPeerKeepsThePoliciesAndIsRetriedUntilItAnswers) {
    Started s;
    s.p.run();
    s.silence();
    s.p.advance(30s + 200s);  // DPD interval, then its retransmissions
    EXPECT_TRUE(s.alice().logged("not responding, giving up"));
    EXPECT_TRUE(s.alice().kernel().sas().empty());
    EXPECT_TRUE(s.guarded());
    s.p.advance(300s);
    EXPECT_GE(s.logged_count("CHILD SA net not up"), 2u);  // each attempt times out meanwhile
    s.restore();
    s.p.advance(400s);
    EXPECT_TRUE(s.up());
    EXPECT_TRUE(s.never_unguarded());
}

TEST(FailClosed, FirstAttemptFailingKeepsThePoliciesAndIsRetried) {
    Started s;
    s.silence();
    s.p.advance(200s);
    EXPECT_TRUE(s.alice().logged("CHILD SA net not up ("));
    EXPECT_TRUE(s.alice().logged("): attempt 1, the next in 1 s"));
    EXPECT_TRUE(s.guarded());
    s.restore();
    s.p.advance(300s);
    EXPECT_TRUE(s.up());
    EXPECT_TRUE(s.never_unguarded());
}

TEST(FailClosed, RefusedChildIsRetriedWithDoublingBackOff) {
    // bob accepts none of alice's ESP proposals: every CHILD SA she asks for is refused
    auto bob = site_config(kBob, kAlice);
    set_child_proposal(bob, "aes128gcm16");
    auto alice = up_config();
    set_child_proposal(alice, "aes256gcm16");
    Started s(alice, bob);
    s.p.run();
    EXPECT_TRUE(s.alice().kernel().sas().empty());
    EXPECT_TRUE(s.guarded());
    // 1 s doubling (+ up to 20% jitter): attempts near 1, 2, 4, 8, 16, 32, 64 s
    s.p.advance(100s);
    const auto in_100s = s.logged_count("CHILD SA net not up");
    EXPECT_GE(in_100s, 5u);
    EXPECT_LE(in_100s, 8u);
    // capped at 60 s: at most two more in the next 130 s
    s.p.advance(130s);
    EXPECT_LE(s.logged_count("CHILD SA net not up") - in_100s, 3u);
    EXPECT_GE(s.logged_count("CHILD SA net not up") - in_100s, 2u);
    // bob is fixed: the next attempt brings the child up
    s.p.bob().reconfigure(s.p.now(), site_config(kBob, kAlice), s.p.network());
    s.p.advance(120s);
    EXPECT_TRUE(s.up());
    EXPECT_TRUE(s.never_unguarded());
}

TEST(FailClosed, FailedRekeyKeepsThePoliciesAndTheChildComesBack) {
    Started s;
    s.p.run();
    const auto spi = s.alice().connection("site").ike_sas.at(0).children.at(0).spi_in;
    s.silence();
    s.p.soft_expire(s.alice(), spi);  // the rekey goes unanswered; the IKE SA is given up
    s.p.advance(200s);
    EXPECT_TRUE(s.alice().logged("not responding, giving up"));
    EXPECT_TRUE(s.guarded());
    s.restore();
    s.p.advance(120s);
    EXPECT_TRUE(s.up());
    EXPECT_TRUE(s.never_unguarded());
}

TEST(FailClosed, CloseActionTrapKeepsThePoliciesWithoutReinitiating) {
    Started s(up_config(policy::CloseAction::trap));
    s.p.run();
    s.p.down(s.p.bob(), "site");
    s.p.run();
    const auto sent = s.p.network().sent();
    s.p.advance(120s);
    EXPECT_EQ(s.p.network().sent(), sent);
    EXPECT_TRUE(s.guarded());
    EXPECT_TRUE(s.alice().logged("CHILD SA net closed, its traffic blocked: trapped"));
}

TEST(FailClosed, CloseActionClearRemovesThePoliciesWithoutReinitiating) {
    Started s(up_config(policy::CloseAction::clear));
    s.p.run();
    s.p.down(s.p.bob(), "site");
    s.p.run();
    const auto sent = s.p.network().sent();
    s.p.advance(120s);
    EXPECT_EQ(s.p.network().sent(), sent);
    EXPECT_TRUE(s.alice().kernel().policies().empty());
    EXPECT_EQ(s.alice().kernel_errors(), 0u);
}

TEST(FailClosed, OperatorDownEndsTheAttemptsAndRemovesThePolicies) {
    Started s;
    s.silence();
    s.p.advance(10s);
    s.p.down(s.alice(), "site");
    const auto attempts = s.logged_count("CHILD SA net not up");
    s.p.advance(600s);
    EXPECT_EQ(s.logged_count("CHILD SA net not up"), attempts);
    EXPECT_TRUE(s.alice().kernel().policies().empty());
    EXPECT_EQ(s.alice().connection("site").state, ConnectionState::down);
}

TEST(FailClosed, RemovalEndsTheAttemptsAndRemovesThePolicies) {
    Started s;
    s.silence();
    s.p.advance(10s);
    s.alice().reconfigure(s.p.now(), policy::Config{}, s.p.network());
    const auto sent = s.p.network().sent();
    s.p.advance(600s);
    EXPECT_EQ(s.p.network().sent(), sent);
    EXPECT_TRUE(s.alice().kernel().policies().empty());
}
