// daemon/credentials: the files a pubkey configuration names, read into the engine's
// Credentials. PEM files are written per test (the examples' and ones made with Botan).
#include "daemon/credentials.hpp"

#include <botan/data_src.h>
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

// IKEv1 signs with RSA or RFC 4754 ECDSA only: an Ed25519 key is refused at load, not at
// the first Main Mode.
TEST(DaemonCredentials, AnIkev1ConnectionRefusesAKeyIkev1CannotSignWith) {
    Files f;
    f.conn().version = 1;
    static const auto ca = pki::make_ca("v1 test CA");
    const auto& key = *pki::pki_key(pki::KeyType::ed25519);
    f.conn().local.cert =
        f.dir.write("certs/ed.pem", pki::issue(ca, "ed", key, {.dns = "ed.example"}).PEM_encode(), 0644);
    f.conn().local.key = f.dir.write("private/ed.pem", Botan::PKCS8::PEM_encode(key));
    const auto creds = load_credentials(f.config);
    ASSERT_FALSE(creds.ok());
    EXPECT_EQ(creds.error().message, "connection c: " + f.conn().local.key +
                                         ": this Ed25519 key cannot sign for IKEv1 (version: 1): use RSA or ECDSA on "
                                         "P-256, P-384 or P-521");
    f.conn().version = 2;
    EXPECT_TRUE(load_credentials(f.config).ok());
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

// The example key, encrypted (PKCS#8 PBES2, few PBKDF2 iterations: a fast test) with `password`.
std::string encrypted_example_key(const std::string& password) {
    const auto pem = example("private/host-a.pem");
    Botan::DataSource_Memory src(pem);
    const auto key = Botan::PKCS8::load_key(src);
    return Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(*key, pki::pki_rng(), password, 1000, "AES-256/CBC", "SHA-256");
}

ike::policy::KeyPassword key_password(const std::string& key, const std::string& password) {
    return {key, base::SecretBytes(password.begin(), password.end())};
}

TEST(DaemonCredentials, OpensAnEncryptedKeyWithItsPassword) {
    Files f;
    f.conn().local.key = f.dir.write("private/enc.pem", encrypted_example_key("s3cret pass"));
    f.config.key_passwords.push_back(key_password(f.conn().local.key, "s3cret pass"));
    const auto creds = load_credentials(f.config);
    ASSERT_TRUE(creds.ok()) << creds.error().message;
    EXPECT_EQ(creds->find("c")->key->algo_name(), "ECDSA");
}

TEST(DaemonCredentials, AWrongPasswordNamesTheKeyFileAndNotThePassword) {
    Files f;
    f.conn().local.key = f.dir.write("private/enc.pem", encrypted_example_key("s3cret pass"));
    f.config.key_passwords.push_back(key_password(f.conn().local.key, "wrong guess"));
    const auto creds = load_credentials(f.config);
    ASSERT_FALSE(creds.ok());
    EXPECT_EQ(creds.error().path, f.conn().local.key);
    EXPECT_EQ(creds.error().message.rfind("connection c: " + f.conn().local.key + ": private key: ", 0), 0u)
        << creds.error().message;
    EXPECT_EQ(creds.error().message.find("wrong guess"), std::string::npos);
}

TEST(DaemonCredentials, AnEncryptedKeyWithoutPasswordFails) {
    Files f;
    f.conn().local.key = f.dir.write("private/enc.pem", encrypted_example_key("s3cret pass"));
    const auto creds = load_credentials(f.config);
    ASSERT_FALSE(creds.ok());
    EXPECT_EQ(creds.error().path, f.conn().local.key);
}

TEST(DaemonCredentials, APasswordForAnotherKeyIsNotUsed) {
    Files f;
    f.conn().local.key = f.dir.write("private/enc.pem", encrypted_example_key("s3cret pass"));
    f.config.key_passwords.push_back(key_password(f.dir.path() / "private/other.pem", "s3cret pass"));
    EXPECT_FALSE(load_credentials(f.config).ok());
}

// A configuration file naming the example certificate, key and CA; `key` replaces the key.
struct ConfigFiles {
    TempDir dir;

    explicit ConfigFiles(const std::string& key = example("private/host-a.pem")) {
        dir.write("certs/host-a.pem", example("certs/host-a.pem"), 0644);
        dir.write("private/host-a.pem", key);
        dir.write("certs/ca.pem", example("certs/ca.pem"), 0644);
    }
    config::Loaded load(const std::string& extra = "") const {
        dir.write("c.yaml",
                  "connections:\n"
                  "  c:\n"
                  "    local: {auth: pubkey, cert: certs/host-a.pem, key: private/host-a.pem}\n"
                  "    remote: {address: 192.0.2.2, auth: pubkey, ca: certs/ca.pem}\n" + extra);
        return config::load_file(dir.path() / "c.yaml");
    }
};

TEST(DaemonCredentials, ProblemsOfALoadedConfigurationPointAtTheKeyNamingTheFile) {
    ConfigFiles files;
    files.dir.write("certs/ca.pem", "not a certificate", 0644);
    const auto loaded = files.load();
    ASSERT_TRUE(loaded.ok());
    const auto creds = load_credentials(loaded);
    ASSERT_FALSE(creds.ok());
    ASSERT_EQ(creds.error().size(), 1u);
    const auto& d = creds.error()[0];
    EXPECT_EQ(d.file, (files.dir.path() / "c.yaml").string());
    EXPECT_EQ(d.line, 4);
    EXPECT_EQ(d.column, 52);  // the value of `ca:`
    EXPECT_EQ(d.message.rfind("connection 'c': " + (files.dir.path() / "certs/ca.pem").string() + ": ", 0), 0u) << d.message;
}

TEST(DaemonCredentials, AWrongKeyPasswordPointsAtLocalKey) {
    ConfigFiles files(encrypted_example_key("right"));
    const auto loaded = files.load("secrets:\n  - key: private/host-a.pem\n    password: wrong\n");
    ASSERT_TRUE(loaded.ok()) << config::format(loaded.diagnostics.front());
    const auto creds = load_credentials(loaded);
    ASSERT_FALSE(creds.ok());
    EXPECT_EQ(creds.error()[0].line, 3);
    EXPECT_EQ(creds.error()[0].column, 56);  // the value of local's `key:`
    EXPECT_EQ(creds.error()[0].message.find("wrong"), std::string::npos) << creds.error()[0].message;
}

TEST(DaemonCredentials, AnEncryptedKeyLoadsWithItsPasswordFromSecrets) {
    ConfigFiles files(encrypted_example_key("right"));
    const auto loaded = files.load("secrets:\n  - key: private/host-a.pem\n    password: right\n");
    ASSERT_TRUE(loaded.ok()) << config::format(loaded.diagnostics.front());
    EXPECT_TRUE(load_credentials(loaded).ok());
}

TEST(DaemonCredentials, PskConnectionsNeedNoFiles) {
    ike::policy::Config config;
    config.connections.push_back({});
    config.connections[0].name = "psk";
    EXPECT_FALSE(load_credentials(config).value().find("psk"));
}

}  // namespace
}  // namespace ipsecd
