#include "dbus/nm/yaml_text.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace nm {
namespace {

// The generated text, read back the way ipsecd reads it.
YAML::Node load(const StringMap& data, const StringMap& secrets = {}) {
    auto vpn = parse_vpn_data(data);
    EXPECT_TRUE(vpn.ok());
    return YAML::Load(connection_yaml(*vpn, "nm-conn", secrets));
}

YAML::Node connection(const YAML::Node& doc) { return doc["connections"]["nm-conn"]; }

std::vector<std::string> strings(const YAML::Node& list) { return list.as<std::vector<std::string>>(); }

TEST(ConnectionYaml, IsTransientOwnedWithOneConnection) {
    auto doc = load({{"remote", "192.0.2.2"}});
    EXPECT_TRUE(doc["transient_owner"].as<bool>());
    EXPECT_EQ(doc["connections"].size(), 1u);
    EXPECT_TRUE(connection(doc).IsMap());
}

TEST(ConnectionYaml, DefaultsGiveTunnelPskToAnyRemoteSubnet) {
    auto c = connection(load({{"remote", "gw.example"}}));
    EXPECT_EQ(c["remote"]["address"].as<std::string>(), "gw.example");
    EXPECT_EQ(c["local"]["auth"].as<std::string>(), "psk");
    EXPECT_EQ(c["remote"]["auth"].as<std::string>(), "psk");
    EXPECT_EQ(strings(c["remote"]["subnets"]), std::vector<std::string>{"0.0.0.0/0"});
    EXPECT_FALSE(c["local"]["address"]);
    EXPECT_FALSE(c["local"]["subnets"]);
    EXPECT_FALSE(c["ike"]);
    EXPECT_EQ(c["children"]["nm"]["mode"].as<std::string>(), "tunnel");
    EXPECT_FALSE(c["children"]["nm"]["proposals"]);
}

// While NM has the VPN active its traffic is protected or dropped, never sent in clear: the
// child is guarded from the start and brought back when the peer closes it.
TEST(ConnectionYaml, ChildFailsClosedUntilNmDeactivates) {
    auto child = connection(load({{"remote", "192.0.2.2"}}))["children"]["nm"];
    EXPECT_EQ(child["start"].as<std::string>(), "up");
    EXPECT_EQ(child["close_action"].as<std::string>(), "restart");
}

TEST(ConnectionYaml, MapsAddressesIdsAndSubnets) {
    auto c = connection(load({{"remote", "192.0.2.2"}, {"local", "192.0.2.1"}, {"local-id", "@a.example"},
                              {"remote-id", "CN=b, O=Example"}, {"local-subnets", "10.1.0.0/24"},
                              {"remote-subnets", "10.2.0.0/24 10.3.0.0/16"}}));
    EXPECT_EQ(c["local"]["address"].as<std::string>(), "192.0.2.1");
    EXPECT_EQ(c["local"]["id"].as<std::string>(), "@a.example");
    EXPECT_EQ(c["remote"]["id"].as<std::string>(), "CN=b, O=Example");
    EXPECT_EQ(strings(c["local"]["subnets"]), std::vector<std::string>{"10.1.0.0/24"});
    EXPECT_EQ(strings(c["remote"]["subnets"]), (std::vector<std::string>{"10.2.0.0/24", "10.3.0.0/16"}));
}

TEST(ConnectionYaml, MapsPubkeyFiles) {
    auto c = connection(load({{"remote", "r"}, {"auth", "pubkey"}, {"cert", "/etc/a.pem"},
                              {"key", "/etc/a.key"}, {"ca", "/etc/ca.pem"}}));
    EXPECT_EQ(c["local"]["auth"].as<std::string>(), "pubkey");
    EXPECT_EQ(c["local"]["cert"].as<std::string>(), "/etc/a.pem");
    EXPECT_EQ(c["local"]["key"].as<std::string>(), "/etc/a.key");
    EXPECT_EQ(c["remote"]["ca"].as<std::string>(), "/etc/ca.pem");
}

TEST(ConnectionYaml, MapsProposalsAndMode) {
    auto c = connection(load({{"remote", "r"}, {"ike-proposals", "aes256gcm16-prfsha256-x25519"},
                              {"esp-proposals", "aes256gcm16 chacha20poly1305"}, {"mode", "transport"}}));
    EXPECT_EQ(strings(c["ike"]["proposals"]), std::vector<std::string>{"aes256gcm16-prfsha256-x25519"});
    EXPECT_EQ(strings(c["children"]["nm"]["proposals"]),
              (std::vector<std::string>{"aes256gcm16", "chacha20poly1305"}));
    EXPECT_EQ(c["children"]["nm"]["mode"].as<std::string>(), "transport");
}

TEST(ConnectionYaml, PskBindsExplicitIds) {
    auto doc = load({{"remote", "192.0.2.2"}, {"local-id", "@a"}, {"remote-id", "@b"}}, {{"psk", "s3cret"}});
    ASSERT_EQ(doc["secrets"].size(), 1u);
    EXPECT_EQ(strings(doc["secrets"][0]["ids"]), (std::vector<std::string>{"@a", "@b"}));
    EXPECT_EQ(doc["secrets"][0]["psk"].as<std::string>(), "s3cret");
}

TEST(ConnectionYaml, PskIdsDefaultToAddresses) {
    auto doc = load({{"remote", "192.0.2.2"}, {"local", "192.0.2.1"}}, {{"psk", "s"}});
    EXPECT_EQ(strings(doc["secrets"][0]["ids"]), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
}

TEST(ConnectionYaml, PskWithoutLocalNamesOnlyThePeer) {
    auto doc = load({{"remote", "gw.example"}}, {{"psk", "s"}});
    EXPECT_EQ(strings(doc["secrets"][0]["ids"]), std::vector<std::string>{"gw.example"});
}

TEST(ConnectionYaml, NoSecretsSectionWithoutPsk) {
    EXPECT_FALSE(load({{"remote", "r"}, {"psk-flags", "4"}})["secrets"]);
}

TEST(ConnectionYaml, KeyPasswordUnlocksTheConnectionsKey) {
    auto doc = load({{"remote", "r"}, {"auth", "pubkey"}, {"cert", "/etc/a.pem"}, {"key", "/etc/a.key"}},
                    {{"key-password", "pass \"phrase\""}});
    ASSERT_EQ(doc["secrets"].size(), 1u);
    EXPECT_EQ(doc["secrets"][0]["key"].as<std::string>(), "/etc/a.key");
    EXPECT_EQ(doc["secrets"][0]["password"].as<std::string>(), "pass \"phrase\"");
    EXPECT_FALSE(doc["secrets"][0]["ids"]);
}

TEST(ConnectionYaml, IgnoresKeyPasswordUnderPskAuth) {
    auto doc = load({{"remote", "r"}, {"key", "/etc/a.key"}}, {{"psk", "s"}, {"key-password", "pw"}});
    ASSERT_EQ(doc["secrets"].size(), 1u);
    EXPECT_TRUE(doc["secrets"][0]["psk"]);
}

TEST(ConnectionYaml, HostileKeyPasswordStaysOneString) {
    const std::string hostile = "x\"\n  - ids: [\"%any\"]\n    psk: weak\n";
    auto doc = load({{"remote", "r"}, {"auth", "pubkey"}, {"cert", "c"}, {"key", "k"}}, {{"key-password", hostile}});
    ASSERT_EQ(doc["secrets"].size(), 1u);
    EXPECT_EQ(doc["secrets"][0]["password"].as<std::string>(), hostile);
}

TEST(ConnectionYaml, HostileRemoteStaysOneString) {
    const std::string hostile = "x\"\n    id: \"@evil\"\n  evil:\n    remote: {address: 1.2.3.4}\n#";
    auto doc = load({{"remote", hostile}});
    EXPECT_EQ(doc["connections"].size(), 1u);
    auto c = connection(doc);
    EXPECT_EQ(c["remote"]["address"].as<std::string>(), hostile);
    EXPECT_FALSE(c["remote"]["id"]);
}

TEST(ConnectionYaml, HostilePskStaysOneString) {
    const std::string hostile = "a\\\"\n  - ids: [\"%any\"]\n    psk: weak\n\t\x01\x7f'{}[]&*!|>%@`";
    auto doc = load({{"remote", "r"}}, {{"psk", hostile}});
    ASSERT_EQ(doc["secrets"].size(), 1u);
    EXPECT_EQ(doc["secrets"][0]["psk"].as<std::string>(), hostile);
}

TEST(ConnectionYaml, HostileIdsAndPathsStayStrings) {
    const std::string hostile = "\"]\ntransient_owner: false\nconnections: {}\n";
    auto doc = load({{"remote", "r"}, {"local-id", hostile}, {"remote-id", hostile}, {"ca", hostile}},
                    {{"psk", "s"}});
    EXPECT_TRUE(doc["transient_owner"].as<bool>());
    EXPECT_EQ(doc["connections"].size(), 1u);
    EXPECT_EQ(connection(doc)["local"]["id"].as<std::string>(), hostile);
    EXPECT_EQ(connection(doc)["remote"]["ca"].as<std::string>(), hostile);
    EXPECT_EQ(strings(doc["secrets"][0]["ids"]), (std::vector<std::string>{hostile, hostile}));
}

TEST(YamlQuote, EscapesQuotesBackslashesAndControls) {
    EXPECT_EQ(yaml_quote("a\"b\\c\nd\x7f"), "\"a\\\"b\\\\c\\x0ad\\x7f\"");
}

TEST(YamlQuote, KeepsUtf8) {
    EXPECT_EQ(YAML::Load(yaml_quote("grüße")).as<std::string>(), "grüße");
}

TEST(ConnectionName, IsNmPrefixPlusUuid) {
    EXPECT_EQ(connection_name("0b4c5d44-3e2f-4c4b-9c1a-1b2f0e0a7c11"), "nm-0b4c5d44-3e2f-4c4b-9c1a-1b2f0e0a7c11");
}

TEST(ConnectionName, ReplacesCharactersIpsecdRejects) {
    EXPECT_EQ(connection_name("a b/c:\"d"), "nm-a_b_c__d");
}


// NM applies the inner address, routes and DNS itself: ipsecd must not (DESIGN `host_config`).
TEST(ConnectionYaml, LeavesTheHostConfigurationToNm) {
    EXPECT_FALSE(connection(load({{"remote", "r"}}))["host_config"].as<bool>());
}

TEST(ConnectionYaml, AnEapRoadWarriorAsksForAVirtualIpWithItsPassword) {
    auto doc = load({{"remote", "192.0.2.2"}, {"remote-id", "@b.lab"}, {"auth", "eap-mschapv2"}, {"eap-id", "carol"},
                     {"ca", "/etc/ca.pem"}, {"virtual-ip", "ipv4 ipv6"}},
                    {{"password", "pä\"ss"}, {"psk", "unused"}});
    auto c = connection(doc);
    EXPECT_EQ(c["local"]["auth"].as<std::string>(), "eap-mschapv2");
    EXPECT_EQ(c["local"]["eap_id"].as<std::string>(), "carol");
    EXPECT_EQ(c["remote"]["auth"].as<std::string>(), "pubkey");
    EXPECT_EQ(c["remote"]["ca"].as<std::string>(), "/etc/ca.pem");
    EXPECT_EQ(strings(c["vips"]), (std::vector<std::string>{"0.0.0.0", "::"}));
    ASSERT_EQ(doc["secrets"].size(), 1u);
    EXPECT_EQ(doc["secrets"][0]["eap_id"].as<std::string>(), "carol");
    EXPECT_EQ(doc["secrets"][0]["password"].as<std::string>(), "pä\"ss");
}

TEST(ConnectionYaml, AnEapRoadWarriorWithoutItsPasswordHasNoSecrets) {
    auto doc = load({{"remote", "r"}, {"auth", "eap-mschapv2"}, {"eap-id", "carol"}, {"ca", "/ca.pem"}});
    EXPECT_FALSE(doc["secrets"]);
    EXPECT_FALSE(connection(doc)["vips"]);
}

}  // namespace
}  // namespace nm
