// Reload as a diff for IKEv1 (DESIGN Part 2, reload): the version 1 connections a reload
// leaves as they were keep their SAs and get no effect; removed ones are taken down as an
// operator's down takes them down; changed ones are taken down and started again with the
// new settings; added ones start as configured; new secrets serve the next Main Mode.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/v1/harness.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/policy_replay.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using namespace std::chrono_literals;

policy::Config up_site(bool alice, const std::string& psk = "shared secret") {
    auto c = v1_site(alice, "aes256-sha256-modp2048", psk);
    if (alice) c.connections[0].children[0].start = policy::Start::up;
    return c;
}

// A second connection "lab" (10.11/10.12) beside "site", between the same peers.
policy::Config with_lab(policy::Config config, bool alice, policy::Start start) {
    auto lab = config.connections.front();
    lab.name = "lab";
    lab.local.subnets = {*net::Prefix::parse(alice ? "10.11.0.0/24" : "10.12.0.0/24")};
    lab.remote.subnets = {*net::Prefix::parse(alice ? "10.12.0.0/24" : "10.11.0.0/24")};
    lab.children[0].local_subnets = lab.local.subnets;
    lab.children[0].remote_subnets = lab.remote.subnets;
    lab.children[0].start = start;
    config.connections.push_back(lab);
    return config;
}

std::size_t policies_of(Peer& peer, const char* subnet) {
    const auto prefix = *net::Prefix::parse(subnet);
    std::size_t n = 0;
    for (const auto& [id, policy] : peer.kernel().policies()) n += policy.selector.src == prefix || policy.selector.dst == prefix;
    return n;
}

policy::Config without_site(policy::Config config) {
    std::erase_if(config.connections, [](const policy::Connection& c) { return c.name == "site"; });
    return config;
}

// Effects other than log lines.
std::size_t acts(const Peer& peer) {
    return std::count_if(peer.history().begin(), peer.history().end(),
                         [](const engine::Effect& e) { return !std::holds_alternative<engine::Log>(e); });
}

// `peer` reloads `next`; its kernel's policies, after each policy change of the reload's
// batch in the daemon's order (through its policy ledger), cover the child's traffic both
// ways (10.1/24 <-> 10.2/24).
void expect_covered_throughout_reload(Pair& p, Peer& peer, policy::Config next) {
    using v2::test::covers;
    unsigned step = 0;
    const auto check = [&] {
        EXPECT_TRUE(covers(peer.kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.0.9")) << "no out policy after step " << step;
        EXPECT_TRUE(covers(peer.kernel().policies(), xfrm::Dir::in, "10.2.0.9", "10.1.0.5")) << "no in policy after step " << step;
        ++step;
    };
    check();
    peer.on_policy_change(check);
    p.reconfigure(peer, std::move(next));
    peer.on_policy_change({});
    EXPECT_EQ(peer.kernel_errors(), 0u);
}

TEST(V1Reconfigure, AnUnchangedConnectionKeepsItsSasAndGetsNoEffect) {
    const auto alice = with_lab(up_site(true), true, policy::Start::trap);
    Pair p(alice, up_site(false));
    p.alice().start(p.now(), p.network());
    p.advance(10s);
    const auto before = p.alice().connection("site");
    ASSERT_EQ(before.state, ConnectionState::up);
    const auto acts_before = acts(p.alice());
    p.reconfigure(p.alice(), alice);
    EXPECT_EQ(acts(p.alice()), acts_before);
    p.advance(10s);
    const auto after = p.alice().connection("site");
    EXPECT_EQ(after.ike_sas.at(0).local_spi, before.ike_sas.at(0).local_spi);
    EXPECT_EQ(after.ike_sas.at(0).children.at(0).spi_in, before.ike_sas.at(0).children.at(0).spi_in);
}

TEST(V1Reconfigure, ARemovedConnectionIsTakenDownWithDeletesAndItsKernelStateGoes) {
    const auto alice = with_lab(up_site(true), true, policy::Start::trap);
    Pair p(alice, up_site(false));
    p.alice().start(p.now(), p.network());
    p.advance(10s);
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    p.reconfigure(p.alice(), without_site(alice));
    p.advance(10s);
    EXPECT_EQ(p.alice().sent(wire::v1::ExchangeType::informational), 2u);  // the ESP SA's Delete, then the ISAKMP SA's
    EXPECT_TRUE(p.bob().logged("the peer deleted the ISAKMP SA"));
    EXPECT_TRUE(p.bob().connection("site").ike_sas.empty());
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_EQ(policies_of(p.alice(), "10.1.0.0/24"), 0u);
    EXPECT_EQ(policies_of(p.alice(), "10.11.0.0/24"), 3u);  // lab's, unchanged
    EXPECT_EQ(p.alice().engine().status("site"), std::nullopt);
    EXPECT_EQ(p.alice().kernel_errors() + p.bob().kernel_errors(), 0u);
}

TEST(V1Reconfigure, AChangedConnectionIsRestartedWithTheNewSettings) {
    Pair p(up_site(true), up_site(false));
    p.alice().start(p.now(), p.network());
    p.advance(10s);
    const auto before = p.alice().connection("site");
    ASSERT_EQ(before.state, ConnectionState::up);
    auto changed = up_site(true);
    v2::test::set_child_proposal(changed, "aes128gcm16");
    p.reconfigure(p.alice(), changed);
    p.advance(10s);
    const auto after = p.alice().connection("site");
    ASSERT_EQ(after.state, ConnectionState::up);
    ASSERT_EQ(after.ike_sas.size(), 1u);
    EXPECT_NE(after.ike_sas[0].local_spi, before.ike_sas.at(0).local_spi);
    EXPECT_EQ(after.ike_sas[0].children.at(0).proposal, "aes128gcm16");
    EXPECT_EQ(p.bob().connection("site").ike_sas.size(), 1u);  // the old one deleted
    EXPECT_EQ(p.alice().kernel_errors() + p.bob().kernel_errors(), 0u);
}

TEST(V1Reconfigure, AReloadThatChangesAStartUpConnectionKeepsAPolicyForItsTrafficUntilTheNewPair) {
    Pair p(up_site(true), up_site(false));
    p.alice().start(p.now(), p.network());
    p.advance(10s);
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    auto changed = up_site(true);
    v2::test::set_child_proposal(changed, "aes128gcm16");
    expect_covered_throughout_reload(p, p.alice(), changed);
    p.watch([&] { EXPECT_TRUE(v2::test::covers(p.alice().kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.0.9")); });
    p.advance(10s);
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).children.at(0).proposal, "aes128gcm16");
    EXPECT_EQ(p.alice().kernel_errors() + p.bob().kernel_errors(), 0u);
}

TEST(V1Reconfigure, AReloadThatChangesATrappedConnectionKeepsAPolicyForItsTrafficAtEveryStep) {
    auto trapped = v1_site(true, "aes256-sha256-modp2048", "shared secret");
    trapped.connections[0].children[0].start = policy::Start::trap;
    Pair p(trapped, up_site(false));
    p.alice().start(p.now(), p.network());
    p.up(p.alice(), "site");
    p.advance(10s);
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    v2::test::set_child_proposal(trapped, "aes128gcm16");
    expect_covered_throughout_reload(p, p.alice(), trapped);
}

TEST(V1Reconfigure, AConnectionMovedToVersion2KeepsAPolicyForItsTrafficAtEveryStep) {
    auto trapped = v1_site(true, "aes256-sha256-modp2048", "shared secret");
    trapped.connections[0].children[0].start = policy::Start::trap;
    Pair p(trapped, up_site(false));
    p.alice().start(p.now(), p.network());
    auto moved = trapped;
    moved.connections[0].version = 2;
    expect_covered_throughout_reload(p, p.alice(), moved);
    EXPECT_TRUE(p.alice().logged("CHILD SA net trapped (3 policies)"));
}

policy::Config start_none_site() { return v1_site(true, "aes256-sha256-modp2048", "shared secret"); }

// alice's "site", `start: none`, brought up by the operator's Up.
void up_for_the_operator(Pair& p) {
    p.alice().start(p.now(), p.network());
    p.up(p.alice(), "site");
    p.advance(10s);
}

policy::Config changed_site() {
    auto changed = start_none_site();
    v2::test::set_child_proposal(changed, "aes128gcm16");
    return changed;
}

TEST(V1Reconfigure, AChangedConnectionAnOperatorBroughtUpComesBackUpWithTheNewSettings) {
    Pair p(start_none_site(), up_site(false));
    up_for_the_operator(p);
    const auto before = p.alice().connection("site");
    ASSERT_EQ(before.state, ConnectionState::up);
    p.reconfigure(p.alice(), changed_site());
    p.advance(10s);
    const auto after = p.alice().connection("site");
    EXPECT_EQ(after.state, ConnectionState::up);
    ASSERT_EQ(after.ike_sas.size(), 1u);
    EXPECT_NE(after.ike_sas[0].local_spi, before.ike_sas.at(0).local_spi);
    EXPECT_EQ(after.ike_sas[0].children.at(0).proposal, "aes128gcm16");
    EXPECT_TRUE(p.alice().logged("changed by the reload while up for the operator: brought up again"));
    EXPECT_EQ(p.alice().kernel_errors() + p.bob().kernel_errors(), 0u);
}

TEST(V1Reconfigure, AReloadThatChangesAStartNoneConnectionAnOperatorBroughtUpKeepsAPolicyForItsTrafficUntilTheNewPair) {
    Pair p(start_none_site(), up_site(false));
    up_for_the_operator(p);
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    expect_covered_throughout_reload(p, p.alice(), changed_site());
    p.watch([&] { EXPECT_TRUE(v2::test::covers(p.alice().kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.0.9")); });
    p.advance(10s);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
}

TEST(V1Reconfigure, AChangedConnectionsNewPairSendsToItsOldReqid) {
    Pair p(start_none_site(), up_site(false));
    up_for_the_operator(p);
    const v2::test::PolicyTable before = p.alice().kernel().policies();
    p.reconfigure(p.alice(), changed_site());
    p.advance(10s);
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.alice().kernel().policies(), before);  // the same policies, the same reqid
    for (const auto& [id, sa] : p.alice().kernel().sas()) EXPECT_EQ(sa.reqid, before.begin()->second.templates.at(0).reqid);
}

TEST(V1Reconfigure, AChangedConnectionAnOperatorTookDownStaysDown) {
    Pair p(start_none_site(), up_site(false));
    up_for_the_operator(p);
    p.down(p.alice(), "site");
    p.advance(10s);
    p.reconfigure(p.alice(), changed_site());
    p.advance(10s);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().policies().empty());
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

// alice's "site" as `start_none_site` at `version`, its child started as `start` says.
policy::Config site_at(int version, policy::Start start) {
    auto c = start_none_site();
    c.connections[0].version = version;
    c.connections[0].children[0].start = start;
    return c;
}

// bob answers alice's "site" in either version: his "site" speaks IKEv1, "site-v2" (the same
// but for its name) IKEv2.
policy::Config bob_in_both_versions() {
    auto c = up_site(false);
    auto v2 = c.connections[0];
    v2.name = "site-v2";
    v2.version = 2;
    c.connections.push_back(std::move(v2));
    return c;
}

// The operator brings up alice's "site" (`version` `from`, child `start`); a reload moves it
// to the other version: its traffic meets a policy at every step of the reload's batch and at
// every moment after, and it comes up again in the other version.
void expect_up_again_in_the_other_version(int from, policy::Start start) {
    Pair p(site_at(from, start), bob_in_both_versions());
    up_for_the_operator(p);
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    ASSERT_EQ(p.alice().connection("site").ike_sas.at(0).version, from);
    const int to = from == 1 ? 2 : 1;
    expect_covered_throughout_reload(p, p.alice(), site_at(to, start));
    p.watch([&] {
        EXPECT_TRUE(v2::test::covers(p.alice().kernel().policies(), xfrm::Dir::out, "10.1.0.5", "10.2.0.9"));
        EXPECT_TRUE(v2::test::covers(p.alice().kernel().policies(), xfrm::Dir::in, "10.2.0.9", "10.1.0.5"));
    });
    p.advance(10s);
    const auto after = p.alice().connection("site");
    EXPECT_EQ(after.state, ConnectionState::up);
    ASSERT_EQ(after.ike_sas.size(), 1u);
    EXPECT_EQ(after.ike_sas[0].version, to);
    EXPECT_EQ(after.ike_sas[0].children.size(), 1u);
    EXPECT_EQ(p.alice().kernel_errors() + p.bob().kernel_errors(), 0u);
}

TEST(V1Reconfigure, AStartNoneConnectionAnOperatorBroughtUpComesBackUpInIkev1WhenMovedToVersion1WithItsTrafficHeld) {
    expect_up_again_in_the_other_version(2, policy::Start::none);
}

TEST(V1Reconfigure, AStartNoneConnectionAnOperatorBroughtUpComesBackUpInIkev2WhenMovedToVersion2WithItsTrafficHeld) {
    expect_up_again_in_the_other_version(1, policy::Start::none);
}

TEST(V1Reconfigure, ATrappedConnectionAnOperatorBroughtUpComesBackUpInIkev1WhenMovedToVersion1WithItsTrafficHeld) {
    expect_up_again_in_the_other_version(2, policy::Start::trap);
}

TEST(V1Reconfigure, ATrappedConnectionAnOperatorBroughtUpComesBackUpInIkev2WhenMovedToVersion2WithItsTrafficHeld) {
    expect_up_again_in_the_other_version(1, policy::Start::trap);
}

TEST(V1Reconfigure, AConnectionAnOperatorTookDownStaysDownWhenMovedToTheOtherVersion) {
    for (const int from : {1, 2}) {
        Pair p(site_at(from, policy::Start::none), bob_in_both_versions());
        up_for_the_operator(p);
        p.down(p.alice(), "site");
        p.advance(10s);
        p.reconfigure(p.alice(), site_at(from == 1 ? 2 : 1, policy::Start::none));
        p.advance(10s);
        EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down) << "from version " << from;
        EXPECT_TRUE(p.alice().kernel().policies().empty()) << "from version " << from;
        EXPECT_TRUE(p.alice().kernel().sas().empty()) << "from version " << from;
    }
}

// Each engine's wishes for the policies are apart (xfrm/policy_ledger.hpp): the one the
// connection left wants none once the reload is through, so none comes back at the down.
TEST(V1Reconfigure, AConnectionMovedToTheOtherVersionLeavesNoPolicyOnceTakenDown) {
    for (const int from : {1, 2}) {
        Pair p(site_at(from, policy::Start::none), bob_in_both_versions());
        up_for_the_operator(p);
        p.reconfigure(p.alice(), site_at(from == 1 ? 2 : 1, policy::Start::none));
        p.advance(10s);
        ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up) << "from version " << from;
        p.down(p.alice(), "site");
        p.advance(10s);
        EXPECT_TRUE(p.alice().kernel().policies().empty()) << "from version " << from;
        EXPECT_TRUE(p.alice().kernel().sas().empty()) << "from version " << from;
        EXPECT_EQ(p.alice().kernel_errors(), 0u) << "from version " << from;
    }
}

TEST(V1Reconfigure, AConnectionOnlyThePeerBroughtUpStaysDownWhenMovedToTheOtherVersion) {
    for (const int from : {1, 2}) {
        auto bob = bob_in_both_versions();
        Pair p(site_at(from, policy::Start::none), bob);
        p.alice().start(p.now(), p.network());
        p.up(p.bob(), from == 1 ? "site" : "site-v2");
        p.advance(10s);
        ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up) << "from version " << from;
        p.reconfigure(p.alice(), site_at(from == 1 ? 2 : 1, policy::Start::none));
        p.advance(10s);
        EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down) << "from version " << from;
        EXPECT_TRUE(p.alice().kernel().policies().empty()) << "from version " << from;
    }
}

TEST(V1Reconfigure, AnAddedConnectionStartsAsConfigured) {
    Pair p(policy::Config{}, up_site(false));
    p.alice().start(p.now(), p.network());
    p.reconfigure(p.alice(), up_site(true));
    p.advance(10s);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
}

TEST(V1Reconfigure, AnAddedTrapConnectionHasItsPoliciesInTheKernelAndNoSa) {
    Pair p(up_site(true), with_lab(up_site(false), false, policy::Start::none));
    p.alice().start(p.now(), p.network());
    p.advance(10s);
    p.reconfigure(p.alice(), with_lab(up_site(true), true, policy::Start::trap));
    p.advance(10s);
    EXPECT_EQ(policies_of(p.alice(), "10.11.0.0/24"), 3u);  // out, in, fwd
    EXPECT_TRUE(p.alice().connection("lab").ike_sas.empty());
    EXPECT_TRUE(p.alice().logged("CHILD SA net trapped"));
}

TEST(V1Reconfigure, NewSecretsServeTheNextMainModeAndLeaveTheSasAlone) {
    Pair p(up_site(true), up_site(false));
    p.alice().start(p.now(), p.network());
    p.advance(10s);
    const auto cookie = p.alice().connection("site").ike_sas.at(0).local_spi;
    p.reconfigure(p.alice(), up_site(true, "a new secret"));
    p.reconfigure(p.bob(), up_site(false, "a new secret"));
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).local_spi, cookie);
    p.down(p.alice(), "site");
    p.advance(10s);
    p.up(p.alice(), "site");
    p.advance(10s);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
}

}  // namespace
}  // namespace ike::v1::test
