// start: trap and close_action: trap for IKEv1 (DESIGN "Fail closed"): the child's policies
// wait in the kernel with a template and no SA; the kernel's acquire brings the child up.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using wire::v1::ExchangeType;
using namespace std::chrono_literals;

policy::Config trapping(policy::Start start = policy::Start::trap,
                        std::optional<policy::CloseAction> close = std::nullopt) {
    auto alice = v1_site(true);
    alice.connections[0].children[0].start = start;
    alice.connections[0].children[0].close_action = close;
    return alice;
}

// alice's engine starts with `config`; her kernel's acquires reach it.
struct Trapped {
    Pair p;
    explicit Trapped(policy::Config config = trapping()) : p(std::move(config), v1_site(false)) {
        p.alice().kernel().set_event_handler([this](const xfrm::Event& ev) {
            if (const auto* a = std::get_if<xfrm::Acquire>(&ev)) p.alice().handle(p.now(), engine::KernelAcquire{*a}, p.network());
        });
        p.alice().start(p.now(), p.network());
    }
    std::uint32_t reqid() { return out_policy().templates.at(0).reqid; }
    const xfrm::Policy& out_policy() {
        for (const auto& [id, pol] : p.alice().kernel().policies())
            if (pol.dir == xfrm::Dir::out) return pol;
        throw std::logic_error("no outbound policy");
    }
    // A packet from 10.1.0.5 to 10.2.0.9 hits the outbound policy, which has no SA.
    void packet() {
        xfrm::Acquire a;
        a.selector = {*net::Prefix::parse("10.1.0.5/32"), *net::Prefix::parse("10.2.0.9/32")};
        a.src = *net::Address::parse("192.0.2.1");
        a.dst = *net::Address::parse("192.0.2.2");
        a.reqid = reqid();
        p.alice().kernel().emit(a);
    }
    std::size_t pairs() { return p.alice().kernel().sas().size() / 2; }
};

TEST(V1Trap, StartPutsThePoliciesInTheKernelWithATemplateAndNoSaAndSendsNothing) {
    Trapped t;
    const auto& policies = t.p.alice().kernel().policies();
    EXPECT_EQ(policies.size(), 3u);  // out, in, fwd
    for (const auto& [id, pol] : policies) {
        ASSERT_EQ(pol.templates.size(), 1u);
        EXPECT_EQ(pol.templates[0].reqid, kReqidBaseV1);
    }
    t.p.advance(1min);
    EXPECT_TRUE(t.p.alice().kernel().sas().empty());
    EXPECT_EQ(t.p.alice().sent(), 0u);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(t.p.alice().logged("CHILD SA net trapped"));
}

TEST(V1Trap, AnAcquireBringsTheChildUpAndItsPairSendsToTheTrapsReqid) {
    Trapped t;
    const auto policies = t.p.alice().kernel().policies();
    t.packet();
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(t.p.alice().kernel().policies(), policies);  // taken over, not replaced
    ASSERT_EQ(t.pairs(), 1u);
    for (const auto& [id, sa] : t.p.alice().kernel().sas()) EXPECT_EQ(sa.reqid, kReqidBaseV1);
    EXPECT_EQ(t.p.alice().kernel_errors(), 0u);
    EXPECT_TRUE(t.p.alice().logged("kernel acquire for 10.1.0.5/32 -> 10.2.0.9/32: initiating Main Mode"));
}

TEST(V1Trap, AcquiresWhileMainModeIsOnItsWayStartOneMainMode) {
    Trapped t;
    t.packet();
    t.packet();
    t.packet();
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().sent(ExchangeType::identity_protection), 3u);  // MM1, MM3, MM5
    EXPECT_EQ(t.p.alice().sent(ExchangeType::quick_mode), 2u);           // QM1, QM3
    EXPECT_EQ(t.p.alice().connection("site").ike_sas.size(), 1u);
}

TEST(V1Trap, AnAcquireOverAnIsakmpSaThatIsUpStartsOnlyAQuickMode) {
    Trapped t;
    t.packet();
    t.p.advance(5s);
    const auto ipsec = t.p.alice().connection("site").ike_sas.at(0).children.at(0);
    t.p.expire(t.p.alice(), ipsec.spi_in, t.reqid(), true);  // the pair is gone, the ISAKMP SA stays
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().sent(ExchangeType::quick_mode), 2u);  // nothing until a packet
    t.packet();
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().sent(ExchangeType::identity_protection), 3u);
    EXPECT_EQ(t.p.alice().sent(ExchangeType::quick_mode), 4u);
    EXPECT_TRUE(t.p.alice().logged("kernel acquire for 10.1.0.5/32 -> 10.2.0.9/32: Quick Mode for net"));
    EXPECT_EQ(t.pairs(), 1u);
}

TEST(V1Trap, APeersDeleteLeavesThePoliciesAndTheNextPacketBringsTheChildBack) {
    Trapped t;
    t.packet();
    t.p.advance(5s);
    t.p.down(t.p.bob(), "site");  // bob deletes the IPsec SAs and the ISAKMP SA
    t.p.advance(5min);
    EXPECT_EQ(t.p.alice().kernel().policies().size(), 3u);
    EXPECT_TRUE(t.p.alice().kernel().sas().empty());
    EXPECT_EQ(t.p.alice().sent(ExchangeType::identity_protection), 3u);  // not brought back by itself
    t.packet();
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(t.p.alice().sent(ExchangeType::identity_protection), 6u);
    EXPECT_EQ(count<engine::DeletePolicy>(t.p.alice()), 0u);
}

TEST(V1Trap, AStartUpChildWithCloseActionTrapWaitsForTrafficAfterAPeersDelete) {
    Trapped t(trapping(policy::Start::up, policy::CloseAction::trap));
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
    t.p.down(t.p.bob(), "site");
    t.p.advance(5min);
    EXPECT_EQ(t.p.alice().sent(ExchangeType::identity_protection), 3u);
    EXPECT_EQ(t.p.alice().kernel().policies().size(), 3u);
    t.packet();
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
}

TEST(V1Trap, DownRemovesTheTrapAndUpPutsItBack) {
    Trapped t;
    t.packet();
    t.p.advance(5s);
    t.p.down(t.p.alice(), "site");
    EXPECT_TRUE(t.p.alice().kernel().policies().empty());
    EXPECT_TRUE(t.p.alice().kernel().sas().empty());
    t.p.up(t.p.alice(), "site");
    EXPECT_EQ(t.p.alice().kernel().policies().size(), 3u);  // before Main Mode answers
    t.p.advance(5s);
    EXPECT_EQ(t.p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(t.p.alice().kernel_errors(), 0u);
}

TEST(V1Trap, AnAcquireAfterDownInitiatesNothing) {
    Trapped t;
    const auto reqid = t.reqid();
    t.p.down(t.p.alice(), "site");
    t.p.alice().handle(t.p.now(), engine::KernelAcquire{xfrm::Acquire{.reqid = reqid}}, t.p.network());
    t.p.advance(1min);
    EXPECT_EQ(t.p.alice().sent(), 0u);
}

TEST(V1Trap, AnAcquireForAnotherReqidIsIgnored) {
    Trapped t;
    t.p.alice().handle(t.p.now(), engine::KernelAcquire{xfrm::Acquire{.reqid = 999}}, t.p.network());
    t.p.advance(1min);
    EXPECT_EQ(t.p.alice().sent(), 0u);
    EXPECT_TRUE(t.p.alice().logged("matches no trap"));
}

}  // namespace
}  // namespace ike::v1::test
