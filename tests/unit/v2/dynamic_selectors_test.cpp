// An end configured without subnets stands for the IKE address it uses (strongSwan's
// `dynamic`, DESIGN Part 2 "Configuration"): the initiator's source address, a %any
// responder's peer, IPv4 and IPv6; the responder narrows what is proposed to it (RFC 7296 2.9).
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

net::Prefix prefix(const char* text) { return *net::Prefix::parse(text); }
using Prefixes = std::vector<net::Prefix>;

// A host-to-host connection as a user writes it: no subnets on either end.
policy::Config host_to_host(const Side& local, const Side& remote) {
    auto c = site_config(local, remote);
    auto& conn = c.connections.front();
    conn.local.subnets.clear();
    conn.remote.subnets.clear();
    conn.children.front().local_subnets.clear();
    conn.children.front().remote_subnets.clear();
    return c;
}

policy::Config without_local_address(policy::Config c) {
    c.connections.front().local.address.reset();
    return c;
}

// A responder for road warriors: remote.address "%any", no remote subnets.
policy::Config road_warrior_gateway(const Side& local, const Side& remote) {
    auto c = host_to_host(local, remote);
    auto& conn = c.connections.front();
    conn.remote.host = "%any";
    conn.remote.address.reset();
    conn.local.subnets = {prefix(local.subnet)};
    conn.children.front().local_subnets = conn.local.subnets;
    return c;
}

EngineOptions source_is(const char* address) {
    EngineOptions o;
    o.source_address = [a = *net::Address::parse(address)](const net::Address&) -> base::Result<net::Address> {
        return a;
    };
    return o;
}

ChildStatus only_child(const Peer& peer) {
    const auto status = peer.connection("site");
    EXPECT_EQ(status.ike_sas.size(), 1u) << peer.name();
    if (status.ike_sas.empty() || status.ike_sas[0].children.size() != 1) {
        ADD_FAILURE() << peer.name() << " has no single CHILD SA";
        return {};
    }
    return status.ike_sas[0].children[0];
}

constexpr Side kAlice6{"2001:db8::1", "@alice.example", "2001:db8:1::/64"};
constexpr Side kBob6{"2001:db8::2", "@bob.example", "2001:db8:2::/64"};

}  // namespace

TEST(DynamicSelectors, HostToHostWithoutSubnetsSelectsBothIkeAddresses) {
    Pair p(host_to_host(kAlice, kBob), host_to_host(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    const auto alice = only_child(p.alice());
    EXPECT_EQ(alice.local_ts, Prefixes{prefix("192.0.2.1/32")});
    EXPECT_EQ(alice.remote_ts, Prefixes{prefix("192.0.2.2/32")});
    const auto bob = only_child(p.bob());
    EXPECT_EQ(bob.local_ts, Prefixes{prefix("192.0.2.2/32")});
    EXPECT_EQ(bob.remote_ts, Prefixes{prefix("192.0.2.1/32")});
}

TEST(DynamicSelectors, InitiatorWithoutLocalAddressProposesTheSourceAddressInUse) {
    Pair p(without_local_address(host_to_host(kAlice, kBob)), host_to_host(kBob, kAlice), source_is(kAlice.address));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(only_child(p.alice()).local_ts, Prefixes{prefix("192.0.2.1/32")});
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);  // out, in, fwd of 192.0.2.1/32 <-> 192.0.2.2/32
}

TEST(DynamicSelectors, ResponderWithoutLocalAddressSelectsTheAddressTheRequestReached) {
    Pair p(host_to_host(kAlice, kBob), without_local_address(host_to_host(kBob, kAlice)));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(only_child(p.bob()).local_ts, Prefixes{prefix("192.0.2.2/32")});
}

TEST(DynamicSelectors, Ipv6HostToHostWithoutSubnetsSelectsBothIkeAddresses) {
    Pair p(without_local_address(host_to_host(kAlice6, kBob6)), without_local_address(host_to_host(kBob6, kAlice6)),
           source_is(kAlice6.address), 1, 2, kAlice6.address, kBob6.address);
    p.up(p.alice(), "site");
    p.run();
    const auto alice = only_child(p.alice());
    EXPECT_EQ(alice.local_ts, Prefixes{prefix("2001:db8::1/128")});
    EXPECT_EQ(alice.remote_ts, Prefixes{prefix("2001:db8::2/128")});
    EXPECT_EQ(only_child(p.bob()).remote_ts, Prefixes{prefix("2001:db8::1/128")});
}

TEST(DynamicSelectors, RoadWarriorGetsItsOwnAddressFromAnyResponder) {
    auto alice = host_to_host(kAlice, kBob);  // the road warrior wants bob's subnet
    alice.connections.front().children.front().remote_subnets = {prefix(kBob.subnet)};
    Pair p(alice, road_warrior_gateway(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    const auto gateway = only_child(p.bob());
    EXPECT_EQ(gateway.remote_ts, Prefixes{prefix("192.0.2.1/32")});
    EXPECT_EQ(gateway.local_ts, Prefixes{prefix("10.2.0.0/24")});
}

TEST(DynamicSelectors, Ipv6RoadWarriorGetsItsOwnAddressFromAnyResponder) {
    auto alice = host_to_host(kAlice6, kBob6);
    alice.connections.front().children.front().remote_subnets = {prefix(kBob6.subnet)};
    Pair p(alice, road_warrior_gateway(kBob6, kAlice6), {}, 1, 2, kAlice6.address, kBob6.address);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(only_child(p.bob()).remote_ts, Prefixes{prefix("2001:db8::1/128")});
    EXPECT_EQ(only_child(p.alice()).local_ts, Prefixes{prefix("2001:db8::1/128")});
}

TEST(DynamicSelectors, RoadWarriorAskingForEverythingIsNarrowedToItsOwnAddress) {
    auto alice = host_to_host(kAlice, kBob);
    alice.connections.front().children.front().local_subnets = {prefix("0.0.0.0/0")};
    alice.connections.front().children.front().remote_subnets = {prefix(kBob.subnet)};
    Pair p(alice, road_warrior_gateway(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(only_child(p.bob()).remote_ts, Prefixes{prefix("192.0.2.1/32")});
    EXPECT_EQ(only_child(p.alice()).local_ts, Prefixes{prefix("192.0.2.1/32")});  // 2.9: the narrowed answer
}

TEST(DynamicSelectors, RoadWarriorClaimingAnotherAddressIsRefused) {
    auto alice = host_to_host(kAlice, kBob);
    alice.connections.front().children.front().local_subnets = {prefix("10.1.0.0/24")};
    Pair p(alice, road_warrior_gateway(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("TS_UNACCEPTABLE"));
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

TEST(DynamicSelectors, TrapWithoutLocalAddressTrapsTheSourceAddressInUse) {
    auto alice = without_local_address(host_to_host(kAlice, kBob));
    alice.connections.front().children.front().start = policy::Start::trap;
    Pair p(alice, host_to_host(kBob, kAlice), source_is(kAlice.address));
    p.alice().start(p.now(), p.network());
    ASSERT_EQ(p.alice().kernel().policies().size(), 3u);
    for (const auto& [id, pol] : p.alice().kernel().policies()) {
        const auto local = pol.dir == xfrm::Dir::out ? pol.selector.src : pol.selector.dst;
        EXPECT_EQ(local, prefix("192.0.2.1/32"));
    }
}
