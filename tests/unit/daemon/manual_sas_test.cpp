// Manually keyed connections in the kernel (daemon/manual_sas.hpp), against the in-memory
// kernel: installed from the configuration, kept as a diff across reloads, removed at the end.
#include "daemon/manual_sas.hpp"

#include <gtest/gtest.h>

#include "daemon/config/loader.hpp"
#include "xfrm/memory_kernel.hpp"
#include "xfrm/policy_ledger.hpp"

namespace ipsecd {
namespace {

constexpr const char* kKey16 = "0x00112233445566778899aabbccddeeff";
constexpr const char* kKey20 = "0x00112233445566778899aabbccddeeff01020304";
constexpr const char* kKey32 = "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// An ESP tunnel between 10.1.0.0/24 and 10.2.0.0/24 (AES-GCM out, AES-CBC + SHA-256 in).
std::string esp_tunnel(const std::string& name, const std::string& out_spi = "0x1001") {
    return "  " + name + ":\n    local: {address: 192.0.2.1, subnets: [10.1.0.0/24]}\n"
           "    remote: {address: 192.0.2.2, subnets: [10.2.0.0/24]}\n"
           "    manual:\n"
           "      out: {spi: " + out_spi + ", encryption: aes128gcm16, encryption_key: " + kKey20 + "}\n"
           "      in: {spi: 0x2001, encryption: aes128, encryption_key: " + kKey16 +
           ", integrity: sha256, integrity_key: " + kKey32 + "}\n";
}

// AH in transport mode between the two hosts.
std::string ah_transport(const std::string& name) {
    return "  " + name + ":\n    local: {address: 192.0.2.1}\n    remote: {address: 192.0.2.2}\n"
           "    manual:\n      mode: transport\n      protocol: ah\n"
           "      out: {spi: 0x3001, integrity: sha256, integrity_key: " + kKey32 + "}\n"
           "      in: {spi: 0x3002, integrity: sha256, integrity_key: " + kKey32 + "}\n";
}

ike::policy::Config config(const std::string& connections) {
    auto loaded = config::parse_text("connections:\n" + connections);
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : config::format(loaded.diagnostics.front()));
    return loaded.config;
}

net::Address address(const char* text) { return *net::Address::parse(text); }

xfrm::SaId sa_id(const char* dst, std::uint32_t spi, xfrm::Proto proto = xfrm::Proto::esp) {
    return {address(dst), spi, proto, std::nullopt};
}

class ManualSasTest : public ::testing::Test {
protected:
    xfrm::MemoryKernel kernel;
    xfrm::PolicyLedger policies{kernel};
    Logger log{LogLevel::error, LogTarget::stderr};
    ManualSas manual{kernel, policies, log};
};

TEST_F(ManualSasTest, InstallsBothSasOfAnEspTunnelWithTheirAlgorithms) {
    manual.apply(config(esp_tunnel("t")));
    ASSERT_EQ(kernel.sas().size(), 2u);
    const auto& out = kernel.sas().at(sa_id("192.0.2.2", 0x1001));
    EXPECT_EQ(out.src, address("192.0.2.1"));
    EXPECT_EQ(out.mode, xfrm::Mode::tunnel);
    ASSERT_TRUE(out.aead);
    EXPECT_EQ(out.aead->name, "rfc4106(gcm(aes))");
    EXPECT_EQ(out.aead->key.size(), 20u);
    const auto& in = kernel.sas().at(sa_id("192.0.2.1", 0x2001));
    EXPECT_EQ(in.src, address("192.0.2.2"));
    ASSERT_TRUE(in.cipher && in.integ);
    EXPECT_EQ(in.cipher->name, "cbc(aes)");
    EXPECT_EQ(in.integ->name, "hmac(sha256)");
    EXPECT_EQ(in.integ->trunc_bits, 128u);
    EXPECT_EQ(in.reqid, out.reqid);
}

TEST_F(ManualSasTest, InstallsOutInAndFwdPoliciesOfATunnelThroughItsReqid) {
    manual.apply(config(esp_tunnel("t")));
    const auto reqid = kernel.sas().begin()->second.reqid;
    ASSERT_EQ(kernel.policies().size(), 3u);
    for (const auto& [id, p] : kernel.policies()) {
        EXPECT_EQ(p.action, xfrm::Action::allow);
        ASSERT_EQ(p.templates.size(), 1u);
        EXPECT_EQ(p.templates[0].reqid, reqid);
        EXPECT_EQ(p.templates[0].mode, xfrm::Mode::tunnel);
        const bool out = id.dir == xfrm::Dir::out;
        EXPECT_EQ(id.selector.src.str(), out ? "10.1.0.0/24" : "10.2.0.0/24");
        EXPECT_EQ(p.templates[0].dst, address(out ? "192.0.2.2" : "192.0.2.1"));
    }
}

TEST_F(ManualSasTest, InstallsAnAhTransportPairWithHostPoliciesAndNoFwd) {
    manual.apply(config(ah_transport("h")));
    ASSERT_EQ(kernel.sas().size(), 2u);
    const auto& out = kernel.sas().at(sa_id("192.0.2.2", 0x3001, xfrm::Proto::ah));
    EXPECT_EQ(out.mode, xfrm::Mode::transport);
    EXPECT_FALSE(out.aead || out.cipher);
    ASSERT_TRUE(out.integ);
    EXPECT_TRUE(kernel.sas().contains(sa_id("192.0.2.1", 0x3002, xfrm::Proto::ah)));
    ASSERT_EQ(kernel.policies().size(), 2u);
    for (const auto& [id, p] : kernel.policies()) {
        EXPECT_NE(id.dir, xfrm::Dir::fwd);
        EXPECT_EQ(p.templates.at(0).proto, xfrm::Proto::ah);
        EXPECT_EQ(id.selector.src.length, 32);
    }
}

TEST_F(ManualSasTest, StatusIsUpWithTheSpisAndNoneForOtherNames) {
    manual.apply(config(esp_tunnel("t")));
    auto s = manual.status("t");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state, ike::engine::ConnectionState::up);
    EXPECT_EQ(s->sa.spi_in, 0x2001u);
    EXPECT_EQ(s->sa.spi_out, 0x1001u);
    EXPECT_EQ(s->sa.proposal, "aes128gcm16 / aes128-sha256");
    EXPECT_EQ(s->remote, address("192.0.2.2"));
    EXPECT_FALSE(manual.status("other"));
}

TEST_F(ManualSasTest, ReloadInstallsAddedAndRemovesRemovedConnections) {
    manual.apply(config(esp_tunnel("t")));
    manual.apply(config(ah_transport("h")));
    EXPECT_FALSE(kernel.sas().contains(sa_id("192.0.2.2", 0x1001)));
    EXPECT_TRUE(kernel.sas().contains(sa_id("192.0.2.2", 0x3001, xfrm::Proto::ah)));
    EXPECT_EQ(kernel.sas().size(), 2u);
    EXPECT_EQ(kernel.policies().size(), 2u);
    EXPECT_FALSE(manual.status("t"));
}

TEST_F(ManualSasTest, ReloadLeavesAnUnchangedConnectionsSasAlone) {
    manual.apply(config(esp_tunnel("t")));
    const auto id = sa_id("192.0.2.2", 0x1001);
    ASSERT_TRUE(kernel.set_counters(id, {.bytes = 840, .packets = 10}));
    manual.apply(config(esp_tunnel("t") + ah_transport("h")));
    auto info = kernel.get_sa(id);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->counters.packets, 10u);  // not re-added, which would reset the counters
    EXPECT_EQ(kernel.sas().size(), 4u);
}

TEST_F(ManualSasTest, ReloadReplacesAChangedConnection) {
    manual.apply(config(esp_tunnel("t")));
    manual.apply(config(esp_tunnel("t", "0x1002")));
    EXPECT_FALSE(kernel.sas().contains(sa_id("192.0.2.2", 0x1001)));
    EXPECT_TRUE(kernel.sas().contains(sa_id("192.0.2.2", 0x1002)));
    EXPECT_EQ(kernel.sas().size(), 2u);
    EXPECT_EQ(kernel.policies().size(), 3u);
}

TEST_F(ManualSasTest, RemoveAllLeavesNoSaAndNoPolicy) {
    manual.apply(config(esp_tunnel("t") + ah_transport("h")));
    manual.remove_all();
    EXPECT_TRUE(kernel.sas().empty());
    EXPECT_TRUE(kernel.policies().empty());
    EXPECT_FALSE(manual.status("t"));
}

TEST_F(ManualSasTest, AnSaTheKernelRefusesLeavesBlockPoliciesAndTheConnectionDown) {
    // Another program's SA holds the outbound SPI: adding ours fails with EEXIST.
    xfrm::Sa theirs;
    theirs.src = address("192.0.2.1");
    theirs.dst = address("192.0.2.2");
    theirs.spi = 0x1001;
    theirs.aead = xfrm::Aead{"rfc4106(gcm(aes))", base::SecretBytes(20), 128};
    ASSERT_TRUE(kernel.add_sa(theirs));
    manual.apply(config(esp_tunnel("t")));
    EXPECT_EQ(kernel.sas().size(), 1u);  // ours, inbound, was taken back; theirs stays
    EXPECT_EQ(kernel.sas().begin()->second, theirs);
    for (const auto& [id, p] : kernel.policies()) EXPECT_EQ(p.action, xfrm::Action::block);
    auto s = manual.status("t");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state, ike::engine::ConnectionState::down);
    EXPECT_NE(s->error.find("spi 0x00001001"), std::string::npos) << s->error;
}

TEST_F(ManualSasTest, AFailedSaNeverLeavesItsTrafficInClear) {
    auto bad = config(esp_tunnel("t"));
    bad.connections[0].manual->out.encryption_key.resize(3);  // the kernel refuses this key
    manual.apply(bad);
    EXPECT_TRUE(kernel.sas().empty());
    ASSERT_EQ(kernel.policies().size(), 3u);
    for (const auto& [id, p] : kernel.policies()) {
        EXPECT_EQ(p.action, xfrm::Action::block) << xfrm::describe(id);
        EXPECT_TRUE(p.templates.empty());
    }
    manual.remove_all();
    EXPECT_TRUE(kernel.policies().empty());
}

// An IKE CHILD SA with the manual connection's selectors (an engine's wishes in the same
// ledger) comes and goes: the manual connection's policies stay, sending to its own SAs.
TEST_F(ManualSasTest, AnIkeChildSaWithTheSameSelectorsGoingLeavesTheManualPoliciesInPlace) {
    manual.apply(config(esp_tunnel("t")));
    const auto manual_policies = kernel.policies();
    ASSERT_EQ(manual_policies.size(), 3u);
    constexpr xfrm::PolicyLedger::Owner ike_engine = 0;
    unsigned failures = 0;
    for (auto [id, p] : manual_policies) {
        p.templates.at(0).reqid = 42;
        policies.want(ike_engine, p, false, [&](const base::Status& st) { failures += st ? 0 : 1; });
    }
    for (const auto& [id, p] : manual_policies)
        policies.drop(ike_engine, id, [&](const base::Status& st) { failures += st ? 0 : 1; });
    EXPECT_EQ(failures, 0u);
    EXPECT_EQ(kernel.policies(), manual_policies);
}

TEST_F(ManualSasTest, AManualConnectionRemovedWhileAnIkeChildSaHoldsItsSelectorsLeavesTheChildsPolicies) {
    manual.apply(config(esp_tunnel("t")));
    auto child_policies = kernel.policies();
    constexpr xfrm::PolicyLedger::Owner ike_engine = 0;
    for (auto& [id, p] : child_policies) {
        p.templates.at(0).reqid = 42;
        policies.want(ike_engine, p, false, [](const base::Status&) {});
    }
    manual.apply(config(ah_transport("h")));
    for (const auto& [id, p] : child_policies) {
        ASSERT_TRUE(kernel.policies().contains(id)) << xfrm::describe(id);
        EXPECT_EQ(kernel.policies().at(id).templates.at(0).reqid, 42u);
    }
}

}  // namespace
}  // namespace ipsecd
