// The signals of published changes wait for the bus's flush (dbus/bus_publish.cpp): what a
// client sees of changes the flush merged, and when it sees them.
#include <algorithm>

#include "tests/dbus/bus_test.hpp"

namespace ipsecd::bus::test {
namespace {

constexpr const char* kIkeSa = "org.ipsecd1.IkeSa";
constexpr const char* kChildSa = "org.ipsecd1.ChildSa";
const std::string kChurned = ike_sa_path("site-b", kChurnedSpi);
const std::string kSettled = ike_sa_path("site-b", kSettledSpi);
const std::string kSettledChild = child_sa_path("site-b", kSettledSpi, kSettledSpiIn);

// site-b (down) publishes, in one go, an IKE SA that comes and goes and one that is created
// and then established; the test ends with the second one closed and announced as gone.
class SignalFlush : public BusTest {
protected:
    void SetUp() override {
        BusTest::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "Churn", "s", "site-b").ok());
    }
    void TearDown() override {
        if (!client || !client->connected()) return;
        client->call("/test", "org.ipsecd1.Test", "CloseChurned", "s", "site-b");
        EXPECT_TRUE(client->wait_for(
            [&] { return client->has_signal("InterfacesRemoved", "/org/ipsecd1", kSettled, kIkeSa); }));
    }
    bool settled_announced() {
        return client->wait_for([&] {
            return client->has_signal("InterfacesAdded", "/org/ipsecd1", kSettled, kIkeSa) &&
                   client->has_signal("InterfacesAdded", "/org/ipsecd1", kSettledChild, kChildSa);
        });
    }
    std::size_t count(const std::string& member, const std::string& path, const std::string& target) {
        return std::count_if(client->signals.begin(), client->signals.end(), [&](auto& s) {
            return s.member == member && s.path == path && s.target == target;
        });
    }
};

TEST_F(SignalFlush, SignalsFollowWithinTheFlushDelayWithoutACall) {
    EXPECT_TRUE(settled_announced());
}

// The bus builds InterfacesAdded itself (dbus/signals.cpp): with what sd-bus's GetAll gives.
TEST_F(SignalFlush, AnAddedObjectIsAnnouncedWithThePropertiesGetAllReturns) {
    ASSERT_TRUE(settled_announced());
    for (const auto& [path, interface] : {std::pair{kSettled, kIkeSa}, std::pair{kSettledChild, kChildSa}}) {
        auto added = std::find_if(client->signals.begin(), client->signals.end(), [&](auto& s) {
            return s.member == "InterfacesAdded" && s.target == path;
        });
        ASSERT_NE(added, client->signals.end()) << path;
        auto all = client->call(path.c_str(), "org.freedesktop.DBus.Properties", "GetAll", "s", interface);
        ASSERT_TRUE(all.ok()) << all.error_message;
        const std::string properties = text_of_value(all.message.get());
        EXPECT_NE(properties.find("s\"Proposal\""), std::string::npos) << properties;
        EXPECT_EQ(added->properties, properties) << path;
    }
}

// The bus keeps SAs in a compact form of its own (dbus/bus.hpp): reads give what was published.
TEST_F(SignalFlush, APropertyReadGivesThePublishedSaAtOnce) {
    EXPECT_EQ(client->get_string(kSettled, kIkeSa, "State"), "established");
    EXPECT_EQ(client->get_number(kSettled, kIkeSa, "RemoteSpi"), kPeerSpi);
    EXPECT_EQ(client->get_number(kSettled, kIkeSa, "LocalSpi"), kSettledSpi);
    EXPECT_EQ(client->get_array(kSettled, kIkeSa, "Children"), std::vector<std::string>{kSettledChild});
    EXPECT_EQ(client->get_number(kSettledChild, kChildSa, "SpiIn"), kSettledSpiIn);
    EXPECT_EQ(client->get_string(kSettledChild, kChildSa, "IkeSa"), kSettled);
    auto listed = client->get_array(kSiteB, "org.ipsecd1.Connection", "IkeSas");
    EXPECT_NE(std::find(listed.begin(), listed.end(), kSettled), listed.end());
    EXPECT_EQ(std::find(listed.begin(), listed.end(), kChurned), listed.end());
}

TEST_F(SignalFlush, AClosedSaIsNoLongerReadNorListed) {
    ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "CloseChurned", "s", "site-b").ok());
    EXPECT_EQ(client->get(kSettled, kIkeSa, "State").error_name, "org.freedesktop.DBus.Error.UnknownObject");
    EXPECT_EQ(client->get(kSettledChild, kChildSa, "SpiIn").error_name, "org.freedesktop.DBus.Error.UnknownObject");
    auto listed = client->get_array(kSiteB, "org.ipsecd1.Connection", "IkeSas");
    EXPECT_EQ(std::find(listed.begin(), listed.end(), kSettled), listed.end());
}

TEST_F(SignalFlush, AnSaCreatedAndGoneBeforeTheFlushIsNeverAnnounced) {
    ASSERT_TRUE(settled_announced());
    for (auto& s : client->signals) {
        EXPECT_NE(s.path, kChurned) << s.member;
        EXPECT_NE(s.target, kChurned) << s.member;
    }
}

TEST_F(SignalFlush, AnObjectAddedAndChangedIsAnnouncedOnceWithItsLatestValues) {
    ASSERT_TRUE(settled_announced());
    EXPECT_EQ(count("InterfacesAdded", "/org/ipsecd1", kSettled), 1u);
    EXPECT_EQ(count("PropertiesChanged", kSettled, kIkeSa), 0u);
    auto added = std::find_if(client->signals.begin(), client->signals.end(),
                              [&](auto& s) { return s.member == "InterfacesAdded" && s.target == kSettled; });
    ASSERT_NE(added, client->signals.end());
    EXPECT_EQ(added->strings["State"], "established");
}

TEST_F(SignalFlush, TheConnectionsIkeSasIsInvalidatedOncePerFlush) {
    ASSERT_TRUE(client->wait_for(
        [&] { return client->has_signal("PropertiesChanged", kSiteB, "org.ipsecd1.Connection", "IkeSas"); }));
    EXPECT_EQ(count("PropertiesChanged", kSiteB, "org.ipsecd1.Connection"), 1u);
}

// Read from the socket before the reply: no waiting for the flush timer.
TEST_F(SignalFlush, ACallIsAnsweredAfterTheSignalsOfTheChangesBeforeIt) {
    EXPECT_EQ(client->get_string(kSettled, kIkeSa, "State"), "established");
    while (sd_bus_process(client->raw(), nullptr) > 0) {
    }
    EXPECT_TRUE(client->has_signal("InterfacesAdded", "/org/ipsecd1", kSettled, kIkeSa));
}

}  // namespace
}  // namespace ipsecd::bus::test
