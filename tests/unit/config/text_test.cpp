// AddConnection text: the file schema with `<bus>` diagnostics and `transient_owner`.
#include <gtest/gtest.h>

#include "daemon/config/loader.hpp"

namespace ipsecd::config {
namespace {

constexpr const char* kConn = "connections:\n  nm-1:\n    remote: {address: 192.0.2.2}\n";

TEST(ParseText, ReadsConnectionsAndSecrets) {
    Loaded l = parse_text(std::string(kConn) + "secrets:\n  - {ids: \"192.0.2.2\", psk: 0x0102}\n");
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l.config.connections.at(0).name, "nm-1");
    EXPECT_EQ(l.config.secrets.size(), 1u);
    EXPECT_FALSE(l.transient_owner);
}

TEST(ParseText, AcceptsTransientOwner) {
    Loaded l = parse_text(std::string("transient_owner: true\n") + kConn);
    ASSERT_TRUE(l.ok());
    EXPECT_TRUE(l.transient_owner);
}

TEST(ParseText, TransientOwnerMustBeBoolean) {
    Loaded l = parse_text("transient_owner: yes please\n");
    ASSERT_EQ(l.diagnostics.size(), 1u);
    EXPECT_EQ(format(l.diagnostics[0]), "<bus>:1:18: transient_owner: must be true or false");
}

TEST(ParseText, DiagnosticsNameTheBus) {
    Loaded l = parse_text("connections:\n  nm-1:\n    remote: {address: 192.0.2.2, colour: red}\n");
    ASSERT_EQ(l.diagnostics.size(), 1u);
    EXPECT_EQ(format(l.diagnostics[0]),
              "<bus>:3:34: unknown key 'colour' in remote (expected address, id, auth, ca, crls, subnets, port)");
}

TEST(ParseText, BrokenYamlIsOneDiagnostic) {
    Loaded l = parse_text("connections: {nm-1: [\n");
    ASSERT_EQ(l.diagnostics.size(), 1u);
    EXPECT_EQ(l.diagnostics[0].file, "<bus>");
    EXPECT_GT(l.diagnostics[0].line, 0);
}

TEST(ParseText, NameAlreadyInUse) {
    Loaded l = parse_text(kConn, {.names_in_use = {"nm-1"}});
    ASSERT_EQ(l.diagnostics.size(), 1u);
    EXPECT_EQ(format(l.diagnostics[0]), "<bus>:2:3: connection 'nm-1' is already in use");
    EXPECT_TRUE(l.config.connections.empty());
}

TEST(ParseText, SourceNameAndConfigDirAreTheCallers) {
    Loaded l = parse_text("connections:\n  c:\n    local: {auth: pubkey, cert: a.pem, key: b.pem}\n"
                          "    remote: {address: \"%any\", auth: pubkey, ca: c.pem}\n",
                          {.source = "<test>", .config_dir = "/nonexistent"});
    ASSERT_EQ(l.diagnostics.size(), 3u);
    EXPECT_EQ(format(l.diagnostics[0]), "<test>:3:33: cert: /nonexistent/a.pem: No such file or directory");
}

TEST(ParseText, SecretsNeedNoFilePermissions) {
    EXPECT_TRUE(parse_text("secrets:\n  - {ids: \"@a\", psk: x}\n").ok());
}

}  // namespace
}  // namespace ipsecd::config
