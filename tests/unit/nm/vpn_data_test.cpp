#include "dbus/nm/vpn_data.hpp"

#include <gtest/gtest.h>

namespace nm {
namespace {

VpnData parse_ok(const StringMap& data) {
    auto v = parse_vpn_data(data);
    EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message);
    return v.ok() ? *v : VpnData{};
}

std::string parse_error(const StringMap& data) {
    auto v = parse_vpn_data(data);
    return v.ok() ? "(accepted)" : v.error().message;
}

TEST(VpnData, RequiresRemote) {
    EXPECT_EQ(parse_error({}), "vpn.data remote: the peer address is required");
}

TEST(VpnData, DefaultsToPskTunnelAndRemoteAnySubnet) {
    auto v = parse_ok({{"remote", "gw.example"}});
    EXPECT_EQ(v.remote, "gw.example");
    EXPECT_EQ(v.auth, Auth::psk);
    EXPECT_EQ(v.mode, Mode::tunnel);
    EXPECT_FALSE(v.local.has_value());
    EXPECT_TRUE(v.local_subnets.empty());
    ASSERT_EQ(v.remote_subnets.size(), 1u);
    EXPECT_EQ(v.remote_subnets[0].str(), "0.0.0.0/0");
    EXPECT_TRUE(v.ike_proposals.empty());
    EXPECT_TRUE(v.esp_proposals.empty());
}

TEST(VpnData, ReadsEveryKey) {
    auto v = parse_ok({{"remote", "192.0.2.2"}, {"local", "192.0.2.1"}, {"local-id", "@a"},
                       {"remote-id", "@b"}, {"auth", "pubkey"}, {"cert", "/c.pem"},
                       {"key", "/k.pem"}, {"ca", "/ca.pem"},
                       {"local-subnets", "10.1.0.0/24 2001:db8:1::/48"},
                       {"remote-subnets", "10.2.0.0/24  10.3.0.0/16"},
                       {"ike-proposals", "aes256gcm16-prfsha256-x25519 aes128-sha256-ecp256"},
                       {"esp-proposals", "aes256gcm16"}, {"mode", "transport"}});
    ASSERT_TRUE(v.local.has_value());
    EXPECT_EQ(v.local->str(), "192.0.2.1");
    EXPECT_EQ(v.local_id, "@a");
    EXPECT_EQ(v.remote_id, "@b");
    EXPECT_EQ(v.auth, Auth::pubkey);
    EXPECT_EQ(v.cert, "/c.pem");
    EXPECT_EQ(v.key, "/k.pem");
    EXPECT_EQ(v.ca, "/ca.pem");
    ASSERT_EQ(v.local_subnets.size(), 2u);
    EXPECT_EQ(v.local_subnets[1].str(), "2001:db8:1::/48");
    ASSERT_EQ(v.remote_subnets.size(), 2u);
    EXPECT_EQ(v.remote_subnets[1].str(), "10.3.0.0/16");
    EXPECT_EQ(v.ike_proposals, (std::vector<std::string>{"aes256gcm16-prfsha256-x25519",
                                                          "aes128-sha256-ecp256"}));
    EXPECT_EQ(v.esp_proposals, std::vector<std::string>{"aes256gcm16"});
    EXPECT_EQ(v.mode, Mode::transport);
}

TEST(VpnData, IgnoresNmFlagsKeys) {
    auto v = parse_ok({{"remote", "192.0.2.2"}, {"psk-flags", "1"}});
    EXPECT_EQ(v.remote, "192.0.2.2");
}

TEST(VpnData, RejectsLocalThatIsNotAnAddress) {
    EXPECT_EQ(parse_error({{"remote", "r"}, {"local", "host.example"}}),
              "vpn.data local: 'host.example' is not an IP address");
}

TEST(VpnData, RejectsUnknownAuth) {
    EXPECT_EQ(parse_error({{"remote", "r"}, {"auth", "eap"}}),
              "vpn.data auth: 'eap' is not psk, pubkey or eap-mschapv2");
}

TEST(VpnData, PubkeyNeedsCertAndKey) {
    EXPECT_EQ(parse_error({{"remote", "r"}, {"auth", "pubkey"}, {"cert", "/c.pem"}}),
              "vpn.data auth pubkey: cert and key are required");
}

TEST(VpnData, RejectsUnknownMode) {
    EXPECT_EQ(parse_error({{"remote", "r"}, {"mode", "beet"}}),
              "vpn.data mode: 'beet' is neither tunnel nor transport");
}

TEST(VpnData, RejectsSubnetWithHostBits) {
    EXPECT_EQ(parse_error({{"remote", "r"}, {"remote-subnets", "10.2.0.1/24"}}),
              "vpn.data remote-subnets: '10.2.0.1/24' is not a CIDR subnet");
}

TEST(VpnData, RejectsProposalWithYamlSyntax) {
    EXPECT_EQ(parse_error({{"remote", "r"}, {"esp-proposals", "aes]"}}),
              "vpn.data esp-proposals: 'aes]' is not a proposal");
}

TEST(SplitWords, SplitsOnSpacesTabsAndCommas) {
    EXPECT_EQ(split_words(" a\tb,c  d "), (std::vector<std::string>{"a", "b", "c", "d"}));
}


const StringMap kEap = {{"remote", "vpn.example"}, {"auth", "eap-mschapv2"}, {"eap-id", "carol"}, {"ca", "/ca.pem"}};

StringMap with(StringMap data, const std::string& key, const std::string& value) {
    data[key] = value;
    return data;
}

TEST(VpnData, ReadsAnEapMschapv2RoadWarrior) {
    auto v = parse_ok(with(kEap, "virtual-ip", "yes"));
    EXPECT_EQ(v.auth, Auth::eap_mschapv2);
    EXPECT_EQ(v.eap_id, "carol");
    EXPECT_EQ(v.ca, "/ca.pem");
    EXPECT_EQ(v.virtual_ips, std::vector<net::Family>{net::Family::v4});
}

TEST(VpnData, EapMschapv2NeedsItsEapIdAndTheGatewaysCa) {
    StringMap no_id = kEap, no_ca = kEap;
    no_id.erase("eap-id");
    no_ca.erase("ca");
    EXPECT_EQ(parse_error(no_id), "vpn.data auth eap-mschapv2: eap-id is required");
    EXPECT_EQ(parse_error(no_ca), "vpn.data auth eap-mschapv2: ca (the gateway's trust anchor) is required");
}

TEST(VpnData, EapMschapv2TakesNoCertificateOfOurs) {
    EXPECT_EQ(parse_error(with(kEap, "cert", "/c.pem")),
              "vpn.data auth eap-mschapv2: cert and key are not used (the password authenticates us)");
}

TEST(VpnData, VirtualIpNamesTheFamiliesAskedFor) {
    EXPECT_TRUE(parse_ok(kEap).virtual_ips.empty());
    EXPECT_TRUE(parse_ok(with(kEap, "virtual-ip", "no")).virtual_ips.empty());
    EXPECT_EQ(parse_ok(with(kEap, "virtual-ip", "ipv6")).virtual_ips, std::vector<net::Family>{net::Family::v6});
    EXPECT_EQ(parse_ok(with(kEap, "virtual-ip", "ipv4 ipv6 yes")).virtual_ips,
              (std::vector<net::Family>{net::Family::v4, net::Family::v6}));
}

TEST(VpnData, RejectsAnUnknownVirtualIpWord) {
    EXPECT_EQ(parse_error(with(kEap, "virtual-ip", "true")),
              "vpn.data virtual-ip: 'true' is not yes, no, ipv4 or ipv6");
}

TEST(VpnData, AVirtualIpExcludesLocalSubnets) {
    EXPECT_EQ(parse_error(with(with(kEap, "virtual-ip", "yes"), "local-subnets", "10.1.0.0/24")),
              "vpn.data virtual-ip: the inner address is the virtual IP; local-subnets cannot be set too");
}

}  // namespace
}  // namespace nm
