// ike::engine::Engines: both engines behind one interface, each event routed to the engine it
// concerns (ike/engine/engines.hpp). Two peers, each with an IKEv1 connection "site" and an
// IKEv2 connection "lab" to the other (tests/unit/v1/harness.hpp runs Engines in each).
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/v1/harness.hpp"
#include "tests/unit/v2/configs.hpp"

namespace ike::engine::test {
namespace {

using v1::test::Pair;
using namespace std::chrono_literals;

// "site" (version 1, 10.1/10.2) and "lab" (version 2, 10.11/10.12) between alice and bob.
policy::Config both_versions(bool alice) {
    auto config = v1::test::v1_site(alice);
    auto lab = alice ? v2::test::site_config(v2::test::kAlice, v2::test::kBob)
                     : v2::test::site_config(v2::test::kBob, v2::test::kAlice);
    auto& c = lab.connections.front();
    c.name = "lab";
    c.local.subnets = {*net::Prefix::parse(alice ? "10.11.0.0/24" : "10.12.0.0/24")};
    c.remote.subnets = {*net::Prefix::parse(alice ? "10.12.0.0/24" : "10.11.0.0/24")};
    c.children.front().local_subnets = c.local.subnets;
    c.children.front().remote_subnets = c.remote.subnets;
    config.connections.push_back(c);
    return config;
}

// The major version in the header of each datagram a peer sent (RFC 2408 3.1, RFC 7296 3.1).
std::set<int> versions_sent(const v1::test::Peer& p) {
    std::set<int> out;
    for (const auto& d : v1::test::effects<SendDatagram>(p)) out.insert(d.bytes.at(17) >> 4);
    return out;
}

TEST(Engines, AnIkev1AndAnIkev2ConnectionBetweenTheSamePeersComeUpSideBySide) {
    Pair p(both_versions(true), both_versions(false));
    p.up(p.alice(), "site");
    p.up(p.alice(), "lab");
    p.advance(10s);
    const auto site = p.alice().engine().status("site");
    const auto lab = p.alice().engine().status("lab");
    ASSERT_TRUE(site && lab);
    EXPECT_EQ(site->state, ConnectionState::up);
    EXPECT_EQ(lab->state, ConnectionState::up);
    ASSERT_EQ(site->ike_sas.size(), 1u);
    ASSERT_EQ(lab->ike_sas.size(), 1u);
    EXPECT_EQ(site->ike_sas[0].version, 1);
    EXPECT_EQ(lab->ike_sas[0].version, 2);
    EXPECT_EQ(p.bob().engine().status("site")->ike_sas.size(), 1u);
    EXPECT_EQ(p.bob().engine().status("lab")->ike_sas.size(), 1u);
    EXPECT_EQ(versions_sent(p.bob()), (std::set<int>{1, 2}));  // each answered by its engine
    EXPECT_EQ(p.alice().kernel_errors() + p.bob().kernel_errors(), 0u);
}

TEST(Engines, StatusListsEachConnectionOnceFromItsOwnEngine) {
    Pair p(both_versions(true), both_versions(false));
    p.up(p.alice(), "site");
    p.advance(10s);
    const auto all = p.alice().engine().status();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "lab");  // IKEv2's first
    EXPECT_EQ(all[0].state, ConnectionState::down);
    EXPECT_EQ(all[1].name, "site");
    EXPECT_EQ(all[1].state, ConnectionState::up);
    EXPECT_FALSE(p.alice().engine().status("nothing"));
}

TEST(Engines, AnOperatorsDownGoesToTheEngineOfItsConnectionsVersion) {
    Pair p(both_versions(true), both_versions(false));
    p.up(p.alice(), "site");
    p.up(p.alice(), "lab");
    p.advance(10s);
    p.down(p.alice(), "site");
    p.advance(10s);
    EXPECT_EQ(p.alice().engine().status("site")->state, ConnectionState::down);
    EXPECT_EQ(p.alice().engine().status("lab")->state, ConnectionState::up);
    EXPECT_TRUE(p.bob().engine().status("site")->ike_sas.empty());
}

TEST(Engines, AKernelFailureGoesToTheEngineThatAddedTheState) {
    Pair p(both_versions(true), both_versions(false));
    p.up(p.alice(), "site");
    p.up(p.alice(), "lab");
    p.advance(10s);
    const auto cookie = p.alice().engine().status("site")->ike_sas.at(0).local_spi;
    p.alice().handle(p.now(), KernelFailed{"site", cookie, "File exists"}, p.network());
    EXPECT_TRUE(p.alice().logged("kernel: File exists; deleting the ISAKMP SA"));
    EXPECT_TRUE(p.alice().engine().status("site")->ike_sas.empty());
    EXPECT_EQ(p.alice().engine().status("lab")->state, ConnectionState::up);
}

TEST(Engines, AKernelExpiryGoesToTheEngineOfItsReqid) {
    Pair p(both_versions(true), both_versions(false));
    p.up(p.alice(), "site");
    p.up(p.alice(), "lab");
    p.advance(10s);
    const auto site = p.alice().engine().status("site")->ike_sas.at(0).children.at(0);
    p.expire(p.alice(), site.spi_in, v1::kReqidBaseV1, false);  // soft: IKEv1 rekeys by Quick Mode
    p.advance(10s);
    EXPECT_NE(p.alice().engine().status("site")->ike_sas.at(0).children.at(0).spi_out, site.spi_out);
    EXPECT_EQ(p.alice().engine().status("lab")->ike_sas.at(0).children.size(), 1u);
}

}  // namespace
}  // namespace ike::engine::test
