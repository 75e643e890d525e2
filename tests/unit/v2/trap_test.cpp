// start: trap: policies without SAs, the kernel's acquire initiates, fail closed.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

policy::Config trap_config() {
    auto c = site_config(kAlice, kBob);
    c.connections.front().children.front().start = policy::Start::trap;
    return c;
}

// alice traps "site"; her kernel's acquires reach her engine.
struct Trapped {
    Pair p{trap_config(), site_config(kBob, kAlice)};
    Trapped() {
        p.alice().kernel().set_event_handler([this](const xfrm::Event& ev) {
            if (const auto* a = std::get_if<xfrm::Acquire>(&ev)) p.alice().handle(p.now(), KernelAcquire{*a}, p.network());
        });
        p.alice().start(p.now(), p.network());
    }
    // A packet from 10.1.0.5 to 10.2.0.9 hits the out policy.
    void packet() {
        const auto& out = p.alice().kernel().policies().begin()->second;
        xfrm::Acquire a;
        a.selector = {*net::Prefix::parse("10.1.0.5/32"), *net::Prefix::parse("10.2.0.9/32")};
        a.src = *net::Address::parse(kAlice.address);
        a.dst = *net::Address::parse(kBob.address);
        a.reqid = out.templates.at(0).reqid;
        p.alice().kernel().emit(a);
    }
};

}  // namespace

TEST(Trap, StartInstallsPoliciesWithTemplatesAndNoSa) {
    Trapped t;
    const auto& policies = t.p.alice().kernel().policies();
    EXPECT_EQ(policies.size(), 3u);  // out, in, fwd
    for (const auto& [id, pol] : policies) {
        ASSERT_EQ(pol.templates.size(), 1u);
        EXPECT_NE(pol.templates[0].reqid, 0u);
    }
    EXPECT_TRUE(t.p.alice().kernel().sas().empty());
    EXPECT_EQ(t.p.network().sent(), 0u);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::down);
}

TEST(Trap, AcquireInitiatesAndTheChildSaUsesTheTrapPolicies) {
    Trapped t;
    const auto policies = t.p.alice().kernel().policies();
    t.packet();
    t.p.run();
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(t.p.alice().kernel().policies(), policies);
    for (const auto& [id, sa] : t.p.alice().kernel().sas())
        EXPECT_EQ(sa.reqid, policies.begin()->second.templates[0].reqid);
    EXPECT_EQ(t.p.alice().kernel_errors(), 0u);
}

TEST(Trap, AcquiresWhileConnectingAreIgnored) {
    Trapped t;
    t.packet();
    t.packet();
    t.packet();
    t.p.run();
    EXPECT_EQ(t.p.network().sent(), 4u);  // one IKE_SA_INIT + IKE_AUTH exchange
    EXPECT_EQ(t.p.alice().connection("site").ike_sas.size(), 1u);
}

TEST(Trap, AcquireForAnotherReqidIsIgnored) {
    Trapped t;
    t.p.alice().handle(t.p.now(), KernelAcquire{xfrm::Acquire{.reqid = 999}}, t.p.network());
    EXPECT_EQ(t.p.network().sent(), 0u);
}

TEST(Trap, PoliciesStayWhenThePeerDeletes) {
    Trapped t;
    const auto policies = t.p.alice().kernel().policies();
    t.packet();
    t.p.run();
    t.p.down(t.p.bob(), "site");
    t.p.run();
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(t.p.alice().kernel().sas().empty());
    EXPECT_EQ(t.p.alice().kernel().policies(), policies);
    EXPECT_EQ(t.p.alice().kernel_errors(), 0u);
}

TEST(Trap, NextPacketAfterThePeerDeletedInitiatesAgain) {
    Trapped t;
    t.packet();
    t.p.run();
    t.p.down(t.p.bob(), "site");
    t.p.run();
    t.packet();
    t.p.run();
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
}

TEST(Trap, PoliciesStayWhenDpdDeclaresThePeerDead) {
    Trapped t;
    const auto policies = t.p.alice().kernel().policies();
    t.packet();
    t.p.run();
    t.p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    t.p.advance(30s + 200s);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(t.p.alice().kernel().sas().empty());
    EXPECT_EQ(t.p.alice().kernel().policies(), policies);
}

TEST(Trap, PoliciesStayWhileTheFirstAttemptFails) {
    Trapped t;
    t.p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    t.packet();
    t.p.advance(200s);
    EXPECT_EQ(t.p.alice().connection("site").failure.kind, FailureKind::timeout);
    EXPECT_EQ(t.p.alice().kernel().policies().size(), 3u);
}

TEST(Trap, DownRemovesThePolicies) {
    Trapped t;
    t.packet();
    t.p.run();
    t.p.down(t.p.alice(), "site");
    t.p.run();
    EXPECT_TRUE(t.p.alice().kernel().policies().empty());
    EXPECT_TRUE(t.p.alice().kernel().sas().empty());
    EXPECT_EQ(t.p.alice().kernel_errors(), 0u);
}

TEST(Trap, RemovalRemovesThePolicies) {
    Trapped t;
    t.p.alice().reconfigure(t.p.now(), policy::Config{}, t.p.network());
    EXPECT_TRUE(t.p.alice().kernel().policies().empty());
    EXPECT_EQ(t.p.alice().kernel_errors(), 0u);
}

TEST(Trap, AddedTrapConnectionIsTrapped) {
    Pair p(policy::Config{}, site_config(kBob, kAlice));
    p.alice().reconfigure(p.now(), trap_config(), p.network());
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);
    EXPECT_EQ(p.network().sent(), 0u);
}

TEST(Trap, PeerInitiatedChildSaOfATrappedConnectionAddsNoPolicy) {
    Trapped t;
    const auto policies = t.p.alice().kernel().policies();
    t.p.up(t.p.bob(), "site");
    t.p.run();
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(t.p.alice().kernel().policies(), policies);
    EXPECT_EQ(t.p.alice().kernel_errors(), 0u);
}
