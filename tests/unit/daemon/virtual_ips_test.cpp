#include "daemon/virtual_ips.hpp"

#include <gtest/gtest.h>

#include "daemon/routes.hpp"
#include "tests/unit/daemon/fake_routing.hpp"
#include "xfrm/memory_routing.hpp"

namespace ipsecd {
namespace {

using test::FakeRouting;
using test::ip;
using test::prefix;

// A road warrior's IKE SA with virtual IP 10.3.0.7 and a CHILD SA 10.3.0.7/32 === 10.1.0.0/24.
ike::engine::IkeSaStatus road_warrior(std::uint64_t spi = 1, const char* vip = "10.3.0.7") {
    ike::engine::IkeSaStatus s;
    s.state = "established";
    s.local_spi = spi;
    s.local = {ip("192.0.2.1"), 4500};
    s.remote = {ip("198.51.100.2"), 4500};
    s.virtual_ips = {ip(vip)};
    s.virtual_ips_received = true;
    ike::engine::ChildStatus c;
    c.name = "net";
    c.mode = xfrm::Mode::tunnel;
    c.local_ts = {net::Prefix::host(ip(vip))};
    c.remote_ts = {prefix("10.1.0.0/24")};
    s.children = {c};
    return s;
}

ike::engine::IkeSaStatus closed(ike::engine::IkeSaStatus s) {
    s.state = "closed";
    return s;
}

const xfrm::InterfaceAddress kVip{ip("10.3.0.7"), 2};

class VirtualIpsTest : public ::testing::Test {
protected:
    FakeRouting kernel;
    Logger log{LogLevel::error, LogTarget::stderr};
    VirtualIps vips{kernel, log};
};

TEST_F(VirtualIpsTest, AReceivedVirtualIpGoesOnTheInterfaceTowardsTheGateway) {
    vips.update("home", road_warrior());
    EXPECT_EQ(kernel.interface_addresses, std::vector{kVip});
}

TEST_F(VirtualIpsTest, TheVirtualIpsAPreviousIpsecdLeftGoAtStartWithTheirRoutes) {
    const xfrm::Route from_vip{prefix("10.1.0.0/24"), Routes::kTable, 2, std::nullopt, ip("10.3.0.7")};
    const xfrm::Route site{prefix("10.9.0.0/24"), Routes::kTable, 2, std::nullopt, ip("10.1.0.1")};
    const xfrm::Route elsewhere{prefix("10.8.0.0/24"), 254, 2, std::nullopt, ip("10.3.0.7")};
    kernel.interface_addresses = {kVip, {ip("fd00:3::7"), 2}};
    kernel.routes = {from_vip, site, elsewhere};
    vips.remove_leftovers(Routes::kTable);
    EXPECT_TRUE(kernel.interface_addresses.empty());
    EXPECT_EQ(kernel.routes, (std::vector{site, elsewhere}));
    vips.update("home", road_warrior());  // the successor's own goes on as usual
    EXPECT_EQ(kernel.interface_addresses, std::vector{kVip});
}

TEST_F(VirtualIpsTest, AnIpv6VirtualIpIsA128OnTheSameInterface) {
    vips.update("home", road_warrior(1, "fd00:3::7"));
    EXPECT_EQ(kernel.interface_addresses, (std::vector<xfrm::InterfaceAddress>{{ip("fd00:3::7"), 2}}));
}

TEST_F(VirtualIpsTest, AGatewaysLeasesStayOffTheHost) {
    auto gateway = road_warrior();
    gateway.virtual_ips_received = false;
    vips.update("rw", gateway);
    EXPECT_TRUE(kernel.interface_addresses.empty());
}

TEST_F(VirtualIpsTest, WithoutHostConfigTheVirtualIpIsLeftToAnotherProgram) {
    auto sa = road_warrior();
    sa.host_config = false;
    vips.update("nm", sa);
    EXPECT_TRUE(kernel.interface_addresses.empty());
    EXPECT_FALSE(vips.link_of("nm", sa.local_spi));
}

TEST_F(VirtualIpsTest, TheClosedIkeSaTakesItsVirtualIpOff) {
    vips.update("home", road_warrior());
    vips.update("home", closed(road_warrior()));
    EXPECT_TRUE(kernel.interface_addresses.empty());
    EXPECT_EQ(kernel.addresses, (std::vector{ip("192.0.2.1"), ip("10.1.0.1")}));
}

TEST_F(VirtualIpsTest, ARepeatedStateAddsItOnce) {
    vips.update("home", road_warrior());
    vips.update("home", road_warrior());
    EXPECT_EQ(kernel.interface_addresses, std::vector{kVip});
}

TEST_F(VirtualIpsTest, ARekeyedSuccessorKeepsItUntilItGoesToo) {
    // An IKE rekey: the new IKE SA inherits the virtual IP before the old one closes.
    vips.update("home", road_warrior(1));
    vips.update("home", road_warrior(2));
    vips.update("home", closed(road_warrior(1)));
    EXPECT_EQ(kernel.interface_addresses, std::vector{kVip});
    vips.update("home", closed(road_warrior(2)));
    EXPECT_TRUE(kernel.interface_addresses.empty());
}

TEST_F(VirtualIpsTest, AnAddressTheHostHadIsUsedAndLeftThere) {
    kernel.interface_addresses.push_back(kVip);
    vips.update("home", road_warrior());
    vips.update("home", closed(road_warrior()));
    EXPECT_EQ(kernel.interface_addresses, std::vector{kVip});
}

TEST_F(VirtualIpsTest, OneGoneWithItsInterfaceIsForgotten) {
    vips.update("home", road_warrior());
    kernel.interface_addresses.clear();
    vips.update("home", closed(road_warrior()));
    vips.update("home", road_warrior(2));
    EXPECT_EQ(kernel.interface_addresses, std::vector{kVip});
}

TEST_F(VirtualIpsTest, WithoutARouteToTheGatewayItIsAddedOnTheNextState) {
    kernel.path = base::fail("no route", ENETUNREACH);
    vips.update("home", road_warrior());
    EXPECT_TRUE(kernel.interface_addresses.empty());
    kernel.path = xfrm::Path{2, ip("192.0.2.254"), ip("192.0.2.1")};
    vips.update("home", road_warrior());
    EXPECT_EQ(kernel.interface_addresses, std::vector{kVip});
}

TEST_F(VirtualIpsTest, StopTakesEveryVirtualIpOff) {
    vips.update("home", road_warrior(1));
    vips.update("other", road_warrior(2, "10.4.0.9"));
    vips.stop();
    EXPECT_TRUE(kernel.interface_addresses.empty());
}

// Routes planned once the virtual IP is on the host (Daemon's order) take it as source.
TEST_F(VirtualIpsTest, TheTunnelsRoutesUseTheVirtualIpAsSource) {
    Routes routes{kernel, log};
    vips.update("home", road_warrior());
    routes.update("home", road_warrior());
    ASSERT_EQ(kernel.routes.size(), 1u);
    EXPECT_EQ(kernel.routes[0].destination, prefix("10.1.0.0/24"));
    EXPECT_EQ(kernel.routes[0].source, ip("10.3.0.7"));
}

// ipsecd --kernel memory: the virtual IP stays in memory, and counts as the host's address.
TEST(MemoryRoutingVirtualIps, KeepsTheVirtualIpOffTheHost) {
    FakeRouting host;
    xfrm::MemoryRouting memory(host);
    Logger log{LogLevel::error, LogTarget::stderr};
    VirtualIps vips{memory, log};
    vips.update("home", road_warrior());
    EXPECT_EQ(memory.addresses(), std::vector{kVip});
    EXPECT_TRUE(host.interface_addresses.empty());
    auto local = memory.local_addresses();
    ASSERT_TRUE(local.ok());
    EXPECT_EQ(local->back(), ip("10.3.0.7"));
    vips.stop();
    EXPECT_TRUE(memory.addresses().empty());
}

}  // namespace
}  // namespace ipsecd
