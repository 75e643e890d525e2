// daemon/credentials: the files a pubkey configuration names, read into the engine's
// Credentials. PEM files are written per test (the examples' and ones made with Botan).
#include "daemon/credentials.hpp"

#include <botan/pem.h>
#include <botan/pkcs8.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/unit/config/temp_dir.hpp"
#include "tests/unit/crypto/test_pki.hpp"

namespace ipsecd {
namespace {

using config::test_support::TempDir;
using ike::policy::Auth;
namespace pki = ike::crypto::test;

std::string example(const std::string& relative) {
    std::ifstream in(std::string(EXAMPLES_DIR) + "/" + relative, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One connection "c": our certificate and key, the peer checked against ca.pem (and CRLs).
struct Files {
    TempDir dir;
    ike::policy::Config config;

    Files(mode_t key_mode = 0600) {
        ike::policy::Connection c;
        c.name = "c";
        c.local.auth = Auth::pubkey;
        c.local.cert = dir.write("certs/host-a.pem", example("certs/host-a.pem"), 0644);
        c.local.key = dir.write("private/host-a.pem", example("private/host-a.pem"), key_mode);
        c.remote.auth = Auth::pubkey;
        c.remote.ca = {dir.write("certs/ca.pem", example("certs/ca.pem"), 0644)};
        config.connections.push_back(c);
    }
    ike::policy::Connection& conn() { return config.connections.front(); }
};

TEST(DaemonCredentials, LoadsTheExampleCertificateKeyAndCa) {
    Files f;
    const auto creds = load_credentials(f.config).value();
    const auto* c = creds.find("c");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->chain.size(), 1u);
    EXPECT_EQ(c->chain[0].subject_dn().get_first_attribute("CN"), "host-a.example");
    EXPECT_EQ(c->key->algo_name(), "ECDSA");
    ASSERT_EQ(c->trust.anchors.size(), 1u);
    EXPECT_TRUE(creds.wall_clock);
}

TEST(DaemonCredentials, RefusesAKeyReadableByOthers) {
    Files f(0644);
    const auto creds = load_credentials(f.config);
    ASSERT_FALSE(creds.ok());
    EXPECT_NE(creds.error().message.find("readable or writable by group or others"), std::string::npos);
}

TEST(DaemonCredentials, RefusesAKeyThatIsNotTheCertificates) {
    Files f;
    f.conn().local.key = f.dir.write("private/other.pem", Botan::PKCS8::PEM_encode(*pki::pki_key(pki::KeyType::p256)));
    const auto creds = load_credentials(f.config);
    ASSERT_FALSE(creds.ok());
    EXPECT_NE(creds.error().message.find("not the private key of the certificate"), std::string::npos);
}

TEST(DaemonCredentials, ErrorsNameTheConnectionAndTheFile) {
    Files f;
    f.conn().remote.ca = {f.dir.write("certs/bad.pem", "not a certificate", 0644)};
    const auto creds = load_credentials(f.config);
    ASSERT_FALSE(creds.ok());
    EXPECT_EQ(creds.error().message.rfind("connection c: " + f.conn().remote.ca[0] + ": ", 0), 0u);
}

TEST(DaemonCredentials, LoadsCrls) {
    Files f;
    const auto ca = pki::make_ca("CRL CA");
    const auto crl = pki::make_crl(ca, {});
    f.conn().remote.crls = {f.dir.write("crls/ca.crl", Botan::PEM_Code::encode(crl.BER_encode(), "X509 CRL"), 0644)};
    const auto creds = load_credentials(f.config).value();
    EXPECT_EQ(creds.find("c")->trust.crls.size(), 1u);
}

TEST(DaemonCredentials, PskConnectionsNeedNoFiles) {
    ike::policy::Config config;
    config.connections.push_back({});
    config.connections[0].name = "psk";
    EXPECT_FALSE(load_credentials(config).value().find("psk"));
}

}  // namespace
}  // namespace ipsecd
