// Every child of a connection (RFC 7296 1.3.1): the first CHILD SA comes with IKE_AUTH, the
// others with CREATE_CHILD_SA over the same IKE SA, one request at a time; a trapped child
// of an up connection is created over its IKE SA when the kernel acquires.
#include <gtest/gtest.h>

#include <set>

#include "ike/wire/constants.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

net::Prefix prefix(const char* text) { return *net::Prefix::parse(text); }

std::set<std::string> child_names(const Peer& peer) {
    std::set<std::string> names;
    for (const auto& ike : peer.connection("site").ike_sas)
        for (const auto& child : ike.children) names.insert(child.name);
    return names;
}

void expect_both_children_installed(Pair& p) {
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        EXPECT_EQ(peer->connection("site").ike_sas.size(), 1u) << peer->name();
        EXPECT_EQ(child_names(*peer), (std::set<std::string>{"net", "lab"})) << peer->name();
        EXPECT_EQ(peer->kernel().sas().size(), 4u) << peer->name();
        EXPECT_EQ(peer->kernel_errors(), 0u) << peer->name();
    }
}

TEST(Children, EveryStartUpChildIsNegotiatedAtStart) {
    Pair p(two_children(true, policy::Start::up, policy::Start::up),
           two_children(false, policy::Start::none, policy::Start::none));
    p.alice().start(p.now(), p.network());
    p.run();
    expect_both_children_installed(p);
    EXPECT_TRUE(p.alice().logged("sending CREATE_CHILD_SA request"));
}

TEST(Children, UpBringsUpTheStartUpAndTheTrapChildren) {
    Pair p(two_children(true, policy::Start::up, policy::Start::trap),
           two_children(false, policy::Start::none, policy::Start::none));
    p.up(p.alice(), "site");
    p.run();
    expect_both_children_installed(p);
}

TEST(Children, UpWithoutMarkedChildrenBringsUpTheFirstOnly) {
    Pair p(two_children(true, policy::Start::none, policy::Start::none),
           two_children(false, policy::Start::none, policy::Start::none));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(child_names(p.alice()), (std::set<std::string>{"net"}));
    EXPECT_FALSE(p.alice().logged("sending CREATE_CHILD_SA request"));
}

TEST(Children, TrappedChildOfAnUpConnectionIsCreatedOverItsIkeSaOnAcquire) {
    Pair p(two_children(true, policy::Start::up, policy::Start::trap),
           two_children(false, policy::Start::none, policy::Start::none));
    p.alice().kernel().set_event_handler([&](const xfrm::Event& ev) {
        if (const auto* a = std::get_if<xfrm::Acquire>(&ev)) p.alice().handle(p.now(), KernelAcquire{*a}, p.network());
    });
    p.alice().start(p.now(), p.network());
    p.run();
    ASSERT_EQ(child_names(p.alice()), (std::set<std::string>{"net"}));
    // A packet from 10.11.0.5 to 10.12.0.9 hits lab's trap policy.
    xfrm::Acquire a;
    a.selector = {prefix("10.11.0.5/32"), prefix("10.12.0.9/32")};
    a.src = *net::Address::parse(kAlice.address);
    a.dst = *net::Address::parse(kBob.address);
    for (const auto& [id, pol] : p.alice().kernel().policies())
        if (id.selector.src == prefix("10.11.0.0/24") && !pol.templates.empty()) a.reqid = pol.templates[0].reqid;
    ASSERT_NE(a.reqid, 0u);
    p.alice().kernel().emit(a);
    p.run();
    expect_both_children_installed(p);
    unsigned initiated = 0;
    for (const auto& e : p.alice().history())
        if (const auto* l = std::get_if<Log>(&e); l && l->message.find("initiating IKE SA") != std::string::npos)
            ++initiated;
    EXPECT_EQ(initiated, 1u);
}

TEST(Children, FirstChildRefusedInIkeAuthIsRecordedWithThePeersNotify) {
    auto bob = site_config(kBob, kAlice);
    bob.connections.front().children.front().remote_subnets = {prefix("10.9.0.0/24")};
    Pair p(site_config(kAlice, kBob), bob);
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.failure, (Failure{FailureKind::child_refused, "net", wire::notify::ts_unacceptable}));
    EXPECT_EQ(describe(c.failure), "child 'net' refused by the peer: TS_UNACCEPTABLE");
    EXPECT_EQ(c.state, ConnectionState::partial);
}

TEST(Children, ChildRefusedInCreateChildSaIsRecordedWithThePeersNotify) {
    auto bob = two_children(false, policy::Start::none, policy::Start::none);
    bob.connections.front().children.pop_back();  // bob knows no "lab"
    Pair p(two_children(true, policy::Start::up, policy::Start::up), bob);
    p.alice().start(p.now(), p.network());
    p.run();
    EXPECT_EQ(child_names(p.alice()), (std::set<std::string>{"net"}));
    EXPECT_EQ(p.alice().connection("site").failure,
              (Failure{FailureKind::child_refused, "lab", wire::notify::ts_unacceptable}));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::partial);
}

TEST(Children, ConnectionIsUpOnlyOnceEveryChildIsInstalled) {
    Pair p(two_children(true, policy::Start::up, policy::Start::up),
           two_children(false, policy::Start::none, policy::Start::none));
    p.alice().start(p.now(), p.network());
    p.run();
    bool connecting_while_established = false;
    for (const auto& e : p.alice().history()) {
        const auto* s = std::get_if<StatePublished>(&e);
        if (!s || s->connection != "site") continue;
        if (s->state == ConnectionState::up) {
            EXPECT_EQ(s->ike_sa.children.size(), 2u);
        }
        if (s->state == ConnectionState::connecting && s->ike_sa.state == "established")
            connecting_while_established = true;
    }
    EXPECT_TRUE(connecting_while_established);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
}

TEST(Children, UpOnAPartialConnectionRetriesTheRefusedChildOverItsIkeSa) {
    auto bob = two_children(false, policy::Start::none, policy::Start::none);
    bob.connections.front().children.pop_back();
    Pair p(two_children(true, policy::Start::up, policy::Start::up), bob);
    p.alice().start(p.now(), p.network());
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::partial);
    const auto before = p.alice().history().size();
    p.up(p.alice(), "site");
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::connecting);
    p.run();
    unsigned creating = 0, initiating = 0;
    for (auto i = before; i < p.alice().history().size(); ++i)
        if (const auto* l = std::get_if<Log>(&p.alice().history()[i])) {
            creating += l->message.find("creating CHILD SA lab") != std::string::npos;
            initiating += l->message.find("initiating IKE SA") != std::string::npos;
        }
    EXPECT_EQ(creating, 1u);
    EXPECT_EQ(initiating, 0u);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::partial);
}

}  // namespace
