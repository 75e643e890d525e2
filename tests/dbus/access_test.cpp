// Access control by the project's bus policy (units/org.ipsecd1.conf): a non-root user
// may read and introspect, never change state.
#include "tests/dbus/bus_test.hpp"

namespace ipsecd::bus::test {
namespace {

constexpr const char* kDenied = "org.freedesktop.DBus.Error.AccessDenied";

using AccessControl = BusTest;

TEST_F(AccessControl, NonRootCannotCallStateChangingMethods) {
    const char* manager = "org.ipsecd1.Manager";
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", manager, "Up", "site-b"), kDenied);
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", manager, "Down", "site-b"), kDenied);
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", manager, "Reload"), kDenied);
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", manager, "AddConnection",
                                      "connections:\n  evil: {}\n"),
              kDenied);
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", manager, "RemoveConnection", "x"), kDenied);
    EXPECT_EQ(error_name_as_test_user(address(), kSiteB.c_str(), "org.ipsecd1.Connection", "Up"), kDenied);
    EXPECT_EQ(error_name_as_test_user(address(), kSiteB.c_str(), "org.ipsecd1.Connection", "Down"), kDenied);
}

TEST_F(AccessControl, NonRootMayListReadAndIntrospect) {
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", "org.ipsecd1.Manager", "ListConnections"), "");
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", "org.freedesktop.DBus.Introspectable",
                                      "Introspect"),
              "");
    EXPECT_EQ(error_name_as_test_user(address(), "/org/ipsecd1", "org.freedesktop.DBus.ObjectManager",
                                      "GetManagedObjects"),
              "");
    EXPECT_EQ(error_name_as_test_user(address(), kSiteB.c_str(), "org.freedesktop.DBus.Properties",
                                      "GetAll", "org.ipsecd1.Connection"),
              "");
}

TEST_F(AccessControl, NonRootBusctlIsDeniedUpButReadsProperties) {
    auto up = run({"busctl", "--address=" + address(), "call", "org.ipsecd1", "/org/ipsecd1",
                   "org.ipsecd1.Manager", "Up", "s", "site-b"},
                  true);
    EXPECT_NE(up.exit_code, 0);
    EXPECT_NE(up.err.find("Access denied"), std::string::npos) << up.err;
    auto read = run({"busctl", "--address=" + address(), "get-property", "org.ipsecd1", kSiteB,
                     "org.ipsecd1.Connection", "RemoteAddress"},
                    true);
    EXPECT_EQ(read.exit_code, 0) << read.err;
    EXPECT_EQ(read.out, "s \"192.0.2.2\"\n");
}

TEST_F(AccessControl, NonRootIpsecctlListsButCannotReload) {
    auto ipsecctl = std::getenv("IPSECCTL");
    ASSERT_TRUE(ipsecctl) << "IPSECCTL must be set (meson test does)";
    auto list = run({ipsecctl, "--address", address(), "list"}, true);
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(list.out.starts_with("site-b\nroad.warrior-1\n")) << list.out;
    auto reload = run({ipsecctl, "--address", address(), "reload"}, true);
    EXPECT_EQ(reload.exit_code, 1);
    EXPECT_TRUE(reload.err.starts_with("ipsecctl: ")) << reload.err;
    EXPECT_EQ(std::count(reload.err.begin(), reload.err.end(), '\n'), 1) << reload.err;
}

TEST_F(AccessControl, NonRootIpsecctlReadsTheStatusAPageAtATime) {
    auto ipsecctl = std::getenv("IPSECCTL");
    ASSERT_TRUE(ipsecctl) << "IPSECCTL must be set (meson test does)";
    auto status = run({ipsecctl, "--address", address(), "status"}, true);
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("site-b: "), std::string::npos) << status.out;
}

}  // namespace
}  // namespace ipsecd::bus::test
