// Remote access (RFC 7296 2.19, 3.15): alice is a gateway leasing addresses from a pool on a
// `%any` connection, bob a road warrior asking for an IPv4 virtual IP.
#include <gtest/gtest.h>

#include <algorithm>

#include "ike/engine/removal_order.hpp"
#include "ike/v2/traffic_selectors.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

std::vector<std::string> texts(const std::vector<net::Address>& v) {
    std::vector<std::string> out;
    for (const auto& a : v) out.push_back(a.str());
    return out;
}

struct Connected : Pair {
    explicit Connected(policy::Config gw = remote_access_gateway()) : Pair(std::move(gw), remote_access_road_warrior()) {
        up(bob(), "site");
        run();
    }
};

TEST(RemoteAccess, TheRoadWarriorGetsAnAddressFromThePool) {
    Connected p;
    const auto bob = p.bob().connection("site");
    ASSERT_EQ(bob.state, ConnectionState::up);
    EXPECT_EQ(texts(bob.ike_sas.at(0).virtual_ips), std::vector<std::string>{"10.3.0.1"});
    EXPECT_EQ(texts(p.alice().connection("site").ike_sas.at(0).virtual_ips), std::vector<std::string>{"10.3.0.1"});
}

// The daemon puts on the host only the addresses received (DESIGN Part 2, `vips`).
TEST(RemoteAccess, OnlyTheRoadWarriorsStatusMarksItsVirtualIpsAsReceived) {
    Connected p;
    EXPECT_TRUE(p.bob().connection("site").ike_sas.at(0).virtual_ips_received);
    EXPECT_FALSE(p.alice().connection("site").ike_sas.at(0).virtual_ips_received);
}

// host_config: false tells the daemon to leave the host to another program (NetworkManager).
TEST(RemoteAccess, TheStatusCarriesTheConnectionsHostConfig) {
    auto rw = remote_access_road_warrior();
    rw.connections[0].host_config = false;
    Pair p(remote_access_gateway(), std::move(rw));
    p.up(p.bob(), "site");
    p.run();
    ASSERT_EQ(p.bob().connection("site").state, ConnectionState::up);
    EXPECT_FALSE(p.bob().connection("site").ike_sas.at(0).host_config);
    EXPECT_TRUE(p.alice().connection("site").ike_sas.at(0).host_config);
}

TEST(RemoteAccess, TheGatewayNarrowsTheRemoteSelectorToTheLease) {
    Connected p;
    const auto gw = p.alice().connection("site");
    const auto& child = gw.ike_sas.at(0).children.at(0);
    EXPECT_EQ(describe(child.remote_ts), "10.3.0.1/32");
    EXPECT_EQ(describe(child.local_ts), "10.1.0.0/24");
}

TEST(RemoteAccess, TheRoadWarriorUsesItsVirtualIpAsLocalSelector) {
    Connected p;
    const auto rw = p.bob().connection("site");
    const auto& child = rw.ike_sas.at(0).children.at(0);
    EXPECT_EQ(describe(child.local_ts), "10.3.0.1/32");
    EXPECT_EQ(describe(child.remote_ts), "10.1.0.0/24");
}

TEST(RemoteAccess, TheGatewayHandsOutDnsServersAndDomains) {
    Connected p;
    EXPECT_TRUE(p.alice().logged("leased virtual IP 10.3.0.1 to @bob.example"));
    EXPECT_TRUE(p.bob().logged("virtual IP 10.3.0.1 assigned by the peer (DNS 10.1.0.53, domains corp.example)"));
}

TEST(RemoteAccess, BothStatusesShowTheDnsServersAndDomainsOfTheLease) {
    Connected p;
    for (auto* side : {&p.alice(), &p.bob()}) {
        const auto site = side->connection("site");
        const auto& sa = site.ike_sas.at(0);
        EXPECT_EQ(texts(sa.dns), std::vector<std::string>{"10.1.0.53"});
        EXPECT_EQ(sa.dns_domains, std::vector<std::string>{"corp.example"});
    }
}

TEST(RemoteAccess, ALeaseIsListedWhileItsIkeSaLives) {
    Connected p;
    const auto leases = p.alice().engine().leases();
    ASSERT_EQ(leases.size(), 1u);
    EXPECT_EQ(leases[0].pool, "office");
    EXPECT_EQ(leases[0].identity, "@bob.example");
    EXPECT_TRUE(leases[0].online);
    p.down(p.bob(), "site");
    p.run();
    ASSERT_EQ(p.alice().engine().leases().size(), 1u);
    EXPECT_FALSE(p.alice().engine().leases()[0].online);
}

// The gateway deletes the road warrior's IKE SA (the lab's rw-ipsecd-gets-vip-charon): in
// the order the daemon applies its effects, the road warrior publishes the IKE SA closed
// (its route from the virtual IP and the virtual IP come down) before any policy of the
// virtual IP leaves the kernel (removal_order.hpp).
TEST(RemoteAccess, TheRoadWarriorsVirtualIpRoutesGoBeforeItsPoliciesWhenTheGatewayDeletesTheIkeSa) {
    Connected p;
    const auto before = p.bob().history().size();
    p.down(p.alice(), "site");
    p.run();
    const auto& h = p.bob().history();
    const auto ordered = removals_after_published_state(Effects(h.begin() + static_cast<long>(before), h.end()));
    const auto vip = *net::Prefix::parse("10.3.0.1/32");
    const auto first_removal = std::find_if(ordered.begin(), ordered.end(), [&](const Effect& e) {
        const auto* d = std::get_if<DeletePolicy>(&e);
        return d && (d->id.selector.src == vip || d->id.selector.dst == vip);
    });
    const auto closing = std::find_if(ordered.begin(), ordered.end(), [](const Effect& e) {
        const auto* s = std::get_if<StatePublished>(&e);
        return s && s->ike_sa.state == "closed";
    });
    ASSERT_NE(first_removal, ordered.end());
    ASSERT_NE(closing, ordered.end());
    EXPECT_LT(closing - ordered.begin(), first_removal - ordered.begin());
}

TEST(RemoteAccess, AnExhaustedPoolRefusesWithInternalAddressFailure) {
    Connected p(remote_access_gateway("10.3.0.1", "10.3.0.1"));
    p.bob().restart(remote_access_road_warrior());  // another identity would do as well: the one lease is held
    auto other = remote_access_road_warrior();
    other.connections[0].local.id = *policy::Identity::parse("@carol.example");
    other.secrets[0].ids = {*policy::Identity::parse("@carol.example"), *policy::Identity::parse(kAlice.id)};
    p.bob().restart(other);
    p.up(p.bob(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("no address left for @carol.example in pools office: INTERNAL_ADDRESS_FAILURE"));
    const auto carol = p.bob().connection("site");
    EXPECT_EQ(carol.failure.notify, wire::notify::internal_address_failure);
    EXPECT_TRUE(carol.ike_sas.empty() || carol.ike_sas[0].children.empty());
}

TEST(RemoteAccess, AReconnectingIdentityReplacesItsIkeSaAndKeepsItsAddress) {
    auto gw_config = remote_access_gateway();
    gw_config.connections[0].ike.dpd = policy::Seconds{0};  // the gateway would not notice the sleep
    Connected p(gw_config);
    // The laptop goes to sleep: its Delete never reaches the gateway, which keeps the IKE SA.
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{0u}; });
    p.down(p.bob(), "site");
    p.advance(Duration{200000});  // its retransmissions give up
    p.network().set_rule({});
    ASSERT_EQ(p.bob().connection("site").state, ConnectionState::down);
    ASSERT_EQ(p.alice().connection("site").ike_sas.size(), 1u);
    p.up(p.bob(), "site");  // back, without INITIAL_CONTACT (the gateway was contacted before)
    p.run();
    EXPECT_TRUE(p.alice().logged("deleted: the peer @bob.example connected again"));
    const auto gw = p.alice().connection("site");
    ASSERT_EQ(gw.ike_sas.size(), 1u);
    EXPECT_EQ(texts(gw.ike_sas[0].virtual_ips), std::vector<std::string>{"10.3.0.1"});
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
}

TEST(RemoteAccess, AReleasedLeaseComesBackToItsIdentity) {
    Connected p;
    p.down(p.bob(), "site");
    p.run();
    p.up(p.bob(), "site");
    p.run();
    EXPECT_EQ(texts(p.bob().connection("site").ike_sas.at(0).virtual_ips), std::vector<std::string>{"10.3.0.1"});
}

TEST(RemoteAccess, ARoadWarriorThatAsksForNoAddressIsRefused) {
    auto rw = remote_access_road_warrior();
    rw.connections[0].vips.clear();
    Pair p(remote_access_gateway(), rw);
    p.up(p.bob(), "site");
    p.run();
    EXPECT_EQ(p.bob().connection("site").failure.notify, wire::notify::failed_cp_required);
}

}  // namespace
