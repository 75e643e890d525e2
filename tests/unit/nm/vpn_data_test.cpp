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
              "vpn.data auth: 'eap' is neither psk nor pubkey");
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

}  // namespace
}  // namespace nm
