// NetlinkRouting against the host's kernel in the private network namespace of
// private_netns.hpp (root needed): only its loopback exists, so routes go via lo.
#include "xfrm/netlink_routing.hpp"

#include <gtest/gtest.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "private_netns.hpp"
#include "samples.hpp"

namespace xfrm {
namespace {

using test::ip;
using test::prefix;

constexpr Rule kRule{net::Family::v4, 220, 220};

class NetlinkRoutingTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(test::private_netns_error(), "");
        auto r = NetlinkRouting::open();
        ASSERT_TRUE(r.ok()) << r.error().message;
        routing = std::move(*r);
        lo = static_cast<int>(if_nametoindex("lo"));
    }
    Route tunnel_route() const { return {prefix("10.2.0.0/24"), 220, lo, std::nullopt, ip("127.0.0.1")}; }

    std::unique_ptr<NetlinkRouting> routing;
    int lo = 0;
};

TEST_F(NetlinkRoutingTest, PathToALocalAddressLeavesByLoopback) {
    auto path = routing->path_to(ip("127.0.0.1"));
    ASSERT_TRUE(path.ok()) << path.error().message;
    EXPECT_EQ(path->interface, lo);
    EXPECT_FALSE(path->gateway);
}

TEST_F(NetlinkRoutingTest, PathToAnUnroutedAddressIsAnError) {
    auto path = routing->path_to(ip("198.51.100.1"));
    ASSERT_FALSE(path.ok());
    EXPECT_EQ(path.error().code, ENETUNREACH);
}

TEST_F(NetlinkRoutingTest, LocalAddressesIncludeLoopback) {
    auto addresses = routing->local_addresses();
    ASSERT_TRUE(addresses.ok()) << addresses.error().message;
    EXPECT_NE(std::find(addresses->begin(), addresses->end(), ip("127.0.0.1")), addresses->end());
}

TEST_F(NetlinkRoutingTest, RouteInTheTableIsFollowedOnceTheRuleIsThere) {
    ASSERT_TRUE(routing->add_route(tunnel_route()).ok());
    EXPECT_FALSE(routing->path_to(ip("10.2.0.9")).ok());  // table 220 not consulted yet
    ASSERT_TRUE(routing->add_rule(kRule).ok());
    auto path = routing->path_to(ip("10.2.0.9"));
    ASSERT_TRUE(path.ok()) << path.error().message;
    EXPECT_EQ(*path, (Path{lo, std::nullopt, ip("127.0.0.1")}));
    EXPECT_TRUE(routing->delete_route(tunnel_route()).ok());
    EXPECT_FALSE(routing->path_to(ip("10.2.0.9")).ok());
    EXPECT_TRUE(routing->delete_rule(kRule).ok());
}

// A route a killed ipsecd left in the table is taken over by its successor.
TEST_F(NetlinkRoutingTest, AddingTheSameRouteTwiceReplacesIt) {
    ASSERT_TRUE(routing->add_route(tunnel_route()).ok());
    auto again = routing->add_route(tunnel_route());
    EXPECT_TRUE(again.ok()) << again.error().message;
    EXPECT_TRUE(routing->delete_route(tunnel_route()).ok());
    EXPECT_FALSE(routing->delete_route(tunnel_route()).ok());  // one route, not two
}

TEST_F(NetlinkRoutingTest, AddingTheSameRuleTwiceIsEexist) {
    ASSERT_TRUE(routing->add_rule(kRule).ok());
    auto again = routing->add_rule(kRule);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, EEXIST);
    EXPECT_TRUE(routing->delete_rule(kRule).ok());
}

TEST_F(NetlinkRoutingTest, DeletingAMissingRouteIsAnErrorNamingIt) {
    auto st = routing->delete_route(tunnel_route());
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("10.2.0.0/24 table 220"), std::string::npos) << st.error().message;
}

// Of each family: the mark (IFA_PROTO, Linux >= 6.1) comes back in the dump, where the
// kernel's own addresses (127.0.0.1, ::1) have none.
TEST_F(NetlinkRoutingTest, AnAddedAddressAndTheRoutesOfTheTableAreFoundAgain) {
    for (auto [vip_text, dst] : {std::pair{"10.3.0.7", "10.1.0.0/24"}, std::pair{"fd00:3::7", "fd00:1::/64"}}) {
        const InterfaceAddress vip{ip(vip_text), lo};
        ASSERT_TRUE(routing->add_address(vip).ok()) << vip_text;
        const Route from_vip{prefix(dst), 220, lo, std::nullopt, ip(vip_text)};
        ASSERT_TRUE(routing->add_route(from_vip).ok()) << dst;
        auto marked = routing->marked_addresses();
        ASSERT_TRUE(marked.ok()) << marked.error().message;
        EXPECT_EQ(*marked, std::vector{vip});
        auto routes = routing->routes_in(220);
        ASSERT_TRUE(routes.ok()) << routes.error().message;
        EXPECT_EQ(*routes, std::vector{from_vip});
        EXPECT_TRUE(routing->delete_route(from_vip).ok());
        EXPECT_TRUE(routing->delete_address(vip).ok());
    }
}

}  // namespace
}  // namespace xfrm
