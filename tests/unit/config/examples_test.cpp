// Every file in examples/ loads without a diagnostic, alone and as one directory, once
// installed as examples/README.md says (files readable by root only). The remote-access pair
// is two hosts: the road warrior and its gateway each share a directory with the others.
#include <gtest/gtest.h>

#include "daemon/config/loader.hpp"
#include "temp_dir.hpp"

namespace ipsecd::config {
namespace {

namespace fs = std::filesystem;

// Copies examples/ like `install -m 600` would.
void install(const fs::path& to) {
    fs::copy(EXAMPLES_DIR, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    for (const auto& e : fs::recursive_directory_iterator(to))
        if (e.is_regular_file()) fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write);
}

std::vector<fs::path> example_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".yaml") out.push_back(e.path());
    return out;
}

std::string all(const Loaded& l) {
    std::string out;
    for (const auto& d : l.diagnostics) out += format(d) + "\n";
    return out;
}

TEST(Examples, EachFileLoadsWithoutDiagnostics) {
    test_support::TempDir dir;
    install(dir.path());
    auto files = example_files(dir.path());
    EXPECT_GE(files.size(), 4u);
    for (const auto& f : files) {
        Loaded l = load_file(f);
        EXPECT_TRUE(l.ok()) << all(l);
        EXPECT_FALSE(l.config.connections.empty()) << f;
    }
}

// The road warrior (roadwarrior-client.yaml) and its gateway (roadwarrior-pool-gateway.yaml)
// hold alice's password each: one directory takes one of them (a second password for one
// EAP identity is refused).
TEST(Examples, LoadTogetherAsOneConfigDirectoryWithOneEndOfTheRemoteAccessPair) {
    for (const char* other_host : {"roadwarrior-client.yaml", "roadwarrior-pool-gateway.yaml"}) {
        test_support::TempDir dir;
        install(dir.path());
        fs::remove(dir.path() / other_host);
        Loaded l = load_directory(dir.path());
        EXPECT_TRUE(l.ok()) << "without " << other_host << ":\n" << all(l);
        EXPECT_EQ(l.config.connections.size(), example_files(dir.path()).size()) << other_host;
    }
}

TEST(Examples, RoadWarriorLogsInToThePoolGatewayAndReachesItsSubnet) {
    test_support::TempDir dir;
    install(dir.path());
    Loaded client = load_file(dir.path() / "roadwarrior-client.yaml");
    Loaded gateway = load_file(dir.path() / "roadwarrior-pool-gateway.yaml");
    ASSERT_TRUE(client.ok()) << all(client);
    ASSERT_TRUE(gateway.ok()) << all(gateway);
    const auto* rw = client.config.find("office");
    const auto* gw = gateway.config.find("rw-pool");
    ASSERT_NE(rw, nullptr);
    ASSERT_NE(gw, nullptr);
    EXPECT_EQ(rw->vips, std::vector<net::Family>{net::Family::v4});
    EXPECT_EQ(rw->children.at(0).start, ike::policy::Start::up);
    EXPECT_FALSE(rw->local.address.has_value());
    EXPECT_EQ(rw->local.auth, ike::policy::Auth::eap_mschapv2);
    EXPECT_EQ(rw->remote.auth, ike::policy::Auth::pubkey);
    EXPECT_EQ(rw->remote.address, gw->local.address);
    EXPECT_EQ(rw->remote.id, gw->local.id);
    EXPECT_EQ(rw->remote.subnets, gw->local.subnets);
    ASSERT_EQ(client.config.eap_secrets.size(), 1u);
    EXPECT_EQ(client.config.eap_secrets[0].id, rw->local.eap_id);
    EXPECT_EQ(gateway.config.eap_secrets, client.config.eap_secrets);
}

// A gateway's directory: every example but the road warrior of the remote-access pair.
TEST(Examples, CoverTheDocumentedCases) {
    test_support::TempDir dir;
    install(dir.path());
    fs::remove(dir.path() / "roadwarrior-client.yaml");
    Loaded loaded = load_directory(dir.path());
    ASSERT_TRUE(loaded.ok()) << all(loaded);
    const auto& config = loaded.config;
    const auto* responder = config.find("roadwarriors");
    ASSERT_NE(responder, nullptr);
    EXPECT_TRUE(responder->remote.is_any());
    const auto* transport = config.find("host-b");
    ASSERT_NE(transport, nullptr);
    EXPECT_EQ(transport->children.at(0).mode, ike::policy::Mode::transport);
    EXPECT_EQ(transport->local.auth, ike::policy::Auth::pubkey);
    ASSERT_NE(config.find("manual-b"), nullptr);
    EXPECT_TRUE(config.find("manual-b")->manual.has_value());
    ASSERT_NE(config.find("site-b"), nullptr);
    EXPECT_FALSE(config.secrets.empty());
    const auto* gateway = config.find("rw-pool");
    ASSERT_NE(gateway, nullptr);
    EXPECT_EQ(gateway->remote.auth, ike::policy::Auth::eap_mschapv2);
    EXPECT_EQ(gateway->pools, std::vector<std::string>{"office"});
    EXPECT_FALSE(config.eap_secrets.empty());
}

TEST(Examples, AsCheckedOutTheSecretsAreRefusedUntilInstalled) {
    test_support::TempDir dir;
    install(dir.path());
    fs::permissions(dir.path() / "site-to-site-psk.yaml", fs::perms::group_read, fs::perm_options::add);
    EXPECT_FALSE(load_file(dir.path() / "site-to-site-psk.yaml").ok());
}

}  // namespace
}  // namespace ipsecd::config
