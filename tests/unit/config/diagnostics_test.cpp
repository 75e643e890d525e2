// Every kind of configuration problem, reported as FILE:LINE:COLUMN: message at its place.
#include <gtest/gtest.h>

#include "daemon/config/loader.hpp"
#include "temp_dir.hpp"

namespace ipsecd::config {
namespace {

using test_support::TempDir;

// Loads `yaml` as a.yaml; returns the diagnostics, formatted, with the directory left out.
std::vector<std::string> problems(std::string_view yaml, mode_t mode = 0600) {
    TempDir dir;
    Loaded l = load_file(dir.write("a.yaml", yaml, mode));
    std::vector<std::string> out;
    const std::string prefix = dir.path().string() + "/";
    for (const auto& d : l.diagnostics) {
        std::string s = format(d);
        if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
        out.push_back(s);
    }
    EXPECT_EQ(l.ok(), out.empty());
    return out;
}

// A connection whose only problem is at the end (line 4 on).
std::string with_remote(std::string_view rest) {
    return "connections:\n  c:\n    remote:\n      address: 192.0.2.2\n" + std::string(rest);
}

std::string first(const std::vector<std::string>& v) { return v.empty() ? "(no diagnostic)" : v[0]; }

TEST(Diagnostics, UnknownKeyAtItsOwnPosition) {
    auto p = problems(with_remote("      adress: x\n"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "a.yaml:5:7: unknown key 'adress' in remote (expected address, id, auth, ca, crls, subnets, port)");
}

TEST(Diagnostics, UnknownTopLevelKey) {
    EXPECT_EQ(first(problems("connection:\n  c: {}\n")),
              "a.yaml:1:1: unknown key 'connection' in the top level (expected pools, connections, secrets)");
}

TEST(Diagnostics, TransientOwnerIsNotAFileKey) {
    EXPECT_EQ(first(problems("transient_owner: true\n")),
              "a.yaml:1:1: unknown key 'transient_owner' in the top level (expected pools, connections, secrets)");
}

TEST(Diagnostics, DuplicateKey) {
    EXPECT_EQ(first(problems(with_remote("    ike: {}\n    ike: {}\n"))),
              "a.yaml:6:5: duplicate key 'ike' in connection 'c'");
}

TEST(Diagnostics, YamlSyntaxError) {
    auto p = problems("connections:\n  c: [1, 2\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].substr(0, 11), "a.yaml:3:1:");
}

TEST(Diagnostics, VersionOutOfRange) {
    EXPECT_EQ(first(problems(with_remote("    version: 3\n"))),
              "a.yaml:5:14: version: '3' is not a number from 1 to 2");
}

// An IKEv1 connection with what the IKEv1 engine supports, and `extra` keys.
std::string ikev1(std::string_view ike, std::string_view child) {
    return "connections:\n  c:\n    version: 1\n    local: {address: 192.0.2.1, subnets: [10.1.0.0/24]}\n"
           "    remote: {address: 192.0.2.2, subnets: [10.2.0.0/24]}\n    ike: {proposals: [" +
           std::string(ike) + "]}\n    children:\n      net: {" + std::string(child) + "}\n";
}

TEST(Diagnostics, IkeV1AcceptsMainModeAndQuickModeWithPsk) {
    EXPECT_EQ(problems(ikev1("aes256-sha256-modp2048", "proposals: [aes256-sha256-modp2048], start: up, "
                                                       "close_action: clear")),
              std::vector<std::string>{});
    EXPECT_EQ(problems(ikev1("aes256-sha256-modp2048", "start: up, close_action: restart")), std::vector<std::string>{});
}

TEST(Diagnostics, IkeV1NeedsBothAddresses) {
    EXPECT_EQ(first(problems(with_remote("    version: 1\n"))),
              "a.yaml:5:14: IKEv1 (version: 1): needs local.address and remote.address as IP addresses");
}

TEST(Diagnostics, IkeV1NamesAnIkeProposalWithoutIkev1Form) {
    EXPECT_EQ(first(problems(ikev1("aes256gcm16-prfsha256-x25519", "start: none"))),
              "a.yaml:3:14: IKEv1 (version: 1): IKE proposal 'aes256gcm16-prfsha256-x25519' has no IKEv1 form "
              "(AES-CBC, sha1/sha256/sha384/sha512 and a group; no AEAD for the ISAKMP SA)");
}

TEST(Diagnostics, IkeV1AcceptsTrapAsStartAndAsCloseAction) {
    EXPECT_EQ(problems(ikev1("aes256-sha256-modp2048", "start: trap")), std::vector<std::string>{});
    EXPECT_EQ(problems(ikev1("aes256-sha256-modp2048", "start: up, close_action: trap")), std::vector<std::string>{});
}

TEST(Diagnostics, IkeV1NamesWhatAChildCannotDoYet) {
    EXPECT_EQ(first(problems(ikev1("aes256-sha256-modp2048", "local_subnets: [10.1.0.0/24, 10.3.0.0/24]"))),
              "a.yaml:3:14: IKEv1 (version: 1): child 'net': one subnet per side (IKEv1 negotiates one pair of "
              "client IDs per SA)");
    EXPECT_EQ(first(problems(ikev1("aes256-sha256-modp2048", "proposals: [chacha20poly1305]"))),
              "a.yaml:3:14: IKEv1 (version: 1): child 'net': ESP proposal 'chacha20poly1305' has no IKEv1 form "
              "(aes128/aes256 with sha1/sha256/sha384/sha512, or aes128gcm16/aes256gcm16, no esn)");
    EXPECT_EQ(first(problems(ikev1("aes256-sha256-modp2048", "protocol: ah, proposals: [sha256-esn]"))),
              "a.yaml:3:14: IKEv1 (version: 1): child 'net': AH proposal 'sha256-esn' has no IKEv1 form "
              "(sha256/sha384/sha512, no esn)");
}

TEST(Diagnostics, IkeV1AcceptsAnAhChildInTunnelAndTransportMode) {
    EXPECT_EQ(problems(ikev1("aes256-sha256-modp2048", "protocol: ah, proposals: [sha256-modp2048], start: up")),
              std::vector<std::string>{});
    EXPECT_EQ(problems(ikev1("aes256-sha256-modp2048", "protocol: ah, mode: transport")),
              std::vector<std::string>{});
    EXPECT_EQ(problems(ikev1("aes256-sha256-modp2048", "protocol: ah")), std::vector<std::string>{});
}

TEST(Diagnostics, IkeV1RefusesMixedAuthenticationMethods) {
    auto yaml = ikev1("aes256-sha256-modp2048", "start: none");
    yaml.replace(yaml.find("remote: {"), 9, "remote: {auth: pubkey, ca: /nonexistent.pem, ");
    const auto p = problems(yaml);
    EXPECT_NE(std::find(p.begin(), p.end(),
                        "a.yaml:3:14: IKEv1 (version: 1): local.auth and remote.auth must be the same (both psk or "
                        "both pubkey): IKEv1 negotiates one authentication method for both sides"),
              p.end());
}

TEST(Diagnostics, RemotePortOutOfRange) {
    auto p = problems("connections:\n  a:\n    remote: {address: 192.0.2.2, port: 70000}\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "a.yaml:3:40: port: '70000' is not a number from 1 to 65535");
}

TEST(Diagnostics, BadDuration) {
    EXPECT_EQ(first(problems(with_remote("    ike:\n      lifetime: 4hours\n"))),
              "a.yaml:6:17: lifetime: '4hours' is not a duration (like 30s, 10m, 4h, 1h30m)");
}

TEST(Diagnostics, DurationOutOfRange) {
    EXPECT_EQ(first(problems(with_remote("    ike: {dpd: 2h}\n"))),
              "a.yaml:5:16: dpd: 2h is out of range (1s to 3600s, or 0)");
}

TEST(Diagnostics, BadSubnetAtTheListItem) {
    EXPECT_EQ(first(problems(with_remote("      subnets: [10.2.0.0/24, 10.2.0.1/24]\n"))),
              "a.yaml:5:30: subnets: '10.2.0.1/24' is not a subnet (like 10.1.0.0/24 or 2001:db8::/64, "
              "host bits zero)");
}

TEST(Diagnostics, BadProposalNamesTheKeyword) {
    EXPECT_EQ(first(problems(with_remote("    ike:\n      proposals:\n        - aes256-md5-modp2048\n"))),
              "a.yaml:7:11: proposals: proposal 'aes256-md5-modp2048': 'md5' is not a known keyword");
}

TEST(Diagnostics, BadChildProposalForItsProtocol) {
    EXPECT_EQ(first(problems(with_remote("    children:\n      net: {proposals: [aes256gcm16-prfsha256]}\n"))),
              "a.yaml:6:25: proposals: proposal 'aes256gcm16-prfsha256': 'prfsha256' is not valid in an "
              "ESP proposal");
}

TEST(Diagnostics, BadIdentity) {
    EXPECT_EQ(first(problems(with_remote("      id: \"@\"\n"))), "a.yaml:5:11: id: identity '@' names no host");
}

TEST(Diagnostics, BadCloseAction) {
    EXPECT_EQ(first(problems(with_remote("    children:\n      net:\n        start: up\n        close_action: start\n"))),
              "a.yaml:8:23: close_action: 'start' is not one of restart, trap, clear");
}

TEST(Diagnostics, CloseActionKeepingPoliciesNeedsAStart) {
    EXPECT_EQ(first(problems(with_remote("    children:\n      net:\n        close_action: restart\n"))),
              "a.yaml:7:23: close_action: keeping the policies (restart, trap) needs start: up or trap");
}

TEST(Diagnostics, BadConnectionName) {
    EXPECT_EQ(first(problems("connections:\n  bad/name:\n    remote: {address: 192.0.2.2}\n")),
              "a.yaml:2:3: connection name 'bad/name' must match [A-Za-z0-9_.-]+");
}

TEST(Diagnostics, BadChoice) {
    EXPECT_EQ(first(problems(with_remote("    children:\n      net:\n        start: later\n"))),
              "a.yaml:7:16: start: 'later' is not one of up, trap, none");
}

TEST(Diagnostics, MissingRemote) {
    EXPECT_EQ(first(problems("connections:\n  c:\n    local: {address: 192.0.2.1}\n")),
              "a.yaml:2:3: connection 'c': 'remote' is missing");
}

TEST(Diagnostics, BadAddresses) {
    auto p = problems("connections:\n  c:\n    local: {address: gw.example}\n    remote: {address: 300.1.1.1}\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:3:22: address: 'gw.example' is not an IP address");
    EXPECT_EQ(p[1], "a.yaml:4:23: address: '300.1.1.1' is neither an IP address, a host name nor %any");
}

std::vector<std::string> remote_problems(const std::string& address) {
    return problems("connections:\n  c:\n    remote: {address: " + address + "}\n");
}

TEST(Diagnostics, HostNamesAreRemoteAddresses) {
    for (const char* name : {"vpn.example.org", "vpn.example.org.", "gw", "a-b.c0.example", "xn--bcher-kva.example",
                             "1.example.com"})
        EXPECT_TRUE(remote_problems(name).empty()) << name;
}

TEST(Diagnostics, GarbageIsNoHostName) {
    for (const char* bad : {"vpn..example.org", "-vpn.example.org", "vpn-.example.org", "vpn_1.example.org",
                            "vpn.example.org..", "host.123", "vpn.ex@mple.org"})
        EXPECT_EQ(first(remote_problems(bad)),
                  std::string("a.yaml:3:23: address: '") + bad + "' is neither an IP address, a host name nor %any")
            << bad;
    const std::string long_label(64, 'a');
    EXPECT_EQ(remote_problems(long_label + ".example").size(), 1u);
    std::string long_name;
    while (long_name.size() < 254) long_name += "abcdefghi.";
    EXPECT_EQ(remote_problems(long_name + "org").size(), 1u);
}

TEST(Diagnostics, NotAMapping) {
    EXPECT_EQ(first(problems("connections:\n  c: [1]\n")), "a.yaml:2:6: connection 'c' must be a mapping");
}

TEST(Diagnostics, MissingValue) {
    EXPECT_EQ(first(problems(with_remote("      id:\n"))), "a.yaml:5:7: id: needs a value");
}

TEST(Diagnostics, PubkeyNeedsCertAndCa) {
    auto p = problems("connections:\n  c:\n    local: {auth: pubkey}\n    remote: {address: 192.0.2.2, auth: pubkey}\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:3:5: local: auth pubkey needs both 'cert' and 'key'");
    EXPECT_EQ(p[1], "a.yaml:4:5: remote: auth pubkey needs 'ca' (trust anchors for the peer's certificate)");
}

TEST(Diagnostics, MissingCertificateFile) {
    TempDir dir;
    dir.write("k.pem", "key");
    Loaded l = load_file(dir.write("a.yaml", "connections:\n  c:\n    local:\n      auth: pubkey\n"
                                             "      cert: certs/none.pem\n      key: k.pem\n"
                                             "    remote: {address: \"%any\", auth: pubkey, ca: k.pem}\n"));
    ASSERT_EQ(l.diagnostics.size(), 1u);
    EXPECT_EQ(format(l.diagnostics[0]), (dir.path() / "a.yaml").string() + ":5:13: cert: " +
                                            (dir.path() / "certs/none.pem").string() +
                                            ": No such file or directory");
}

TEST(Diagnostics, PrivateKeyReadableByOthersIsRefused) {
    TempDir dir;
    dir.write("c.pem", "cert");
    dir.write("k.pem", "key", 0644);
    Loaded l = load_file(dir.write("a.yaml", "connections:\n  c:\n    local: {auth: pubkey, cert: c.pem, key: k.pem}\n"
                                             "    remote: {address: \"%any\", auth: pubkey, ca: c.pem}\n"));
    ASSERT_EQ(l.diagnostics.size(), 1u);
    EXPECT_EQ(format(l.diagnostics[0]),
              (dir.path() / "a.yaml").string() + ":3:45: key: " + (dir.path() / "k.pem").string() +
                  " holds secrets but is readable or writable by group or others (mode 0644); refusing "
                  "it: run chmod 600 on it");
}

TEST(Diagnostics, SecretsFileReadableByGroupIsRefused) {
    auto p = problems("connections: {}\nsecrets:\n  - {ids: \"@a\", psk: x}\n", 0640);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].find("a.yaml:2:1: "), std::string::npos) << p[0];
    EXPECT_NE(p[0].find("holds secrets but is readable or writable by group or others (mode 0640)"),
              std::string::npos);
}

TEST(Diagnostics, SecretsFileWritableByOthersIsRefused) {
    EXPECT_EQ(problems("secrets:\n  - {ids: \"@a\", psk: x}\n", 0602).size(), 1u);
    EXPECT_TRUE(problems("secrets:\n  - {ids: \"@a\", psk: x}\n", 0600).empty());
}

TEST(Diagnostics, ManualKeysFileIsPrivateToo) {
    std::string yaml = "connections:\n  m:\n    local: {address: 192.0.2.1}\n    remote: {address: 192.0.2.2}\n"
                       "    manual:\n      protocol: ah\n      out: {spi: 0x1001, integrity: sha256, integrity_key: 0x" +
                       std::string(64, 'a') + "}\n      in: {spi: 0x1002, integrity: sha256, integrity_key: 0x" +
                       std::string(64, 'b') + "}\n";
    auto p = problems(yaml, 0644);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].substr(0, 11), "a.yaml:2:3:");
}

TEST(Diagnostics, BadHexPsk) {
    EXPECT_EQ(first(problems("secrets:\n  - ids: \"@a\"\n    psk: 0x12g4\n")),
              "a.yaml:3:10: psk: not valid hex after 0x (an even number of 0-9a-f digits)");
}

TEST(Diagnostics, SecretNeedsIdsAndPsk) {
    auto p = problems("secrets:\n  - psk: x\n  - ids: \"@a\"\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:2:5: secret: 'ids' is missing");
    EXPECT_EQ(p[1], "a.yaml:3:5: secret: 'psk' is missing");
}

TEST(Diagnostics, KeyPasswordNeedsAnExistingPrivateKeyAndAPassword) {
    auto p = problems("secrets:\n  - key: private/none.pem\n    password: x\n  - key: a.yaml\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].rfind("a.yaml:2:10: key: ", 0), 0u) << p[0];
    EXPECT_EQ(p[1], "a.yaml:4:5: secret: 'password' is missing (the passphrase of the key)");
}

TEST(Diagnostics, KeyPasswordDoesNotMixWithIdsOrPsk) {
    auto p = problems("secrets:\n  - key: a.yaml\n    password: x\n    psk: y\n  - ids: \"@a\"\n    psk: y\n    password: x\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:4:5: secret: 'psk' does not go with 'key'");
    EXPECT_EQ(p[1], "a.yaml:7:5: secret: 'password' goes with 'key' or 'eap_id', not 'ids'");
}

TEST(Diagnostics, ManualKeyOfWrongLength) {
    auto p = problems("connections:\n  m:\n    local: {address: 192.0.2.1}\n    remote: {address: 192.0.2.2}\n"
                      "    manual:\n      out: {spi: 0x1001, encryption: aes256gcm16, encryption_key: 0x0011}\n"
                      "      in: {spi: 0x10, encryption: aes256, encryption_key: 0x0011}\n");
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0], "a.yaml:6:67: encryption_key: 2 bytes, aes256gcm16 needs 36");
    EXPECT_EQ(p[1], "a.yaml:7:17: spi: '0x10' is not an SPI from 0x100 to 0xffffffff");
    EXPECT_EQ(p[2], "a.yaml:7:59: encryption_key: 2 bytes, aes256 needs 32");
}

TEST(Diagnostics, ManualWithIkeIsRefused) {
    auto p = problems("connections:\n  m:\n    local: {address: 192.0.2.1}\n    remote: {address: gw.example}\n"
                      "    ike: {}\n    manual: {}\n");
    ASSERT_GE(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:6:5: manual: a manually keyed connection has no 'ike' or 'children'");
    EXPECT_EQ(p[1], "a.yaml:6:5: manual: needs local.address and remote.address as IP addresses");
}

TEST(Diagnostics, CollectsEveryProblemNotJustTheFirst) {
    auto p = problems("connections:\n  a:\n    version: 0\n    remote: {address: 192.0.2.2, auth: cert}\n"
                      "  b:\n    remote: {address: 192.0.2.3}\n    ike: {lifetime: 1s}\n");
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].substr(0, 12), "a.yaml:3:14:");
    EXPECT_EQ(p[1].substr(0, 12), "a.yaml:4:40:");
    EXPECT_EQ(p[2].substr(0, 12), "a.yaml:7:21:");
}

TEST(Diagnostics, DuplicateNameAcrossFiles) {
    TempDir dir;
    dir.write("a.yaml", "connections:\n  dup: {remote: {address: 192.0.2.2}}\n");
    dir.write("b.yaml", "# second file\nconnections:\n  ok: {remote: {address: 192.0.2.4}}\n"
                        "  dup: {remote: {address: 192.0.2.3}}\n");
    Loaded l = load_directory(dir.path());
    ASSERT_EQ(l.diagnostics.size(), 1u);
    const std::string a = (dir.path() / "a.yaml").string(), b = (dir.path() / "b.yaml").string();
    EXPECT_EQ(format(l.diagnostics[0]), b + ":4:3: connection 'dup' is already defined at " + a + ":2:3");
    EXPECT_EQ(l.config.connections.size(), 2u);  // the first 'dup' and 'ok'
}

// A manual AH connection `name` to `remote` with these SPIs (out, in).
std::string manual_ah(const std::string& name, const std::string& remote, const std::string& out,
                      const std::string& in) {
    const std::string key = "0x" + std::string(64, 'a');
    return "  " + name + ":\n    local: {address: 192.0.2.1}\n    remote: {address: " + remote + "}\n"
           "    manual:\n      protocol: ah\n      out: {spi: " + out + ", integrity: sha256, integrity_key: " + key +
           "}\n      in: {spi: " + in + ", integrity: sha256, integrity_key: " + key + "}\n";
}

TEST(Diagnostics, ManualIntegrityKeyOfWrongLength) {
    auto p = problems("connections:\n  m:\n    local: {address: 192.0.2.1}\n    remote: {address: 192.0.2.2}\n"
                      "    manual:\n      protocol: ah\n"
                      "      out: {spi: 0x1001, integrity: sha384, integrity_key: 0x0011}\n"
                      "      in: {spi: 0x1002, integrity: sha256, integrity_key: 0x0011}\n");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0], "a.yaml:7:60: integrity_key: 2 bytes, sha384 needs 48");
    EXPECT_EQ(p[1], "a.yaml:8:59: integrity_key: 2 bytes, sha256 needs 32");
}

TEST(Diagnostics, DuplicateManualSpiAcrossFiles) {
    TempDir dir;
    dir.write("a.yaml", "connections:\n" + manual_ah("one", "192.0.2.2", "0x1001", "0x1002"));
    dir.write("b.yaml", "connections:\n" + manual_ah("two", "192.0.2.2", "0x1001", "0x2002"));
    Loaded l = load_directory(dir.path());
    ASSERT_EQ(l.diagnostics.size(), 1u);
    const std::string a = (dir.path() / "a.yaml").string(), b = (dir.path() / "b.yaml").string();
    EXPECT_EQ(format(l.diagnostics[0]),
              b + ":7:18: spi: 0x1001 to 192.0.2.2 (ah) is already used at " + a + ":7:18");
}

TEST(Diagnostics, DuplicateManualSpiInOneFile) {
    // 0x1002 is received by both connections at our address 192.0.2.1.
    auto p = problems("connections:\n" + manual_ah("one", "192.0.2.2", "0x1001", "0x1002") +
                      manual_ah("two", "192.0.2.3", "0x2001", "0x1002"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].rfind("a.yaml:15:17: spi: 0x1002 to 192.0.2.1 (ah) is already used at ", 0), 0u) << p[0];
    EXPECT_EQ(p[0].substr(p[0].size() - 11), "a.yaml:8:17") << p[0];
}

TEST(Diagnostics, OneManualSpiToTwoDestinationsIsFine) {
    EXPECT_TRUE(problems("connections:\n" + manual_ah("one", "192.0.2.2", "0x1001", "0x1002") +
                         manual_ah("two", "192.0.2.3", "0x1001", "0x2002"))
                    .empty());
}

TEST(Diagnostics, FormatWithoutPosition) {
    EXPECT_EQ(format({"x.yaml", 0, 0, "cannot read the file"}), "x.yaml: cannot read the file");
}

}  // namespace
}  // namespace ipsecd::config
