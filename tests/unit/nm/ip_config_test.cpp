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

}  // namespace
}  // namespace nm
