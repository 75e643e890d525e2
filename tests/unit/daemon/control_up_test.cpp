// D-Bus Up through the daemon's Control (daemon/control.hpp) when the initiation fails before
// there is an IKE SA to wait for: the call must complete with the reason, never hang. Runs
// in a private network namespace with only loopback (root needed), so the daemon may bind
// port 500 and the peer's address is unreachable.
#include "daemon/control.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "../xfrm/private_netns.hpp"
#include "daemon/config/loader.hpp"
#include "xfrm/memory_kernel.hpp"

namespace ipsecd {
namespace {

constexpr const char* kConfig = R"(
connections:
  by-name:
    remote: { address: peer.example.invalid }
    children: { net: { local_subnets: [10.1.0.0/24], remote_subnets: [10.2.0.0/24] } }
  unreachable:
    remote: { address: 192.0.2.2 }
    children: { net: { local_subnets: [10.1.0.0/24], remote_subnets: [10.2.0.0/24] } }
)";

class ControlUp : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(xfrm::test::private_netns_error(), "");
        auto loaded = config::parse_text(kConfig);
        ASSERT_TRUE(loaded.ok()) << config::format(loaded.diagnostics.front());
        daemon = std::make_unique<Daemon>(options, log);
        auto st = daemon->start(loaded.config, std::make_unique<xfrm::MemoryKernel>(), -1, {});
        ASSERT_TRUE(st.ok()) << st.error().message;
        control = std::make_unique<Control>(*daemon, options, log, loaded.config);
    }
    // Up's reply, when it came before up() returned.
    std::optional<bus::Status> up(const std::string& name) {
        std::optional<bus::Status> reply;
        control->up(name, [&](bus::Status s) { reply = std::move(s); });
        return reply;
    }

    Options options;
    Logger log{LogLevel::error, LogTarget::stderr};
    std::unique_ptr<Daemon> daemon;
    std::unique_ptr<Control> control;
};

TEST_F(ControlUp, FailsAtOnceWhenTheRemoteAddressIsNotAnAddress) {
    auto reply = up("by-name");
    ASSERT_TRUE(reply.has_value()) << "Up did not reply";
    ASSERT_FALSE(reply->ok());
    EXPECT_EQ(reply->error().reason, bus::Reason::failed);
    EXPECT_NE(reply->error().message.find("'by-name': cannot initiate"), std::string::npos) << reply->error().message;
}

TEST_F(ControlUp, FailsAtOnceWhenTheFirstRequestCannotBeSent) {
    auto reply = up("unreachable");
    ASSERT_TRUE(reply.has_value()) << "Up did not reply";
    ASSERT_FALSE(reply->ok());
    EXPECT_EQ(reply->error().reason, bus::Reason::failed);
    EXPECT_NE(reply->error().message.find("'unreachable': "), std::string::npos) << reply->error().message;
    EXPECT_NE(reply->error().message.find("Network is unreachable"), std::string::npos) << reply->error().message;
}

TEST_F(ControlUp, UnknownConnectionIsNoSuchConnection) {
    auto reply = up("nope");
    ASSERT_TRUE(reply.has_value());
    ASSERT_FALSE(reply->ok());
    EXPECT_EQ(reply->error().reason, bus::Reason::no_such_connection);
}

}  // namespace
}  // namespace ipsecd
