// Loading configuration files into the model: one valid file per feature, defaults.
#include "daemon/config/loader.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace ipsecd::config {
namespace {

using namespace std::chrono_literals;
using ike::policy::Connection;
using test_support::TempDir;

std::string all(const Loaded& l) {
    std::string out;
    for (const auto& d : l.diagnostics) out += format(d) + "\n";
    return out;
}

// Loads one file and expects it valid, with exactly one connection.
Connection load_one(const TempDir& dir, std::string_view yaml) {
    Loaded l = load_file(dir.write("a.yaml", yaml));
    EXPECT_TRUE(l.ok()) << all(l);
    EXPECT_EQ(l.config.connections.size(), 1u);
    return l.config.connections.empty() ? Connection{} : l.config.connections[0];
}

net::Prefix prefix(const char* text) { return net::Prefix::parse(text).value(); }

constexpr const char* kSiteToSite = R"(connections:
  site-b:
    version: 2
    local:
      address: 192.0.2.1
      id: "@gw-a.example"
      auth: psk
      subnets: [10.1.0.0/24]
    remote:
      address: 192.0.2.2
      id: "@gw-b.example"
      auth: psk
      subnets: [10.2.0.0/24]
    ike:
      proposals: [aes256gcm16-prfsha256-x25519]
      lifetime: 4h
      dpd: 30s
    children:
      net:
        mode: tunnel
        protocol: esp
        proposals: [aes256gcm16]
        lifetime: 1h
        start: up
secrets:
  - ids: ["@gw-a.example", "@gw-b.example"]
    psk: "a long random secret"
)";

TEST(Loader, ReadsTheDesignExample) {
    TempDir dir;
    Loaded l = load_file(dir.write("a.yaml", kSiteToSite));
    ASSERT_TRUE(l.ok()) << all(l);
    ASSERT_EQ(l.config.connections.size(), 1u);
    const Connection& c = l.config.connections[0];
    EXPECT_EQ(c.name, "site-b");
    EXPECT_EQ(c.version, 2);
    EXPECT_EQ(c.local.address, net::Address::parse("192.0.2.1"));
    EXPECT_EQ(c.local.id->str(), "@gw-a.example");
    EXPECT_EQ(c.local.subnets, std::vector{prefix("10.1.0.0/24")});
    EXPECT_EQ(c.remote.host, "192.0.2.2");
    EXPECT_EQ(c.remote.id.kind, ike::policy::IdKind::fqdn);
    EXPECT_EQ(ike::policy::to_string(c.ike.proposals.at(0)), "aes256gcm16-prfsha256-x25519");
    EXPECT_EQ(c.ike.lifetime, 4h);
    EXPECT_EQ(c.ike.dpd, 30s);
    ASSERT_EQ(c.children.size(), 1u);
    EXPECT_EQ(c.children[0].name, "net");
    EXPECT_EQ(c.children[0].start, ike::policy::Start::up);
    EXPECT_EQ(c.children[0].lifetime, 1h);
    EXPECT_EQ(c.children[0].remote_subnets, std::vector{prefix("10.2.0.0/24")});
    ASSERT_EQ(l.config.secrets.size(), 1u);
    EXPECT_EQ(l.config.secrets[0].ids.size(), 2u);
    std::string psk(l.config.secrets[0].psk.begin(), l.config.secrets[0].psk.end());
    EXPECT_EQ(psk, "a long random secret");
}

TEST(Loader, ReadsTheRemotePort) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    remote: {address: 192.0.2.2, port: 4242}\n");
    EXPECT_EQ(c.remote.port, 4242);
}

TEST(Loader, FillsInDefaults) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    remote:\n      address: 192.0.2.2\n"
                                 "    children:\n      net: {}\n");
    EXPECT_EQ(c.version, 2);
    EXPECT_FALSE(c.local.address);
    EXPECT_FALSE(c.local.id);
    EXPECT_TRUE(c.local.subnets.empty());
    EXPECT_EQ(c.remote.id.str(), "192.0.2.2");
    EXPECT_FALSE(c.remote.port);   // the daemon's --ike-port
    EXPECT_EQ(c.remote.subnets, std::vector{prefix("192.0.2.2/32")});
    EXPECT_EQ(c.ike.proposals, ike::policy::default_proposals(ike::ProtocolId::ike));
    EXPECT_EQ(c.ike.lifetime, 4h);
    EXPECT_EQ(c.ike.dpd, 30s);
    const auto& child = c.children.at(0);
    EXPECT_EQ(child.mode, ike::policy::Mode::tunnel);
    EXPECT_EQ(child.protocol, ike::ProtocolId::esp);
    EXPECT_EQ(child.proposals, ike::policy::default_proposals(ike::ProtocolId::esp));
    EXPECT_EQ(child.start, ike::policy::Start::none);
    EXPECT_EQ(child.remote_subnets, c.remote.subnets);
}

TEST(Loader, CloseActionDefaultsFollowStart) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    remote: {address: 192.0.2.2}\n    children:\n"
                                 "      u: {start: up}\n      t: {start: trap}\n      n: {}\n");
    EXPECT_EQ(c.children[0].on_close(), ike::policy::CloseAction::restart);
    EXPECT_EQ(c.children[1].on_close(), ike::policy::CloseAction::trap);
    EXPECT_EQ(c.children[2].on_close(), ike::policy::CloseAction::clear);
}

TEST(Loader, ReadsCloseAction) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    remote: {address: 192.0.2.2}\n    children:\n"
                                 "      u: {start: up, close_action: trap}\n      t: {start: trap, close_action: clear}\n"
                                 "      n: {close_action: clear}\n");
    EXPECT_EQ(c.children[0].on_close(), ike::policy::CloseAction::trap);
    EXPECT_EQ(c.children[1].on_close(), ike::policy::CloseAction::clear);
    EXPECT_EQ(c.children[2].on_close(), ike::policy::CloseAction::clear);
}

TEST(Loader, LocalAddressIsDefaultIdAndHostSubnet) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    local: {address: 2001:db8::1}\n"
                                 "    remote: {address: \"%any\"}\n");
    EXPECT_EQ(c.local.id->kind, ike::policy::IdKind::ipv6);
    EXPECT_EQ(c.local.subnets, std::vector{prefix("2001:db8::1/128")});
    EXPECT_TRUE(c.remote.is_any());
    EXPECT_EQ(c.remote.id.kind, ike::policy::IdKind::any);
    EXPECT_TRUE(c.remote.subnets.empty());
}

TEST(Loader, ChildSubnetsOverrideTheConnections) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    remote: {address: gw.example, subnets: 10.2.0.0/16}\n"
                                 "    children:\n      a: {remote_subnets: [10.2.1.0/24, 10.2.2.0/24]}\n"
                                 "      b: {}\n");
    EXPECT_EQ(c.remote.host, "gw.example");
    EXPECT_EQ(c.children[0].remote_subnets, (std::vector{prefix("10.2.1.0/24"), prefix("10.2.2.0/24")}));
    EXPECT_EQ(c.children[1].remote_subnets, std::vector{prefix("10.2.0.0/16")});
}

TEST(Loader, ReadsCombinedDurations) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    remote: {address: 192.0.2.2}\n"
                                 "    ike: {lifetime: 1h30m, dpd: 0}\n");
    EXPECT_EQ(c.ike.lifetime, 90min);
    EXPECT_EQ(c.ike.dpd, 0s);
}

TEST(Loader, ReadsAhChildWithPfs) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  c:\n    remote: {address: 192.0.2.2}\n"
                                 "    children:\n      a: {protocol: ah, mode: transport, proposals: [sha256-ecp256]}\n");
    EXPECT_EQ(c.children[0].protocol, ike::ProtocolId::ah);
    EXPECT_EQ(c.children[0].mode, ike::policy::Mode::transport);
    EXPECT_EQ(ike::policy::to_string(c.children[0].proposals[0]), "sha256-ecp256");
}

TEST(Loader, ReadsHexPsk) {
    TempDir dir;
    Loaded l = load_file(dir.write("a.yaml", "secrets:\n  - ids: \"@a\"\n    psk: 0x00ff10\n"));
    ASSERT_TRUE(l.ok()) << all(l);
    EXPECT_EQ(l.config.secrets[0].psk, (base::SecretBytes{0x00, 0xff, 0x10}));
}

TEST(Loader, ReadsAKeyPasswordWithTheKeyPathResolvedAsLocalKeys) {
    TempDir dir;
    dir.write("private/a.pem", "key", 0600);
    Loaded l = load_file(dir.write("a.yaml", "secrets:\n  - key: private/a.pem\n    password: \"0x not hex\"\n"));
    ASSERT_TRUE(l.ok()) << all(l);
    ASSERT_EQ(l.config.key_passwords.size(), 1u);
    EXPECT_TRUE(l.config.secrets.empty());
    EXPECT_EQ(l.config.key_passwords[0].key, (dir.path() / "private/a.pem").string());
    const auto& pw = l.config.key_passwords[0].password;
    EXPECT_EQ(std::string(pw.begin(), pw.end()), "0x not hex");  // the passphrase as written
}

TEST(Loader, RecordsWhereEachNamedFileIsWritten) {
    TempDir dir;
    dir.write("certs/a.pem", "cert", 0644);
    dir.write("certs/ca.pem", "ca", 0644);
    dir.write("private/a.pem", "key", 0600);
    Loaded l = load_file(dir.write("a.yaml", "connections:\n  c:\n"
                                             "    local: {auth: pubkey, cert: certs/a.pem, key: private/a.pem}\n"
                                             "    remote: {address: 192.0.2.2, auth: pubkey, ca: [certs/ca.pem]}\n"
                                             "secrets:\n  - key: private/a.pem\n    password: pw\n"));
    ASSERT_TRUE(l.ok()) << all(l);
    const auto file = (dir.path() / "a.yaml").string();
    EXPECT_EQ(l.named_files.at((dir.path() / "certs/a.pem").string()), (Diagnostic{file, 3, 33, ""}));
    // local.key, not the secret that gives its password
    EXPECT_EQ(l.named_files.at((dir.path() / "private/a.pem").string()), (Diagnostic{file, 3, 51, ""}));
    EXPECT_EQ(l.named_files.at((dir.path() / "certs/ca.pem").string()), (Diagnostic{file, 4, 53, ""}));
}

TEST(Loader, ResolvesRelativePathsAgainstTheConfigDir) {
    TempDir dir;
    dir.write("certs/a.pem", "cert", 0644);
    dir.write("certs/ca.pem", "ca", 0644);
    dir.write("crls/ca.crl", "crl", 0644);
    dir.write("private/a.pem", "key", 0600);
    Connection c = load_one(dir, "connections:\n  c:\n"
                                 "    local: {auth: pubkey, cert: certs/a.pem, key: private/a.pem}\n"
                                 "    remote: {address: 192.0.2.2, auth: pubkey, ca: [certs/ca.pem], crls: [crls/ca.crl]}\n");
    EXPECT_EQ(c.local.cert, (dir.path() / "certs/a.pem").string());
    EXPECT_EQ(c.local.key, (dir.path() / "private/a.pem").string());
    EXPECT_EQ(c.remote.ca, std::vector{(dir.path() / "certs/ca.pem").string()});
    EXPECT_EQ(c.remote.crls, std::vector{(dir.path() / "crls/ca.crl").string()});
}

TEST(Loader, ReadsManualKeying) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  m:\n    local: {address: 192.0.2.1}\n"
                                 "    remote: {address: 192.0.2.2}\n    manual:\n      mode: transport\n"
                                 "      out: {spi: 0x1001, encryption: aes128gcm16, encryption_key: 0x"
                                 "00112233445566778899aabbccddeeff01020304}\n"
                                 "      in: {spi: 4097, encryption: aes128, encryption_key: 0x"
                                 "00112233445566778899aabbccddeeff, integrity: sha256, integrity_key: 0x"
                                 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f}\n");
    ASSERT_TRUE(c.manual);
    EXPECT_EQ(c.manual->mode, ike::policy::Mode::transport);
    EXPECT_EQ(c.manual->out.spi, 0x1001u);
    EXPECT_EQ(c.manual->out.encryption_key.size(), 20u);
    EXPECT_FALSE(c.manual->out.integrity);
    EXPECT_EQ(c.manual->in.spi, 4097u);
    EXPECT_EQ(c.manual->in.integrity_key.size(), 32u);
    EXPECT_TRUE(c.children.empty());
}

TEST(Loader, ReadsManualAh) {
    TempDir dir;
    Connection c = load_one(dir, "connections:\n  m:\n    local: {address: 192.0.2.1}\n"
                                 "    remote: {address: 192.0.2.2}\n    manual:\n      protocol: ah\n"
                                 "      out: {spi: 0x1001, integrity: sha512, integrity_key: 0x" +
                                     std::string(128, 'a') + "}\n      in: {spi: 0x1002, integrity: sha512, "
                                     "integrity_key: 0x" + std::string(128, 'b') + "}\n");
    ASSERT_TRUE(c.manual);
    EXPECT_EQ(c.manual->protocol, ike::ProtocolId::ah);
    EXPECT_EQ(c.manual->in.integrity_key.size(), 64u);
}

TEST(Loader, EmptyFileIsAnEmptyConfiguration) {
    TempDir dir;
    Loaded l = load_file(dir.write("a.yaml", ""));
    EXPECT_TRUE(l.ok()) << all(l);
    EXPECT_TRUE(l.config.connections.empty());
}

TEST(LoadDirectory, ReadsYamlFilesInNameOrder) {
    TempDir dir;
    dir.write("b.yaml", "connections:\n  second: {remote: {address: 192.0.2.3}}\n");
    dir.write("a.yaml", "connections:\n  first: {remote: {address: 192.0.2.2}}\n");
    dir.write("notes.txt", "not: yaml");
    dir.write(".hidden.yaml", "broken: [");
    dir.write("c.yaml.bak", "broken: [");
    Loaded l = load_directory(dir.path());
    ASSERT_TRUE(l.ok()) << all(l);
    ASSERT_EQ(l.config.connections.size(), 2u);
    EXPECT_EQ(l.config.connections[0].name, "first");
    EXPECT_EQ(l.config.connections[1].name, "second");
}

TEST(LoadDirectory, MissingDirectoryIsOneDiagnostic) {
    Loaded l = load_directory("/nonexistent/ipsecd.d");
    ASSERT_EQ(l.diagnostics.size(), 1u);
    EXPECT_EQ(format(l.diagnostics[0]).rfind("/nonexistent/ipsecd.d: cannot read the directory", 0), 0u);
}

TEST(Reload, UnchangedFileGivesEqualConnections) {
    TempDir dir;
    auto path = dir.write("a.yaml", kSiteToSite);
    auto first = load_file(path).config;
    auto second = load_file(path).config;
    auto d = ike::policy::diff(first, second);
    EXPECT_EQ(d.unchanged, std::vector<std::string>{"site-b"});
    EXPECT_TRUE(d.changed.empty());
}

}  // namespace
}  // namespace ipsecd::config
