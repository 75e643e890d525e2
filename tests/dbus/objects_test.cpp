// org.ipsecd1.Connection, org.ipsecd1.IkeSa, org.ipsecd1.ChildSa and the ObjectManager:
// properties, methods and signals over a private bus.
#include "tests/dbus/bus_test.hpp"

namespace ipsecd::bus::test {
namespace {

constexpr const char* kConnection = "org.ipsecd1.Connection";
constexpr const char* kIkeSa = "org.ipsecd1.IkeSa";
constexpr const char* kChildSa = "org.ipsecd1.ChildSa";

// Brings site-b up for one test and down again afterwards.
class SiteBUp : public BusTest {
protected:
    void SetUp() override {
        BusTest::SetUp();
        if (HasFatalFailure()) return;
        auto r = client->manager("Up", "site-b");
        ASSERT_TRUE(r.ok()) << r.error_message;
    }
    void TearDown() override {
        if (client && client->connected()) client->manager("Down", "site-b");
    }
};

using Connection = BusTest;

TEST_F(Connection, PropertiesFollowTheSnapshot) {
    EXPECT_EQ(client->get_string(kSiteB, kConnection, "Name"), "site-b");
    EXPECT_EQ(client->get_string(kSiteB, kConnection, "State"), "down");
    EXPECT_EQ(client->get_string(kSiteB, kConnection, "LocalAddress"), "192.0.2.1");
    EXPECT_EQ(client->get_string(kSiteB, kConnection, "RemoteAddress"), "192.0.2.2");
    EXPECT_EQ(client->get_array(kSiteB, kConnection, "IkeSas"), std::vector<std::string>{});
}

TEST_F(Connection, UpAndDownOnTheObjectReplyWhenDone) {
    auto path = connection_path("road.warrior-1");
    ASSERT_TRUE(client->call(path.c_str(), kConnection, "Up", "").ok());
    EXPECT_EQ(client->get_string(path, kConnection, "State"), "up");
    EXPECT_EQ(client->get_array(path, kConnection, "IkeSas"),
              std::vector<std::string>{path + "/ike_0123456789abcdef"});
    ASSERT_TRUE(client->call(path.c_str(), kConnection, "Down", "").ok());
    EXPECT_EQ(client->get_string(path, kConnection, "State"), "down");
}

TEST_F(Connection, StateChangesEmitPropertiesChanged) {
    ASSERT_TRUE(client->manager("Up", "site-b").ok());
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("PropertiesChanged", kSiteB, kConnection, "State") &&
               client->has_signal("PropertiesChanged", kSiteB, kConnection, "IkeSas");
    }));
    ASSERT_TRUE(client->forget_signals());
    ASSERT_TRUE(client->manager("Down", "site-b").ok());
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("PropertiesChanged", kSiteB, kConnection, "State");
    }));
}

// The signals of an Up are read while the client waits for its reply: forgotten, none of
// them may answer a wait for what a later call emits.
TEST_F(Connection, SignalsForgottenAfterACallAreNotSeenByALaterWait) {
    ASSERT_TRUE(client->manager("Up", "site-b").ok());
    ASSERT_TRUE(client->forget_signals());
    ASSERT_TRUE(client->call("/org/ipsecd1", "org.freedesktop.DBus.Peer", "Ping", "").ok());
    while (sd_bus_process(client->raw(), nullptr) > 0) {
    }
    EXPECT_FALSE(client->has_signal("PropertiesChanged", kSiteB, kConnection, "State"));
    EXPECT_FALSE(client->has_signal("PropertiesChanged", kSiteBIke, kIkeSa, "State"));
    ASSERT_TRUE(client->manager("Down", "site-b").ok());
}

TEST_F(Connection, UnknownObjectIsReportedAsSuch) {
    EXPECT_EQ(client->get("/org/ipsecd1/connection/nope", kConnection, "Name").error_name,
              "org.freedesktop.DBus.Error.UnknownObject");
    EXPECT_EQ(client->get(kSiteB + "/ike_0000000000000001", kIkeSa, "State").error_name,
              "org.freedesktop.DBus.Error.UnknownObject");
}

TEST_F(Connection, SasAreAnnouncedWhenAddedAndWhenRemoved) {
    ASSERT_TRUE(client->manager("Up", "site-b").ok());
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesAdded", "/org/ipsecd1", kSiteBIke, kIkeSa) &&
               client->has_signal("InterfacesAdded", "/org/ipsecd1", kSiteBChild, kChildSa);
    }));
    ASSERT_TRUE(client->manager("Down", "site-b").ok());
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesRemoved", "/org/ipsecd1", kSiteBIke, kIkeSa) &&
               client->has_signal("InterfacesRemoved", "/org/ipsecd1", kSiteBChild, kChildSa);
    }));
}

using IkeSa = SiteBUp;

TEST_F(IkeSa, PropertiesFollowTheStatus) {
    EXPECT_EQ(client->get_number(kSiteBIke, kIkeSa, "Version"), 2u);
    EXPECT_EQ(client->get_string(kSiteBIke, kIkeSa, "State"), "established");
    EXPECT_EQ(client->get_number(kSiteBIke, kIkeSa, "LocalSpi"), kIkeSpi);
    EXPECT_EQ(client->get_number(kSiteBIke, kIkeSa, "RemoteSpi"), kPeerSpi);
    EXPECT_EQ(client->get_string(kSiteBIke, kIkeSa, "Proposal"), "aes256gcm16-prfsha256-x25519");
    EXPECT_EQ(client->get_string(kSiteBIke, kIkeSa, "Local"), "192.0.2.1");
    EXPECT_EQ(client->get_string(kSiteBIke, kIkeSa, "Remote"), "192.0.2.2");
    EXPECT_EQ(client->get_number(kSiteBIke, kIkeSa, "LocalPort"), 500u);
    EXPECT_EQ(client->get_number(kSiteBIke, kIkeSa, "RemotePort"), 500u);
    EXPECT_EQ(client->get_string(kSiteBIke, kIkeSa, "Connection"), kSiteB);
    EXPECT_EQ(client->get_array(kSiteBIke, kIkeSa, "Children"), std::vector<std::string>{kSiteBChild});
    EXPECT_EQ(client->get_number(kSiteBIke, kIkeSa, "EstablishedTime"), kEstablished);
    EXPECT_EQ(client->get_number(kSiteBIke, kIkeSa, "RekeyTime"), kEstablished + 4 * 3600);
}

TEST_F(IkeSa, StateChangeEmitsPropertiesChanged) {
    ASSERT_TRUE(client->forget_signals());
    ASSERT_TRUE(client->manager("Down", "site-b").ok());
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("PropertiesChanged", kSiteBIke, kIkeSa, "State");
    }));
}

using ChildSa = SiteBUp;

TEST_F(ChildSa, PropertiesFollowTheStatus) {
    EXPECT_EQ(client->get_string(kSiteBChild, kChildSa, "Name"), "net");
    EXPECT_EQ(client->get_string(kSiteBChild, kChildSa, "Mode"), "tunnel");
    EXPECT_EQ(client->get_string(kSiteBChild, kChildSa, "Protocol"), "esp");
    EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "SpiIn"), kSpiIn);
    EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "SpiOut"), kSpiOut);
    EXPECT_EQ(client->get_string(kSiteBChild, kChildSa, "Proposal"), "aes256gcm16");
    EXPECT_EQ(client->get_array(kSiteBChild, kChildSa, "LocalTs"), std::vector<std::string>{"10.1.0.0/24"});
    EXPECT_EQ(client->get_array(kSiteBChild, kChildSa, "RemoteTs"), std::vector<std::string>{"10.2.0.0/24"});
    EXPECT_EQ(client->get_string(kSiteBChild, kChildSa, "IkeSa"), kSiteBIke);
    EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "EstablishedTime"), kEstablished);
    EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "RekeyTime"), kEstablished + 3600);
}

TEST_F(ChildSa, CountersAreReadFromTheBackendWhenAsked) {
    for (std::uint64_t base : {5u, 500u}) {
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetCounters", "tttt", base, base + 1,
                                 base + 2, base + 3).ok());
        EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "BytesIn"), base);
        EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "BytesOut"), base + 1);
        EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "PacketsIn"), base + 2);
        EXPECT_EQ(client->get_number(kSiteBChild, kChildSa, "PacketsOut"), base + 3);
    }
    client->call("/test", "org.ipsecd1.Test", "SetCounters", "tttt", std::uint64_t{1000},
                 std::uint64_t{2000}, std::uint64_t{10}, std::uint64_t{20});
}

// The manually keyed connection "hosts-ah" exists for one test.
class ManualUp : public BusTest {
protected:
    void SetUp() override {
        BusTest::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 1).ok());
    }
    void TearDown() override {
        if (client && client->connected()) client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 0);
    }
    const std::string path = connection_path("hosts-ah");
    const std::string child = path + "/child_00004002";
};

TEST_F(ManualUp, ItsSaPairIsBelowTheConnectionWithNoIkeSa) {
    EXPECT_EQ(client->get_string(path, kConnection, "State"), "up");
    EXPECT_EQ(client->get_array(path, kConnection, "IkeSas"), std::vector<std::string>{});
    EXPECT_EQ(client->get_array(path, kConnection, "ChildSas"), std::vector<std::string>{child});
    EXPECT_EQ(client->get_string(child, kChildSa, "Mode"), "transport");
    EXPECT_EQ(client->get_string(child, kChildSa, "Protocol"), "ah");
    EXPECT_EQ(client->get_number(child, kChildSa, "SpiIn"), kManualSpiIn);
    EXPECT_EQ(client->get_number(child, kChildSa, "SpiOut"), kManualSpiOut);
    EXPECT_EQ(client->get_string(child, kChildSa, "IkeSa"), "/");
    EXPECT_EQ(client->get_number(child, kChildSa, "PacketsIn"), 10u);  // read from the backend
}

TEST_F(ManualUp, ItsSaPairIsAnnouncedAndRemovedWithIt) {
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesAdded", "/org/ipsecd1", child, kChildSa);
    }));
    ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 0).ok());
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesRemoved", "/org/ipsecd1", child, kChildSa);
    }));
}

// Kept apart from the IKE SA's other fields in the bus's cache (dbus/bus.hpp): read back whole.
TEST_F(IkeSa, VirtualIpsAndDnsAreReadAsPublished) {
    ASSERT_TRUE(client->manager("Up", "road.warrior-1").ok());
    const auto path = ike_sa_path("road.warrior-1", kIkeSpi);
    EXPECT_EQ(client->get_array(path, kIkeSa, "VirtualIps"), std::vector<std::string>{"10.3.0.7"});
    EXPECT_EQ(client->get_array(path, kIkeSa, "Dns"), std::vector<std::string>{"10.3.0.53"});
    EXPECT_EQ(client->get_array(path, kIkeSa, "DnsDomains"), std::vector<std::string>{"corp.example"});
    EXPECT_EQ(client->get_array(kSiteBIke, kIkeSa, "VirtualIps"), std::vector<std::string>{});
    ASSERT_TRUE(client->manager("Down", "road.warrior-1").ok());
}

using ObjectManager = SiteBUp;

TEST_F(ObjectManager, GetManagedObjectsListsEveryObjectWithItsInterface) {
    auto r = client->call("/org/ipsecd1", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", "");
    ASSERT_TRUE(r.ok()) << r.error_message;
    std::map<std::string, std::vector<std::string>> objects;
    auto* m = r.message.get();
    const char *path = nullptr, *interface = nullptr;
    sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}");
    while (sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}") > 0) {
        sd_bus_message_read_basic(m, 'o', &path);
        auto& list = objects[path];
        sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
        while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
            sd_bus_message_read_basic(m, 's', &interface);
            list.emplace_back(interface);
            sd_bus_message_skip(m, "a{sv}");
            sd_bus_message_exit_container(m);
        }
        sd_bus_message_exit_container(m);
        sd_bus_message_exit_container(m);
    }
    auto has = [&](const std::string& p, const char* i) {
        auto it = objects.find(p);
        return it != objects.end() && std::find(it->second.begin(), it->second.end(), i) != it->second.end();
    };
    EXPECT_TRUE(has(kSiteB, kConnection));
    EXPECT_TRUE(has(kSiteBIke, kIkeSa));
    EXPECT_TRUE(has(kSiteBChild, kChildSa));
    EXPECT_TRUE(has(connection_path("road.warrior-1"), kConnection));
}

TEST_F(ObjectManager, ConnectionObjectIntrospectsWithItsChildren) {
    auto r = client->call(kSiteB.c_str(), "org.freedesktop.DBus.Introspectable", "Introspect", "");
    ASSERT_TRUE(r.ok());
    const char* xml = nullptr;
    sd_bus_message_read(r.message.get(), "s", &xml);
    std::string text = xml;
    for (const char* needle : {"<interface name=\"org.ipsecd1.Connection\">", "<property name=\"IkeSas\" type=\"ao\"",
                               "<method name=\"Up\">", "<node name=\"ike_0123456789abcdef\"/>"})
        EXPECT_NE(text.find(needle), std::string::npos) << needle;
}

}  // namespace
}  // namespace ipsecd::bus::test
