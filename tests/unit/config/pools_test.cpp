// Address pools and virtual IPs (DESIGN.md Part 2, "Remote access"): what --check accepts
// and each mistake at its FILE:LINE:COLUMN.
#include <gtest/gtest.h>

#include "daemon/config/loader.hpp"
#include "temp_dir.hpp"

namespace ipsecd::config {
namespace {

using test_support::TempDir;

std::vector<std::string> problems(const Loaded& l, const TempDir& dir) {
    std::vector<std::string> out;
    const std::string prefix = dir.path().string() + "/";
    for (const auto& d : l.diagnostics) {
        std::string s = format(d);
        if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
        out.push_back(s);
    }
    return out;
}

std::vector<std::string> problems(std::string_view yaml) {
    TempDir dir;
    return problems(load_file(dir.write("a.yaml", yaml, 0600)), dir);
}

constexpr std::string_view kGateway =
    "pools:\n"
    "  office:\n"
    "    addresses: 10.3.0.0/24\n"
    "    dns: [10.1.0.53, 2001:db8::53]\n"
    "    domains: [corp.example]\n"
    "  v6:\n"
    "    addresses: 2001:db8:3::10-2001:db8:3::ff\n"
    "connections:\n"
    "  rw:\n"
    "    local: {address: 192.0.2.1, subnets: [10.1.0.0/24]}\n"
    "    remote: {address: \"%any\"}\n"
    "    pools: [office, v6]\n"
    "    children: {net: {}}\n";

TEST(Pools, APrefixHandsOutItsHostAddressesAndARangeAllOfIt) {
    TempDir dir;
    Loaded l = load_file(dir.write("a.yaml", kGateway, 0600));
    ASSERT_TRUE(l.ok()) << problems(l, dir)[0];
    ASSERT_EQ(l.config.pools.size(), 2u);
    const auto& office = l.config.pools[0];
    EXPECT_EQ(office.first.str(), "10.3.0.1");
    EXPECT_EQ(office.last.str(), "10.3.0.254");
    ASSERT_EQ(office.dns.size(), 2u);
    EXPECT_EQ(office.dns[1].str(), "2001:db8::53");
    EXPECT_EQ(office.domains, std::vector<std::string>{"corp.example"});
    EXPECT_EQ(l.config.pools[1].first.str(), "2001:db8:3::10");
    EXPECT_EQ(l.config.pools[1].last.str(), "2001:db8:3::ff");
    EXPECT_EQ(l.config.connections[0].pools, (std::vector<std::string>{"office", "v6"}));
}

TEST(Pools, ARoadWarriorAsksForOneVirtualIpPerFamily) {
    TempDir dir;
    Loaded l = load_file(dir.write("a.yaml",
                                   "connections:\n  home:\n    remote: {address: 192.0.2.1, subnets: [10.1.0.0/24]}\n"
                                   "    vips: [0.0.0.0, \"::\"]\n",
                                   0600));
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l.config.connections[0].vips, (std::vector<net::Family>{net::Family::v4, net::Family::v6}));
}

// NetworkManager's plugin applies the virtual IP, routes and DNS itself (DESIGN Part 2).
TEST(Pools, HostConfigFalseLeavesTheHostToAnotherProgram) {
    TempDir dir;
    Loaded l = load_file(dir.write("a.yaml",
                                   "connections:\n  home:\n    remote: {address: 192.0.2.1}\n"
                                   "    vips: [0.0.0.0]\n    host_config: false\n"
                                   "  office:\n    remote: {address: 192.0.2.2}\n",
                                   0600));
    ASSERT_TRUE(l.ok()) << problems(l, dir)[0];
    EXPECT_FALSE(l.config.connections[0].host_config);
    EXPECT_TRUE(l.config.connections[1].host_config);
}

TEST(Pools, HostConfigIsABoolean) {
    auto p = problems("connections:\n  home:\n    remote: {address: 192.0.2.1}\n    host_config: nm\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "a.yaml:4:18: host_config: must be true or false");
}

TEST(Pools, AnUnknownPoolIsReportedWhereTheConnectionNamesIt) {
    auto p = problems("connections:\n  rw:\n    remote: {address: \"%any\"}\n    pools: [office]\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "a.yaml:4:13: pools: no pool 'office' is defined (top-level pools:)");
}

TEST(Pools, APoolMayBeDefinedInAnotherFile) {
    TempDir dir;
    dir.write("a.yaml", "connections:\n  rw:\n    remote: {address: \"%any\"}\n    pools: [office]\n", 0600);
    dir.write("b.yaml", "pools:\n  office: {addresses: 10.3.0.0/24}\n", 0600);
    Loaded l = load_directory(dir.path());
    EXPECT_TRUE(l.ok()) << problems(l, dir)[0];
}

TEST(Pools, OverlappingPoolsAreRefused) {
    auto p = problems("pools:\n  a: {addresses: 10.3.0.0/24}\n  b: {addresses: 10.3.0.200-10.3.1.10}\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_TRUE(p[0].starts_with("a.yaml:3:18: addresses: overlap those of pool 'a' (")) << p[0];
    EXPECT_TRUE(p[0].ends_with("/a.yaml:2:3)")) << p[0];
}

TEST(Pools, ABadRangeIsRefused) {
    auto p = problems("pools:\n  a: {addresses: 10.3.0.9-10.3.0.1}\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].substr(0, 50), "a.yaml:2:18: addresses: '10.3.0.9-10.3.0.1' is nei");
}

TEST(Pools, ABadDnsServerOrDomainIsRefused) {
    auto p = problems("pools:\n  a:\n    addresses: 10.3.0.0/24\n    dns: [corp]\n    domains: [\"-x.example\"]\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:4:11: dns: 'corp' is not an IP address");
    EXPECT_EQ(p[1], "a.yaml:5:15: domains: '-x.example' is not a DNS domain name");
}

TEST(Pools, AConnectionThatInitiatesCannotHandOutAddresses) {
    auto p = problems(
        "pools:\n  a: {addresses: 10.3.0.0/24}\nconnections:\n  rw:\n    remote: {address: 192.0.2.2}\n"
        "    children: {net: {start: up}}\n    pools: [a]\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "a.yaml:7:5: pools: addresses are handed out as responder: child 'net' has start: up or trap "
                    "(use start: none)");
}

TEST(Pools, VipsNeedAGatewayAndAnAnyAddress) {
    auto p = problems("connections:\n  home:\n    remote: {address: \"%any\"}\n    vips: [10.0.0.1]\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:4:5: vips: a road warrior asks its gateway: remote.address cannot be %any");
    EXPECT_EQ(p[1], "a.yaml:4:12: vips: '10.0.0.1' must be 0.0.0.0 (an IPv4 address) or :: (IPv6)");
}

TEST(Pools, AConnectionCannotBothHandOutAndAskForAddresses) {
    auto p = problems("pools:\n  a: {addresses: 10.3.0.0/24}\nconnections:\n  rw:\n    remote: {address: 192.0.2.2}\n"
                      "    pools: [a]\n    vips: [0.0.0.0]\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "a.yaml:7:5: vips: a connection either hands out addresses (pools) or asks for one");
}

TEST(Pools, AddConnectionTextMayUseThePoolsOfTheFiles) {
    TextOptions options;
    options.pools_in_use = {"office"};
    Loaded l = parse_text("connections:\n  rw:\n    remote: {address: \"%any\"}\n    pools: [office]\n", options);
    EXPECT_TRUE(l.ok());
    EXPECT_FALSE(parse_text("connections:\n  rw:\n    remote: {address: \"%any\"}\n    pools: [office]\n").ok());
}

}  // namespace
}  // namespace ipsecd::config
