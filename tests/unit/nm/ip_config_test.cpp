#include "dbus/nm/ip_config.hpp"

#include <gtest/gtest.h>

namespace nm {
namespace {

VpnData vpn(const StringMap& data) { return *parse_vpn_data(data); }
net::Prefix prefix(const char* text) { return *net::Prefix::parse(text); }
std::string str(const std::optional<IpConfig>& c) { return c ? c->address.str() : "(none)"; }

std::vector<std::string> routes(const IpConfig& c) {
    std::vector<std::string> out;
    for (const auto& r : c.routes) out.push_back(r.str());
    return out;
}

TEST(HostAddress, IsFirstHostOfASubnet) {
    EXPECT_EQ(host_address_in(prefix("10.1.0.0/24")).str(), "10.1.0.1");
    EXPECT_EQ(host_address_in(prefix("10.1.0.255/32")).str(), "10.1.0.255");
    EXPECT_EQ(host_address_in(prefix("10.1.0.4/31")).str(), "10.1.0.4");
    EXPECT_EQ(host_address_in(prefix("2001:db8::/64")).str(), "2001:db8::1");
}

TEST(IpConfig, InnerAddressIsFirstLocalSubnetsHost) {
    auto ip = build_ip_configs(vpn({{"remote", "r"}, {"local", "192.0.2.1"}, {"local-subnets", "10.1.0.0/24"}}), {});
    EXPECT_EQ(str(ip.v4), "10.1.0.1");
}

TEST(IpConfig, InnerAddressFallsBackToLocalAddress) {
    auto ip = build_ip_configs(vpn({{"remote", "r"}, {"local", "192.0.2.1"}}), {});
    EXPECT_EQ(str(ip.v4), "192.0.2.1");
}

TEST(IpConfig, InnerAddressFallsBackToNegotiatedLocalSelector) {
    Negotiated n{{prefix("198.51.100.7/32")}, {}, net::Address::parse("192.0.2.9")};
    EXPECT_EQ(str(build_ip_configs(vpn({{"remote", "r"}}), n).v4), "198.51.100.7");
}

TEST(IpConfig, InnerAddressFallsBackToIkeLocalAddress) {
    Negotiated n{{}, {}, net::Address::parse("192.0.2.9")};
    EXPECT_EQ(str(build_ip_configs(vpn({{"remote", "r"}}), n).v4), "192.0.2.9");
}

TEST(IpConfig, NoInnerAddressMeansNoConfig) {
    EXPECT_FALSE(build_ip_configs(vpn({{"remote", "r"}}), {}).v4.has_value());
}

TEST(IpConfig, RoutesGoToConfiguredRemoteSubnets) {
    auto ip = build_ip_configs(vpn({{"remote", "r"}, {"local", "192.0.2.1"},
                                    {"remote-subnets", "10.2.0.0/24 10.3.0.0/16"}}), {});
    ASSERT_TRUE(ip.v4);
    EXPECT_EQ(routes(*ip.v4), (std::vector<std::string>{"10.2.0.0/24", "10.3.0.0/16"}));
    EXPECT_TRUE(ip.v4->never_default);
}

TEST(IpConfig, NegotiatedRemoteSelectorsWinOverConfiguredOnes) {
    Negotiated n{{}, {prefix("10.2.0.0/25")}, {}};
    auto ip = build_ip_configs(vpn({{"remote", "r"}, {"local", "192.0.2.1"}, {"remote-subnets", "10.2.0.0/24"}}), n);
    EXPECT_EQ(routes(*ip.v4), std::vector<std::string>{"10.2.0.0/25"});
}

TEST(IpConfig, DefaultRemoteSelectorTakesTheDefaultRoute) {
    auto ip = build_ip_configs(vpn({{"remote", "r"}, {"local", "192.0.2.1"}}), {});
    ASSERT_TRUE(ip.v4);
    EXPECT_FALSE(ip.v4->never_default);
    EXPECT_TRUE(ip.v4->routes.empty());
}

TEST(IpConfig, Ipv6SelectorsGiveIp6Config) {
    auto ip = build_ip_configs(vpn({{"remote", "2001:db8::2"}, {"local-subnets", "2001:db8:1::/64"},
                                    {"remote-subnets", "2001:db8:2::/64"}}), {});
    EXPECT_FALSE(ip.v4.has_value());
    ASSERT_TRUE(ip.v6);
    EXPECT_EQ(ip.v6->address.str(), "2001:db8:1::1");
    EXPECT_EQ(routes(*ip.v6), std::vector<std::string>{"2001:db8:2::/64"});
    EXPECT_TRUE(ip.v6->never_default);
}

TEST(IpConfig, DualStackSelectorsGiveBothConfigs) {
    auto ip = build_ip_configs(vpn({{"remote", "r"}, {"local-subnets", "10.1.0.0/24 2001:db8:1::/64"},
                                    {"remote-subnets", "10.2.0.0/24 ::/0"}}), {});
    ASSERT_TRUE(ip.v4 && ip.v6);
    EXPECT_TRUE(ip.v4->never_default);
    EXPECT_FALSE(ip.v6->never_default);
}


net::Address addr(const char* text) { return *net::Address::parse(text); }

VpnData road_warrior(const char* families = "yes") {
    return vpn({{"remote", "192.0.2.2"}, {"auth", "eap-mschapv2"}, {"eap-id", "carol"}, {"ca", "/ca.pem"},
                {"remote-subnets", "10.2.0.0/24 fd00:2::/64"}, {"virtual-ip", families}});
}

Negotiated given(std::vector<net::Address> vips) {
    Negotiated n{{}, {}, addr("192.0.2.1")};
    n.virtual_ips = std::move(vips);
    n.dns = {addr("10.2.0.53"), addr("fd00:2::53")};
    n.dns_domains = {"corp.example"};
    return n;
}

TEST(IpConfig, TheVirtualIpIsTheInnerAddressAndTheSourceOfTheRoutes) {
    auto ip = build_ip_configs(road_warrior(), given({addr("10.3.0.1")}));
    ASSERT_TRUE(ip.v4);
    EXPECT_EQ(ip.v4->address.str(), "10.3.0.1");
    EXPECT_EQ(routes(*ip.v4), std::vector<std::string>{"10.2.0.0/24"});
    EXPECT_TRUE(ip.v4->never_default);
    EXPECT_FALSE(ip.v6);  // not asked for: the CHILD SA has no IPv6 selector of ours
}

TEST(IpConfig, TheDnsServersOfTheFamilyAndRoutingOnlyDomainsGoWithIt) {
    auto ip = build_ip_configs(road_warrior(), given({addr("10.3.0.1")}));
    ASSERT_TRUE(ip.v4);
    EXPECT_EQ(ip.v4->dns, std::vector{addr("10.2.0.53")});
    EXPECT_EQ(ip.v4->domains, std::vector<std::string>{"~corp.example"});
}

TEST(IpConfig, AFamilyAskedForWithoutAVirtualIpReceivedGetsNoConfig) {
    // The IKE address would not be inside the CHILD SA's selectors.
    auto ip = build_ip_configs(road_warrior("ipv4 ipv6"), given({addr("10.3.0.1")}));
    EXPECT_TRUE(ip.v4);
    EXPECT_FALSE(ip.v6);
    EXPECT_FALSE(build_ip_configs(road_warrior(), given({})).v4);
}

TEST(IpConfig, AnIpv6VirtualIpGetsTheIpv6DnsServer) {
    auto ip = build_ip_configs(road_warrior("ipv6"), given({addr("fd00:3::7")}));
    ASSERT_TRUE(ip.v6);
    EXPECT_EQ(ip.v6->address.str(), "fd00:3::7");
    EXPECT_EQ(ip.v6->dns, std::vector{addr("fd00:2::53")});
    EXPECT_EQ(routes(*ip.v6), std::vector<std::string>{"fd00:2::/64"});
}

}  // namespace
}  // namespace nm
