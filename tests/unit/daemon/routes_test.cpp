#include "daemon/routes.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "tests/unit/daemon/fake_routing.hpp"
#include "xfrm/memory_routing.hpp"

namespace ipsecd {
namespace {

using test::FakeRouting;
using test::ip;
using test::prefix;

ike::engine::ChildStatus child(const char* local_ts, const char* remote_ts, xfrm::Mode mode = xfrm::Mode::tunnel) {
    ike::engine::ChildStatus c;
    c.name = "net";
    c.mode = mode;
    c.local_ts = {prefix(local_ts)};
    c.remote_ts = {prefix(remote_ts)};
    return c;
}

ike::engine::IkeSaStatus ike_sa(std::vector<ike::engine::ChildStatus> children, std::uint64_t spi = 1) {
    ike::engine::IkeSaStatus s;
    s.state = "established";
    s.local_spi = spi;
    s.local = {ip("192.0.2.1"), 500};
    s.remote = {ip("198.51.100.2"), 500};
    s.children = std::move(children);
    return s;
}

const xfrm::Path kPath{2, ip("192.0.2.254"), ip("192.0.2.1")};
const std::vector<net::Address> kAddresses{ip("192.0.2.1"), ip("10.1.0.1")};

xfrm::Route expected(const char* dst, std::optional<net::Address> src) {
    return {prefix(dst), 220, 2, ip("192.0.2.254"), src};
}

TEST(PlanRoutes, RoutesEachRemoteSelectorViaThePeersGatewayWithASourceInTheLocalSelector) {
    auto sa = ike_sa({child("10.1.0.0/24", "10.2.0.0/24")});
    sa.children[0].remote_ts.push_back(prefix("10.3.0.0/16"));
    EXPECT_EQ(plan_routes(sa, kPath, kAddresses, 220),
              (std::vector{expected("10.2.0.0/24", ip("10.1.0.1")), expected("10.3.0.0/16", ip("10.1.0.1"))}));
}

TEST(PlanRoutes, PrefersTheIkeAddressAsSourceWhenInsideTheLocalSelector) {
    auto sa = ike_sa({child("192.0.2.0/24", "10.2.0.0/24")});
    EXPECT_EQ(plan_routes(sa, kPath, {ip("192.0.2.7"), ip("192.0.2.1")}, 220),
              std::vector{expected("10.2.0.0/24", ip("192.0.2.1"))});
}

TEST(PlanRoutes, NoSourceWhenNoLocalAddressIsInsideTheLocalSelector) {
    auto sa = ike_sa({child("10.9.0.0/24", "10.2.0.0/24")});
    EXPECT_EQ(plan_routes(sa, kPath, kAddresses, 220), std::vector{expected("10.2.0.0/24", std::nullopt)});
}

TEST(PlanRoutes, NoGatewayWhenThePeerIsOnTheLink) {
    auto sa = ike_sa({child("10.1.0.0/24", "10.2.0.0/24")});
    auto routes = plan_routes(sa, {2, std::nullopt, std::nullopt}, kAddresses, 220);
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_FALSE(routes[0].gateway);
}

TEST(PlanRoutes, SkipsARemoteSelectorContainingThePeer) {
    auto sa = ike_sa({child("10.1.0.0/24", "0.0.0.0/0")});
    EXPECT_TRUE(plan_routes(sa, kPath, kAddresses, 220).empty());
}

TEST(PlanRoutes, SkipsTransportMode) {
    auto sa = ike_sa({child("192.0.2.1/32", "198.51.100.2/32", xfrm::Mode::transport),
                      child("10.1.0.0/24", "10.2.0.0/24", xfrm::Mode::transport)});
    EXPECT_TRUE(plan_routes(sa, kPath, kAddresses, 220).empty());
}

TEST(PlanRoutes, Ipv6SelectorOverIpv4IkeHasNoGatewayAndAnIpv6Source) {
    auto sa = ike_sa({child("fd00:1::/64", "fd00:2::/64")});
    auto routes = plan_routes(sa, kPath, {ip("192.0.2.1"), ip("fd00:1::1")}, 220);
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_FALSE(routes[0].gateway);
    EXPECT_EQ(routes[0].source, ip("fd00:1::1"));
}

TEST(PlanRoutes, OneRoutePerDestination) {
    auto sa = ike_sa({child("10.1.0.0/24", "10.2.0.0/24"), child("10.1.0.0/24", "10.2.0.0/24")});
    EXPECT_EQ(plan_routes(sa, kPath, kAddresses, 220).size(), 1u);
}

class RoutesTest : public ::testing::Test {
protected:
    FakeRouting kernel;
    Logger log{LogLevel::error, LogTarget::stderr};
    Routes routes{kernel, log};
};

TEST_F(RoutesTest, StartAddsTheRuleForBothFamiliesAndStopRemovesThem) {
    routes.start();
    EXPECT_EQ(kernel.rules, (std::vector<xfrm::Rule>{{net::Family::v4, 220, 220}, {net::Family::v6, 220, 220}}));
    routes.stop();
    EXPECT_TRUE(kernel.rules.empty());
}

TEST_F(RoutesTest, ARuleThatWasThereBeforeStays) {
    kernel.rules.push_back({net::Family::v4, 220, 220});
    routes.start();
    routes.stop();
    EXPECT_EQ(kernel.rules, (std::vector<xfrm::Rule>{{net::Family::v4, 220, 220}}));
}

TEST_F(RoutesTest, RouteComesWithTheChildSaAndGoesWithIt) {
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}));
    EXPECT_EQ(kernel.routes, std::vector{expected("10.2.0.0/24", ip("10.1.0.1"))});
    routes.update("site", ike_sa({}));
    EXPECT_TRUE(kernel.routes.empty());
}

TEST_F(RoutesTest, WithoutHostConfigNoRouteIsAdded) {
    auto sa = ike_sa({child("10.1.0.0/24", "10.2.0.0/24")});
    sa.host_config = false;
    routes.update("nm", sa);
    EXPECT_TRUE(kernel.routes.empty());
}

TEST_F(RoutesTest, ClosedIkeSaRemovesItsRoutes) {
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}));
    auto closed = ike_sa({child("10.1.0.0/24", "10.2.0.0/24")});
    closed.state = "closed";
    routes.update("site", closed);
    EXPECT_TRUE(kernel.routes.empty());
}

TEST_F(RoutesTest, RepeatedStateKeepsOneRoute) {
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}));
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}));
    EXPECT_EQ(kernel.routes.size(), 1u);
}

TEST_F(RoutesTest, SharedDestinationStaysUntilTheLastIkeSaLetsGo) {
    // An IKE rekey: the new IKE SA takes the CHILD SAs over before the old one closes.
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}, 1));
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}, 2));
    routes.update("site", ike_sa({}, 1));
    EXPECT_EQ(kernel.routes.size(), 1u);
    routes.update("site", ike_sa({}, 2));
    EXPECT_TRUE(kernel.routes.empty());
}

TEST_F(RoutesTest, StopRemovesEveryRoute) {
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}, 1));
    routes.update("other", ike_sa({child("10.1.0.0/24", "10.4.0.0/24")}, 2));
    routes.stop();
    EXPECT_TRUE(kernel.routes.empty());
}

TEST_F(RoutesTest, NoRoutesWhenThePeerIsUnreachable) {
    kernel.path = base::fail("no route", ENETUNREACH);
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}));
    EXPECT_TRUE(kernel.routes.empty());
}

// ipsecd --kernel memory: the host answers the lookups, the routes and rules stay in memory.
TEST(MemoryRouting, KeepsRoutesAndRulesOffTheHostAndAsksItTheWay) {
    FakeRouting host;
    xfrm::MemoryRouting memory(host);
    Logger log{LogLevel::error, LogTarget::stderr};
    Routes routes{memory, log};
    routes.start();
    routes.update("site", ike_sa({child("10.1.0.0/24", "10.2.0.0/24")}));
    EXPECT_EQ(memory.routes(), std::vector{expected("10.2.0.0/24", ip("10.1.0.1"))});
    EXPECT_EQ(memory.rules().size(), 2u);
    EXPECT_TRUE(host.routes.empty());
    EXPECT_TRUE(host.rules.empty());
    routes.stop();
    EXPECT_TRUE(memory.routes().empty());
    EXPECT_TRUE(memory.rules().empty());
}

}  // namespace
}  // namespace ipsecd
