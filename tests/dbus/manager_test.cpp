// org.ipsecd1.Manager: every method and error of the contract, over a private bus.
#include "tests/dbus/bus_test.hpp"

namespace ipsecd::bus::test {
namespace {

constexpr const char* kManager = "org.ipsecd1.Manager";

std::vector<std::pair<std::string, std::string>> read_list(Reply& r) {
    std::vector<std::pair<std::string, std::string>> out;
    const char *name = nullptr, *path = nullptr;
    sd_bus_message_enter_container(r.message.get(), 'a', "(so)");
    while (sd_bus_message_read(r.message.get(), "(so)", &name, &path) > 0) out.emplace_back(name, path);
    return out;
}

using Manager = BusTest;

TEST_F(Manager, VersionIsTheProjectVersion) {
    EXPECT_EQ(client->get_string("/org/ipsecd1", kManager, "Version"), IPSECD_VERSION);
}

TEST_F(Manager, ListConnectionsGivesNamesAndEscapedPaths) {
    auto r = client->manager("ListConnections");
    ASSERT_TRUE(r.ok()) << r.error_message;
    auto list = read_list(r);
    ASSERT_GE(list.size(), 4u);
    EXPECT_EQ(list[0], std::make_pair(std::string("site-b"), kSiteB));
    EXPECT_EQ(list[1], std::make_pair(std::string("road.warrior-1"),
                                      std::string("/org/ipsecd1/connection/road_2ewarrior_2d1")));
}

TEST_F(Manager, UpRepliesOnceTheConnectionIsUp) {
    auto r = client->manager("Up", "site-b");
    ASSERT_TRUE(r.ok()) << r.error_message;
    EXPECT_EQ(client->get_string(kSiteB, "org.ipsecd1.Connection", "State"), "up");
    ASSERT_TRUE(client->manager("Down", "site-b").ok());
    EXPECT_EQ(client->get_string(kSiteB, "org.ipsecd1.Connection", "State"), "down");
}

TEST_F(Manager, UpOfUnknownConnectionIsNoSuchConnection) {
    auto r = client->manager("Up", "nope");
    EXPECT_EQ(r.error_name, "org.ipsecd1.Error.NoSuchConnection");
    EXPECT_EQ(r.error_message, "no connection named 'nope'");
}

TEST_F(Manager, DownOfUnknownConnectionIsNoSuchConnection) {
    EXPECT_EQ(client->manager("Down", "nope").error_name, "org.ipsecd1.Error.NoSuchConnection");
}

TEST_F(Manager, UpFailureCarriesTheReason) {
    auto r = client->manager("Up", "badauth");
    EXPECT_EQ(r.error_name, "org.ipsecd1.Error.AuthenticationFailed");
    EXPECT_NE(r.error_message.find("rejected our authentication"), std::string::npos);
}

TEST_F(Manager, ReloadAnnouncesConnectionsItAdded) {
    ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "StageConnection", "s", "from-file").ok());
    auto r = client->manager("Reload");
    ASSERT_TRUE(r.ok()) << r.error_message;
    auto path = connection_path("from-file");
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesAdded", "/org/ipsecd1", path, "org.ipsecd1.Connection");
    }));
    EXPECT_EQ(client->get_string(path, "org.ipsecd1.Connection", "RemoteAddress"), "198.51.100.7");
}

TEST_F(Manager, ReloadErrorIsInvalidConfigWithFilePosition) {
    const char* text = "/etc/ipsecd.d/a.yaml:3:5: unknown key 'lifetme'";
    ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetReloadError", "s", text).ok());
    auto r = client->manager("Reload");
    client->call("/test", "org.ipsecd1.Test", "SetReloadError", "s", "");
    EXPECT_EQ(r.error_name, "org.ipsecd1.Error.InvalidConfig");
    EXPECT_EQ(r.error_message, text);
}

TEST_F(Manager, AddConnectionReturnsTheNewObjectsAndRemoveTakesThemAway) {
    auto r = client->manager("AddConnection",
                             "connections:\n  tr-1:\n    remote:\n      address: 203.0.113.5\n");
    ASSERT_TRUE(r.ok()) << r.error_message;
    const char* path = nullptr;
    sd_bus_message_enter_container(r.message.get(), 'a', "o");
    ASSERT_GT(sd_bus_message_read_basic(r.message.get(), 'o', &path), 0);
    EXPECT_EQ(path, connection_path("tr-1"));
    EXPECT_EQ(sd_bus_message_read_basic(r.message.get(), 'o', &path), 0);
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesAdded", "/org/ipsecd1", connection_path("tr-1"));
    }));
    EXPECT_EQ(client->get_string(connection_path("tr-1"), "org.ipsecd1.Connection", "RemoteAddress"),
              "203.0.113.5");
    int transient = 0;
    sd_bus_get_property_trivial(client->raw(), "org.ipsecd1", connection_path("tr-1").c_str(),
                                "org.ipsecd1.Connection", "Transient", nullptr, 'b', &transient);
    EXPECT_TRUE(transient);

    ASSERT_TRUE(client->manager("RemoveConnection", "tr-1").ok());
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesRemoved", "/org/ipsecd1", connection_path("tr-1"),
                                  "org.ipsecd1.Connection");
    }));
    EXPECT_EQ(client->get(connection_path("tr-1"), "org.ipsecd1.Connection", "Name").error_name,
              "org.freedesktop.DBus.Error.UnknownObject");
}

TEST_F(Manager, AddConnectionReportsBrokenYamlWithBusPosition) {
    auto r = client->manager("AddConnection", "connections:\n  x: [\n");
    EXPECT_EQ(r.error_name, "org.ipsecd1.Error.InvalidConfig");
    EXPECT_TRUE(r.error_message.starts_with("<bus>:")) << r.error_message;
}

TEST_F(Manager, AddConnectionReportsUnknownKeyWithLineAndColumn) {
    auto r = client->manager("AddConnection", "connections:\n  y: {}\nbogus: 1\n");
    EXPECT_EQ(r.error_name, "org.ipsecd1.Error.InvalidConfig");
    EXPECT_EQ(r.error_message, "<bus>:3:1: unknown key 'bogus'");
}

TEST_F(Manager, AddConnectionRejectsANameInUse) {
    auto r = client->manager("AddConnection", "connections:\n  site-b: {}\n");
    EXPECT_EQ(r.error_name, "org.ipsecd1.Error.AlreadyExists");
    EXPECT_EQ(r.error_message, "connection 'site-b' already exists");
}

TEST_F(Manager, RemoveConnectionOfAFileConnectionIsNotTransient) {
    EXPECT_EQ(client->manager("RemoveConnection", "site-b").error_name, "org.ipsecd1.Error.NotTransient");
}

TEST_F(Manager, RemoveConnectionOfUnknownNameIsNoSuchConnection) {
    EXPECT_EQ(client->manager("RemoveConnection", "nope").error_name,
              "org.ipsecd1.Error.NoSuchConnection");
}

TEST_F(Manager, OwnedTransientConnectionsLeaveWithTheirOwner) {
    auto path = connection_path("owned-1");
    {
        Client owner(address());
        auto r = owner.manager("AddConnection", "transient_owner: true\nconnections:\n  owned-1: {}\n");
        ASSERT_TRUE(r.ok()) << r.error_message;
        EXPECT_EQ(client->get_string(path, "org.ipsecd1.Connection", "Name"), "owned-1");
    }
    EXPECT_TRUE(client->wait_for([&] {
        return client->has_signal("InterfacesRemoved", "/org/ipsecd1", path, "org.ipsecd1.Connection");
    }));
}

TEST_F(Manager, UnownedTransientConnectionsOutliveTheirCaller) {
    std::string unique;
    {
        Client caller(address());
        const char* name = nullptr;
        sd_bus_get_unique_name(caller.raw(), &name);
        unique = name;
        ASSERT_TRUE(caller.manager("AddConnection", "connections:\n  kept-1: {}\n").ok());
    }
    // Once the bus has seen the caller go, so has the server (it hears it first).
    EXPECT_TRUE(client->wait_for([&] {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message* m = nullptr;
        int has = 1;
        sd_bus_call_method(client->raw(), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "NameHasOwner", &e, &m, "s", unique.c_str());
        sd_bus_message_read(m, "b", &has);
        sd_bus_message_unref(m);
        sd_bus_error_free(&e);
        return has == 0;
    }));
    EXPECT_EQ(client->get_string(connection_path("kept-1"), "org.ipsecd1.Connection", "Name"), "kept-1");
    EXPECT_TRUE(client->manager("RemoveConnection", "kept-1").ok());
}

TEST_F(Manager, CallerLeavingDuringUpDropsOnlyItsReply) {
    {
        Client impatient(address());
        ASSERT_GE(sd_bus_call_method_async(impatient.raw(), nullptr, "org.ipsecd1", "/org/ipsecd1",
                                           kManager, "Up", nullptr, nullptr, "s", "stalled"),
                  0);
        sd_bus_flush(impatient.raw());
        ASSERT_TRUE(client->wait_for([&] { return pending() == std::make_pair(1u, 1u); }));
    }
    EXPECT_TRUE(client->wait_for([&] { return pending() == std::make_pair(0u, 1u); }))
        << "the reply slot of a caller that left must be released";
    ASSERT_TRUE(control("CompleteStalled").ok());  // the operation itself finishes
    EXPECT_EQ(pending(), std::make_pair(0u, 0u));
    EXPECT_EQ(client->get_string(connection_path("stalled"), "org.ipsecd1.Connection", "State"), "up");
    EXPECT_TRUE(client->manager("Down", "stalled").ok());
}

TEST_F(Manager, IntrospectionShowsTheWholeContract) {
    auto r = client->call("/org/ipsecd1", "org.freedesktop.DBus.Introspectable", "Introspect", "");
    ASSERT_TRUE(r.ok());
    const char* xml = nullptr;
    sd_bus_message_read(r.message.get(), "s", &xml);
    std::string text = xml;
    for (const char* needle :
         {"<interface name=\"org.ipsecd1.Manager\">", "<method name=\"Up\">", "<method name=\"Down\">",
          "<method name=\"Reload\">", "<method name=\"ListConnections\">",
          "<arg type=\"a(so)\" name=\"connections\" direction=\"out\"/>",
          "<method name=\"AddConnection\">", "<method name=\"RemoveConnection\">",
          "<property name=\"Version\" type=\"s\" access=\"read\">",
          "<interface name=\"org.freedesktop.DBus.ObjectManager\">", "<node name=\"connection\"/>"})
        EXPECT_NE(text.find(needle), std::string::npos) << needle;
}

TEST_F(Manager, BusctlIntrospectListsTheContract) {
    auto r = run({"busctl", "--address=" + address(), "introspect", "org.ipsecd1", "/org/ipsecd1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* needle : {".AddConnection", ".ListConnections", ".Reload", ".RemoveConnection",
                               ".Up", ".Down", ".Version", "org.freedesktop.DBus.ObjectManager"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle;
}

}  // namespace
}  // namespace ipsecd::bus::test
