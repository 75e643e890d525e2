// The daemon's Control (daemon/control.hpp, the D-Bus backend) driving a real Daemon in a
// private network namespace with only loopback (root needed): the daemon binds port 500
// there and every peer is unreachable.
#include "daemon/control.hpp"

#include <botan/pkcs8.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <optional>

#include "../xfrm/private_netns.hpp"
#include "daemon/config/loader.hpp"
#include "daemon/credentials.hpp"
#include "tests/unit/config/temp_dir.hpp"
#include "tests/unit/crypto/test_pki.hpp"
#include "xfrm/memory_kernel.hpp"
#include "xfrm/netlink_routing.hpp"

namespace ipsecd {
namespace {

namespace pki = ike::crypto::test;

std::string example(const std::string& relative) {
    std::ifstream in(std::string(EXAMPLES_DIR) + "/" + relative, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ControlTest : public ::testing::Test {
protected:
    // Starts the daemon with `yaml` as the config dir's c.yaml (and the files it names).
    void start(const std::string& yaml) {
        ASSERT_EQ(xfrm::test::private_netns_error(), "");
        options.config_dir = dir.path().string();
        dir.write("c.yaml", yaml);
        auto loaded = config::load_directory(dir.path());
        ASSERT_TRUE(loaded.ok()) << config::format(loaded.diagnostics.front());
        auto credentials = load_credentials(loaded);
        ASSERT_TRUE(credentials.ok()) << config::format(credentials.error().front());
        auto opened = xfrm::NetlinkRouting::open();
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        routing = std::move(*opened);
        daemon = std::make_unique<Daemon>(options, log);
        auto st = daemon->start(loaded.config, std::make_unique<xfrm::MemoryKernel>(), *routing, -1, {});
        ASSERT_TRUE(st.ok()) << st.error().message;
        control = std::make_unique<Control>(*daemon, options, log, loaded.config, std::move(*credentials));
        daemon->set_state_listener([this](const ike::engine::StatePublished& s) { control->on_state(s); });  // as main.cpp
    }
    // Up's reply, when it came before up() returned.
    std::optional<bus::Status> up(const std::string& name) {
        std::optional<bus::Status> reply;
        control->up(name, [&](bus::Status s) { reply = std::move(s); });
        return reply;
    }
    std::string certificate_cn() {
        return control->credentials().find("c")->chain.at(0).subject_dn().get_first_attribute("CN");
    }

    config::test_support::TempDir dir;
    Options options;
    Logger log{LogLevel::error, LogTarget::stderr};
    std::unique_ptr<xfrm::NetlinkRouting> routing;
    std::unique_ptr<Daemon> daemon;
    std::unique_ptr<Control> control;
};

constexpr const char* kUnreachable = R"(
connections:
  by-name:
    remote: { address: peer.example.invalid }
    children: { net: { local_subnets: [10.1.0.0/24], remote_subnets: [10.2.0.0/24] } }
  unreachable:
    local: { address: 127.0.0.1 }
    remote: { address: 192.0.2.2 }
    children: { net: { local_subnets: [10.1.0.0/24], remote_subnets: [10.2.0.0/24] } }
  unrouted:
    remote: { address: 192.0.2.2 }
    children: { net: { local_subnets: [10.1.0.0/24], remote_subnets: [10.2.0.0/24] } }
)";

// The name is resolved off the loop (no DNS server is reachable from the namespace): Up
// answers once the resolver does, with the typed failure.
TEST_F(ControlTest, UpFailsWhenTheHostNameDoesNotResolve) {
    start(kUnreachable);
    std::optional<bus::Status> reply;
    control->up("by-name", [&](bus::Status s) { reply = std::move(s); });
    for (int i = 0; i < 300 && !reply; ++i) ASSERT_GE(sd_event_run(daemon->event(), 100000), 0);
    ASSERT_TRUE(reply.has_value()) << "Up did not reply";
    ASSERT_FALSE(reply->ok());
    EXPECT_EQ(reply->error().reason, bus::Reason::host_unresolved);
    EXPECT_EQ(reply->error().message, "'by-name': the peer's host name did not resolve (see the log)");
}

TEST_F(ControlTest, UpFailsAtOnceWhenTheFirstRequestCannotBeSent) {
    start(kUnreachable);
    auto reply = up("unreachable");
    ASSERT_TRUE(reply.has_value()) << "Up did not reply";
    ASSERT_FALSE(reply->ok());
    EXPECT_EQ(reply->error().reason, bus::Reason::failed);
    EXPECT_NE(reply->error().message.find("'unreachable': "), std::string::npos) << reply->error().message;
    EXPECT_NE(reply->error().message.find("Network is unreachable"), std::string::npos) << reply->error().message;
}

// Without a local address the source comes from the route to the peer; with none, nothing
// is sent and Up says why.
TEST_F(ControlTest, UpFailsAtOnceWhenNoRouteGivesTheSourceAddress) {
    start(kUnreachable);
    auto reply = up("unrouted");
    ASSERT_TRUE(reply.has_value()) << "Up did not reply";
    ASSERT_FALSE(reply->ok());
    EXPECT_EQ(reply->error().reason, bus::Reason::failed);
    EXPECT_NE(reply->error().message.find("'unrouted': cannot initiate (no usable address or route to the peer"),
              std::string::npos)
        << reply->error().message;
}

TEST_F(ControlTest, UpOfAnUnknownConnectionIsNoSuchConnection) {
    start(kUnreachable);
    auto reply = up("nope");
    ASSERT_TRUE(reply.has_value());
    ASSERT_FALSE(reply->ok());
    EXPECT_EQ(reply->error().reason, bus::Reason::no_such_connection);
}

constexpr const char* kPubkey = R"(connections:
  c:
    local: {auth: pubkey, cert: certs/host.pem, key: private/host.pem}
    remote: {address: 192.0.2.2, auth: pubkey, ca: certs/ca.pem}
)";

class ControlReload : public ControlTest {
protected:
    void SetUp() override {
        dir.write("certs/host.pem", example("certs/host-a.pem"), 0644);
        dir.write("private/host.pem", example("private/host-a.pem"));
        dir.write("certs/ca.pem", example("certs/ca.pem"), 0644);
        start(kPubkey);
    }
};

TEST_F(ControlReload, PicksUpARenewedCertificate) {
    ASSERT_EQ(certificate_cn(), "host-a.example");
    const auto ca = pki::make_ca("Renewal CA");
    const auto key = pki::pki_key(pki::KeyType::p256, 7);
    dir.write("certs/host.pem", pki::issue(ca, "host-a.renewed", *key, {}).PEM_encode(), 0644);
    dir.write("private/host.pem", Botan::PKCS8::PEM_encode(*key));
    auto st = control->reload();
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_EQ(certificate_cn(), "host-a.renewed");
}

// NetworkManager's plugin hands an EAP road warrior's password over with its connection.
TEST_F(ControlReload, AnAddedConnectionsEapPasswordGoesAndLeavesWithIt) {
    const std::string ca = dir.path().string() + "/certs/ca.pem";
    auto added = control->add_connection("connections:\n  home:\n    local: {auth: eap-mschapv2, eap_id: carol}\n"
                                         "    remote: {address: 192.0.2.3, auth: pubkey, ca: \"" + ca + "\"}\n"
                                         "secrets:\n  - eap_id: carol\n    password: \"secret\"\n",
                                         ":1.7");
    ASSERT_TRUE(added.ok()) << added.error().message;
    auto merged = control->merged();
    ASSERT_EQ(merged.eap_secrets.size(), 1u);
    EXPECT_EQ(merged.eap_secrets[0].id, "carol");
    ASSERT_TRUE(control->remove_connection("home").ok());
    EXPECT_TRUE(control->merged().eap_secrets.empty());
}

TEST_F(ControlReload, ABrokenCertificateFailsTheReloadAtItsKeyAndChangesNothing) {
    dir.write("certs/host.pem", "not a certificate", 0644);
    auto st = control->reload();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().reason, bus::Reason::invalid_config);
    EXPECT_EQ(st.error().message.rfind((dir.path() / "c.yaml").string() + ":3:33: connection 'c': ", 0), 0u)
        << st.error().message;
    EXPECT_EQ(certificate_cn(), "host-a.example");
}

constexpr const char* kManualAh = R"(connections:
  hosts-ah:
    local: {address: 192.0.2.1}
    remote: {address: 192.0.2.2}
    manual:
      mode: transport
      protocol: ah
      out: {spi: 0x4001, integrity: sha256, integrity_key: 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f}
      in: {spi: 0x4002, integrity: sha256, integrity_key: 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f}
)";

class ControlManual : public ControlTest {
protected:
    void SetUp() override {
        start(kManualAh);
        control->start_connections();
    }
    xfrm::MemoryKernel& kernel() { return static_cast<xfrm::MemoryKernel&>(daemon->kernel()); }
};

TEST_F(ControlManual, AManualConnectionIsUpWithItsSaPairAndNoIkeSa) {
    ASSERT_EQ(control->names(), std::vector<std::string>{"hosts-ah"});
    const auto connection = control->connection("hosts-ah");
    ASSERT_TRUE(connection.has_value());
    const auto& c = *connection;
    EXPECT_EQ(c.status.state, ike::engine::ConnectionState::up);
    EXPECT_TRUE(c.status.ike_sas.empty());
    ASSERT_EQ(c.child_sas.size(), 1u);
    EXPECT_EQ(c.child_sas[0].spi_in, 0x4002u);
    EXPECT_EQ(c.child_sas[0].spi_out, 0x4001u);
    EXPECT_EQ(c.child_sas[0].protocol, xfrm::Proto::ah);
}

TEST_F(ControlManual, ItsCountersComeFromTheKernel) {
    const xfrm::SaId in{*net::Address::parse("192.0.2.1"), 0x4002, xfrm::Proto::ah, std::nullopt};
    const xfrm::SaId out{*net::Address::parse("192.0.2.2"), 0x4001, xfrm::Proto::ah, std::nullopt};
    ASSERT_TRUE(kernel().set_counters(in, {.bytes = 840, .packets = 10}));
    ASSERT_TRUE(kernel().set_counters(out, {.bytes = 420, .packets = 5}));
    auto c = control->connection("hosts-ah").value();
    auto live = control->child_sa_live(c.status.name, {}, c.child_sas.at(0));
    EXPECT_EQ(live.packets_in, 10u);
    EXPECT_EQ(live.bytes_in, 840u);
    EXPECT_EQ(live.packets_out, 5u);
    EXPECT_EQ(live.bytes_out, 420u);
}

TEST_F(ControlManual, UpSucceedsAndDownIsRefusedWithTheReason) {
    auto reply = up("hosts-ah");
    ASSERT_TRUE(reply.has_value());
    EXPECT_TRUE(reply->ok());
    std::optional<bus::Status> down;
    control->down("hosts-ah", [&](bus::Status s) { down = std::move(s); });
    ASSERT_TRUE(down.has_value());
    ASSERT_FALSE(down->ok());
    EXPECT_NE(down->error().message.find("manually keyed"), std::string::npos);
    EXPECT_EQ(kernel().sas().size(), 2u);
}

TEST_F(ControlManual, AReloadWithoutItRemovesItsSasAndPolicies) {
    dir.write("c.yaml", "connections: {}\n");
    auto st = control->reload();
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_TRUE(kernel().sas().empty());
    EXPECT_TRUE(kernel().policies().empty());
}

TEST_F(ControlManual, AReloadNamesTheConnectionsItChangedAndNoOther) {
    auto same = control->reload();
    ASSERT_TRUE(same.ok()) << same.error().message;
    EXPECT_TRUE(same->empty());
    std::string changed = kManualAh;
    changed.replace(changed.find("spi: 0x4001"), 11, "spi: 0x4003");
    dir.write("c.yaml", changed + R"(  hosts-new:
    local: {address: 192.0.2.1}
    remote: {address: 192.0.2.3}
    children:
      net: {mode: transport, start: none}
)");
    auto st = control->reload();
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_EQ(*st, std::vector<std::string>{"hosts-ah"});
    EXPECT_EQ(control->names(), (std::vector<std::string>{"hosts-ah", "hosts-new"}));
}

TEST_F(ControlManual, SigtermLeavesNoSaAndNoPolicy) {
    ASSERT_EQ(kernel().sas().size(), 2u);
    ASSERT_EQ(kill(getpid(), SIGTERM), 0);  // blocked by start(): sd-event's signalfd takes it
    while (sd_event_get_state(daemon->event()) != SD_EVENT_FINISHED)
        ASSERT_GE(sd_event_run(daemon->event(), 1000 * 1000), 0);
    EXPECT_TRUE(kernel().sas().empty());
    EXPECT_TRUE(kernel().policies().empty());
}

TEST_F(ControlTest, AManualConnectionTheKernelRefusesIsDownWithTheReasonAndShowsNoSas) {
    start(kManualAh);
    auto& kernel = static_cast<xfrm::MemoryKernel&>(daemon->kernel());
    xfrm::Sa theirs;  // another program's SA holds our inbound SPI
    theirs.src = *net::Address::parse("192.0.2.2");
    theirs.dst = *net::Address::parse("192.0.2.1");
    theirs.spi = 0x4002;
    theirs.proto = xfrm::Proto::ah;
    theirs.integ = xfrm::Integrity{"hmac(sha256)", base::SecretBytes(32), 128};
    ASSERT_TRUE(kernel.add_sa(theirs));
    control->start_connections();
    auto c = control->connection("hosts-ah").value();
    EXPECT_EQ(c.status.state, ike::engine::ConnectionState::down);
    EXPECT_NE(c.manual_error.find("spi 0x00004002"), std::string::npos) << c.manual_error;
    EXPECT_TRUE(c.child_sas.empty());
    auto reply = up("hosts-ah");
    ASSERT_TRUE(reply.has_value());
    ASSERT_FALSE(reply->ok());
    EXPECT_NE(reply->error().message.find("File exists"), std::string::npos) << reply->error().message;
}

}  // namespace
}  // namespace ipsecd
