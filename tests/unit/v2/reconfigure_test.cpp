// Reload as a diff (Engine::reconfigure): only added, removed and changed connections are
// touched; an unchanged one keeps its SAs, policies and traffic.
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"
#include "tests/unit/v2/policy_replay.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

Pair make_pair() { return Pair(site_config(kAlice, kBob), site_config(kBob, kAlice)); }

// `config` with a copy of its "site" connection named `name` (other subnets, same peer).
policy::Config with_connection(policy::Config config, const std::string& name, policy::Start start) {
    policy::Connection c = config.connections.front();
    c.name = name;
    c.children.front().start = start;
    c.children.front().local_subnets = {*net::Prefix::parse("10.11.0.0/24")};
    c.children.front().remote_subnets = {*net::Prefix::parse("10.12.0.0/24")};
    config.connections.push_back(c);
    return config;
}

// True if some effect concerns `connection` (its log lines, state, kernel state).
bool concerns(const Effects& effects, const std::string& connection) {
    for (const auto& e : effects) {
        const bool hit = std::visit(
            [&](const auto& fx) {
                using T = std::decay_t<decltype(fx)>;
                if constexpr (std::is_same_v<T, Log> || std::is_same_v<T, StatePublished> || std::is_same_v<T, PeerAuthenticated>)
                    return fx.connection == connection;
                else if constexpr (std::is_same_v<T, SendDatagram> || std::is_same_v<T, ResolveHost>)
                    return false;  // checked through the network; names are not a connection's
                else
                    return fx.owner.connection == connection;
            },
            e);
        if (hit) return true;
    }
    return false;
}

Effects effects_since(const Peer& peer, std::size_t from) {
    return {peer.history().begin() + static_cast<std::ptrdiff_t>(from), peer.history().end()};
}

// "site" from alice with its child started as given.
policy::Config site_started(policy::Start start) {
    auto c = site_config(kAlice, kBob);
    c.connections.front().children.front().start = start;
    return c;
}

// alice reloads `next`; her kernel's policies, between any two effects of the reload's
// batch in the daemon's order, cover the child's traffic both ways (10.1/24 <-> 10.2/24).
void expect_covered_throughout_reload(Pair& p, policy::Config next) {
    const PolicyTable before = p.alice().kernel().policies();
    const auto from = p.alice().history().size();
    p.alice().reconfigure(p.now(), std::move(next), p.network());
    unsigned step = 0;
    replay_policies(before, effects_since(p.alice(), from), [&](const PolicyTable& table) {
        EXPECT_TRUE(covers(table, xfrm::Dir::out, "10.1.0.5", "10.2.0.9")) << "no out policy after step " << step;
        EXPECT_TRUE(covers(table, xfrm::Dir::in, "10.2.0.9", "10.1.0.5")) << "no in policy after step " << step;
        ++step;
    });
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

}  // namespace

TEST(Reconfigure, UnchangedConnectionGetsNoEffectAtAll) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const auto before = p.alice().connection("site");
    const auto sas = p.alice().kernel().sas();
    const auto policies = p.alice().kernel().policies();
    const std::size_t mark = p.alice().history().size();
    const auto sent = p.network().sent();
    p.alice().reconfigure(p.now(), with_connection(site_config(kAlice, kBob), "other", policy::Start::none),
                          p.network());
    p.run();
    EXPECT_FALSE(concerns(effects_since(p.alice(), mark), "site"));
    EXPECT_EQ(p.network().sent(), sent);
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).local_spi, before.ike_sas.at(0).local_spi);
    EXPECT_EQ(p.alice().kernel().sas(), sas);
    EXPECT_EQ(p.alice().kernel().policies(), policies);
}

TEST(Reconfigure, UnchangedConnectionStillRekeysAfterwards) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const auto spi = p.alice().connection("site").ike_sas.at(0).children.at(0).spi_in;
    p.alice().reconfigure(p.now(), with_connection(site_config(kAlice, kBob), "other", policy::Start::none),
                          p.network());
    p.soft_expire(p.alice(), spi);
    p.run();
    const auto child = p.alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_NE(child.spi_in, spi);
    EXPECT_EQ(child.name, "net");
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(Reconfigure, AddedConnectionWithStartNoneJustAppears) {
    Pair p = make_pair();
    p.alice().reconfigure(p.now(), with_connection(site_config(kAlice, kBob), "other", policy::Start::none),
                          p.network());
    EXPECT_EQ(p.network().sent(), 0u);
    EXPECT_EQ(p.alice().connection("other").state, ConnectionState::down);
    EXPECT_EQ(p.alice().engine().status().size(), 2u);
    EXPECT_TRUE(p.alice().kernel().policies().empty());
}

TEST(Reconfigure, AddedConnectionWithStartUpIsInitiated) {
    Pair p = make_pair();
    p.bob().reconfigure(p.now(), with_connection(site_config(kBob, kAlice), "other", policy::Start::none),
                        p.network());
    p.alice().reconfigure(p.now(), with_connection(site_config(kAlice, kBob), "other", policy::Start::up),
                          p.network());
    p.run();
    // Initiated and established (bob, answering as "site", refuses other's selectors: partial).
    ASSERT_EQ(p.alice().connection("other").ike_sas.size(), 1u);
    EXPECT_EQ(p.alice().connection("other").ike_sas.at(0).state, "established");
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
}

TEST(Reconfigure, RemovedConnectionIsDeletedOnBothSides) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    p.alice().reconfigure(p.now(), policy::Config{}, p.network());
    EXPECT_TRUE(p.alice().kernel().sas().empty());  // at once, not after the peer's answer
    EXPECT_TRUE(p.alice().kernel().policies().empty());
    p.run();
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.bob().kernel().sas().empty());
    EXPECT_TRUE(p.alice().engine().status().empty());
    EXPECT_FALSE(p.alice().engine().next_wakeup());
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(Reconfigure, ChangedConnectionComesBackWithTheNewSettings) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const auto old_spi = p.alice().connection("site").ike_sas.at(0).local_spi;
    auto next = site_config(kAlice, kBob);
    next.connections.front().children.front().lifetime = 600s;
    next.connections.front().children.front().start = policy::Start::up;
    p.alice().reconfigure(p.now(), next, p.network());
    p.run();
    const auto now = p.alice().connection("site");
    ASSERT_EQ(now.ike_sas.size(), 1u);
    EXPECT_NE(now.ike_sas.at(0).local_spi, old_spi);
    EXPECT_EQ(now.state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("site").ike_sas.size(), 1u);
    for (const auto& [id, sa] : p.alice().kernel().sas()) EXPECT_EQ(sa.lifetime.soft_seconds, 600u);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(Reconfigure, AChangedConnectionAnOperatorBroughtUpComesBackUpWithTheNewSettings) {
    Pair p = make_pair();  // start: none
    p.up(p.alice(), "site");
    p.run();
    const auto old_spi = p.alice().connection("site").ike_sas.at(0).local_spi;
    auto next = site_config(kAlice, kBob);
    next.connections.front().ike.dpd = 10s;
    p.alice().reconfigure(p.now(), next, p.network());
    p.run();
    const auto now = p.alice().connection("site");
    EXPECT_EQ(now.state, ConnectionState::up);
    ASSERT_EQ(now.ike_sas.size(), 1u);
    EXPECT_NE(now.ike_sas.at(0).local_spi, old_spi);
    EXPECT_EQ(p.bob().connection("site").ike_sas.size(), 1u);  // the old one deleted
    EXPECT_TRUE(p.alice().logged("changed by the reload while up for the operator: brought up again"));
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(Reconfigure, AReloadThatChangesAStartNoneConnectionAnOperatorBroughtUpKeepsAPolicyForItsTrafficUntilTheNewChildSa) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const PolicyTable up_policies = p.alice().kernel().policies();
    auto next = site_config(kAlice, kBob);
    next.connections.front().ike.dpd = 10s;
    expect_covered_throughout_reload(p, next);
    p.watch([&] { EXPECT_TRUE(covers(p.alice().kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.0.9")); });
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.alice().kernel().policies(), up_policies);  // the same policies, the same reqid
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(Reconfigure, AStartNoneConnectionBroughtUpAgainByAReloadLeavesWithItsChildSaAsBefore) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    auto next = site_config(kAlice, kBob);
    next.connections.front().ike.dpd = 10s;
    p.alice().reconfigure(p.now(), next, p.network());
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    p.down(p.bob(), "site");  // the peer closes it: close_action clear, no guard left behind
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().policies().empty());
}

TEST(Reconfigure, AChangedConnectionAnOperatorTookDownStaysDown) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    p.down(p.alice(), "site");
    p.run();
    const auto sent = p.network().sent();
    auto next = site_config(kAlice, kBob);
    next.connections.front().ike.dpd = 10s;
    p.alice().reconfigure(p.now(), next, p.network());
    p.run();
    EXPECT_EQ(p.network().sent(), sent);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().policies().empty());
}

TEST(Reconfigure, AChangedStartNoneConnectionThePeerBroughtUpStaysDown) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    auto next = site_config(kBob, kAlice);
    next.connections.front().ike.dpd = 10s;
    p.bob().reconfigure(p.now(), next, p.network());
    p.run();
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.bob().kernel().policies().empty());
}

TEST(Reconfigure, NewSecretAppliesToTheNextAuthenticationOnly) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    p.alice().reconfigure(p.now(), site_config(kAlice, kBob, "another secret"), p.network());
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    p.down(p.alice(), "site");
    p.run();
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.alice().connection("site").failure.kind, FailureKind::authentication_failed);
}

// The PSK's key pad (2.15) is kept with the secret after its first AUTH: a reload's new
// secret gets its own.
TEST(Reconfigure, ASecretChangedOnBothSidesAuthenticatesTheNextSa) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    p.alice().reconfigure(p.now(), site_config(kAlice, kBob, "another secret"), p.network());
    p.bob().reconfigure(p.now(), site_config(kBob, kAlice, "another secret"), p.network());
    p.down(p.alice(), "site");
    p.run();
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
}

TEST(Reconfigure, ARemovedSecretAuthenticatesNoLaterSa) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    auto without = site_config(kAlice, kBob);
    without.secrets.clear();
    p.alice().reconfigure(p.now(), without, p.network());
    p.down(p.alice(), "site");
    p.run();
    p.up(p.alice(), "site");
    p.run();
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(p.alice().logged("no PSK for"));
}

TEST(Reconfigure, AReloadThatChangesATrappedConnectionKeepsAPolicyForItsTrafficAtEveryStep) {
    Pair p(site_started(policy::Start::trap), site_config(kBob, kAlice));
    p.alice().start(p.now(), p.network());
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    auto next = site_started(policy::Start::trap);
    next.connections.front().children.front().lifetime = 600s;
    expect_covered_throughout_reload(p, std::move(next));
}

TEST(Reconfigure, AReloadThatChangesAStartUpConnectionKeepsAPolicyForItsTrafficUntilTheNewChildSa) {
    Pair p(site_started(policy::Start::up), site_config(kBob, kAlice));
    p.alice().start(p.now(), p.network());
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    auto next = site_started(policy::Start::up);
    next.connections.front().children.front().lifetime = 600s;
    expect_covered_throughout_reload(p, next);
    p.watch([&] { EXPECT_TRUE(covers(p.alice().kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.0.9")); });
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    for (const auto& [id, sa] : p.alice().kernel().sas()) EXPECT_EQ(sa.lifetime.soft_seconds, 600u);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(Reconfigure, AReloadThatNarrowsAConnectionRemovesOnlyThePoliciesItNoLongerCovers) {
    auto wide = site_started(policy::Start::trap);
    wide.connections.front().children.front().remote_subnets = {*net::Prefix::parse("10.2.0.0/16")};
    Pair p(wide, site_config(kBob, kAlice));
    p.alice().start(p.now(), p.network());
    auto narrow = site_started(policy::Start::trap);
    expect_covered_throughout_reload(p, narrow);
    EXPECT_FALSE(covers(p.alice().kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.1.9"));
    EXPECT_TRUE(covers(p.alice().kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.0.9"));
}

TEST(Reconfigure, ARemovedConnectionLeavesNoPolicy) {
    Pair p(site_started(policy::Start::trap), site_config(kBob, kAlice));
    p.alice().start(p.now(), p.network());
    p.up(p.alice(), "site");
    p.run();
    auto none = site_config(kAlice, kBob);
    none.connections.clear();
    p.alice().reconfigure(p.now(), none, p.network());
    p.run();
    EXPECT_TRUE(p.alice().kernel().policies().empty());
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(Reconfigure, AReloadThatNarrowsAnUpConnectionLeavesNoPolicySendingToAReqidItsNewChildSaDoesNotFill) {
    auto wide = site_started(policy::Start::trap);
    wide.connections.front().children.front().remote_subnets = {*net::Prefix::parse("10.2.0.0/16")};
    auto bob = site_config(kBob, kAlice);
    bob.connections.front().children.front().local_subnets = {*net::Prefix::parse("10.2.0.0/16")};
    Pair p(wide, bob);
    p.alice().start(p.now(), p.network());
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    // Between the old SAs' removal and the deletion of the /16 policies a packet may meet
    // one: the kernel's acquire must be for the reqid the new CHILD SA fills.
    std::set<std::uint32_t> sent_to;
    const PolicyTable before = p.alice().kernel().policies();
    const auto from = p.alice().history().size();
    p.alice().reconfigure(p.now(), site_started(policy::Start::trap), p.network());
    replay_policies(before, effects_since(p.alice(), from), [&](const PolicyTable& table) {
        for (const auto& [id, policy] : table)
            for (const auto& t : policy.templates) sent_to.insert(t.reqid);
    });
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    std::set<std::uint32_t> filled;
    for (const auto& [id, sa] : p.alice().kernel().sas()) filled.insert(sa.reqid);
    EXPECT_EQ(sent_to, filled);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}
