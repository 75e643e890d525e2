// auth: eap-mschapv2, local.eap_id and `secrets: - eap_id, password` (issue 15, RFC 7296
// 2.16): what is read, and each mistake reported at its FILE:LINE:COLUMN.
#include <gtest/gtest.h>

#include "daemon/config/loader.hpp"
#include "temp_dir.hpp"

namespace ipsecd::config {
namespace {

using test_support::TempDir;

constexpr std::string_view kRoadWarrior =
    "connections:\n"
    "  home:\n"
    "    local: {auth: eap-mschapv2, eap_id: alice}\n"
    "    remote: {address: 192.0.2.1, auth: pubkey, ca: ca.pem}\n"
    "secrets:\n"
    "  - eap_id: alice\n"
    "    password: \"0x is text\"\n";

std::vector<std::string> problems(TempDir& dir, std::string_view yaml, mode_t mode = 0600) {
    Loaded l = load_file(dir.write("a.yaml", yaml, mode));
    std::vector<std::string> out;
    const std::string prefix = dir.path().string() + "/";
    for (const auto& d : l.diagnostics) {
        std::string s = format(d);
        if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
        out.push_back(s);
    }
    return out;
}

std::string first(const std::vector<std::string>& v) { return v.empty() ? "(no diagnostic)" : v[0]; }

TEST(EapConfig, ReadsARoadWarriorAndItsPassword) {
    TempDir dir;
    dir.write("ca.pem", "x");
    Loaded l = load_file(dir.write("a.yaml", kRoadWarrior, 0600));
    ASSERT_TRUE(l.ok()) << (l.diagnostics.empty() ? "" : format(l.diagnostics[0]));
    const auto& c = l.config.connections.at(0);
    EXPECT_EQ(c.local.auth, ike::policy::Auth::eap_mschapv2);
    EXPECT_EQ(c.local.eap_id, "alice");
    ASSERT_EQ(l.config.eap_secrets.size(), 1u);
    EXPECT_EQ(l.config.eap_secrets[0].id, "alice");
    const auto& pw = l.config.eap_secrets[0].password;
    EXPECT_EQ(std::string(pw.begin(), pw.end()), "0x is text");  // as written, no hex form
}

TEST(EapConfig, ReadsAGateway) {
    TempDir dir;
    dir.write("gw.pem", "x");
    dir.write("gw.key", "x", 0600);
    Loaded l = load_file(dir.write("a.yaml",
                                   "connections:\n  rw:\n    local: {auth: pubkey, cert: gw.pem, key: gw.key}\n"
                                   "    remote: {address: \"%any\", auth: eap-mschapv2}\n",
                                   0600));
    ASSERT_TRUE(l.ok()) << (l.diagnostics.empty() ? "" : format(l.diagnostics[0]));
    EXPECT_EQ(l.config.connections.at(0).remote.auth, ike::policy::Auth::eap_mschapv2);
}

TEST(EapConfig, TheEapPasswordFileMustBePrivate) {
    TempDir dir;
    dir.write("ca.pem", "x");
    EXPECT_NE(first(problems(dir, kRoadWarrior, 0644)).find("a.yaml:5:1: "), std::string::npos);
}

TEST(EapConfig, AnEapRoadWarriorNeedsItsEapId) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "connections:\n  c:\n    local: {auth: eap-mschapv2}\n"
                                  "    remote: {address: 192.0.2.1, auth: pubkey, ca: /dev/null}\n")),
              "a.yaml:3:5: local: auth eap-mschapv2 needs 'eap_id' (our EAP identity)");
}

TEST(EapConfig, EapIdGoesWithEapOnly) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "connections:\n  c:\n    local: {eap_id: alice}\n    remote: {address: 192.0.2.1}\n")),
              "a.yaml:3:13: local: 'eap_id' is only used with auth: eap-mschapv2");
}

TEST(EapConfig, TheGatewayOfAnEapRoadWarriorAuthenticatesWithACertificate) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "connections:\n  c:\n    local: {auth: eap-mschapv2, eap_id: a}\n"
                                  "    remote: {address: 192.0.2.1}\n")),
              "a.yaml:4:5: remote: with local auth eap-mschapv2 the gateway authenticates with auth: pubkey");
}

TEST(EapConfig, AGatewayForEapRoadWarriorsAuthenticatesWithACertificate) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "connections:\n  c:\n    local: {address: 192.0.2.1}\n"
                                  "    remote: {address: \"%any\", auth: eap-mschapv2}\n")),
              "a.yaml:3:5: local: with remote auth eap-mschapv2 we authenticate with auth: pubkey");
}

TEST(EapConfig, AnEapSecretNeedsAPassword) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "secrets:\n  - eap_id: alice\n")),
              "a.yaml:2:5: secret: 'password' is missing (the EAP-MSCHAPv2 password of 'eap_id')");
}

TEST(EapConfig, AnEapIdentityHasOnePassword) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "secrets:\n  - {eap_id: alice, password: a}\n  - {eap_id: alice, password: b}\n")),
              "a.yaml:3:14: secret: a second password for EAP identity 'alice'");
}

TEST(EapConfig, AnEapSecretHasNoPsk) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "secrets:\n  - {eap_id: alice, password: a, psk: b}\n")),
              "a.yaml:2:34: secret: 'psk' does not go with 'eap_id'");
}

TEST(EapConfig, IkeV1HasNoEap) {
    TempDir dir;
    EXPECT_EQ(first(problems(dir, "connections:\n  c:\n    version: 1\n    local: {address: 192.0.2.2, auth: eap-mschapv2, eap_id: a}\n"
                                  "    remote: {address: 192.0.2.1, auth: pubkey, ca: /dev/null}\n")),
              "a.yaml:3:14: IKEv1 (version: 1): no EAP: auth eap-mschapv2 is IKEv2's (RFC 7296 2.16)");
}

}  // namespace
}  // namespace ipsecd::config
