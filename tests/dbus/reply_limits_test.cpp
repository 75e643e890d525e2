// Replies that grow with the number of SAs stay below the bus's message limit: beyond their
// bound they are LimitsExceeded errors (dbus/reply_limits.hpp); GetConnectionObjects reads
// them a page at a time instead (connection_pages_test.cpp).
#include <cstdlib>

#include "dbus/reply_limits.hpp"
#include "tests/dbus/bus_test.hpp"

namespace ipsecd::bus::test {
namespace {

constexpr const char* kLimitsExceeded = "org.freedesktop.DBus.Error.LimitsExceeded";

// site-b up (a connection, an IKE SA, a CHILD SA), the manual pair, and the bounds set by
// the test; the defaults are back afterwards.
class ReplyLimits : public BusTest {
protected:
    void SetUp() override {
        BusTest::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(client->manager("Up", "site-b").ok());
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 1).ok());
    }
    void TearDown() override {
        if (!client || !client->connected()) return;
        limit(kReplyBytesMax, kManagedObjectsMax);
        client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 0);
        client->manager("Down", "site-b");
    }
    void limit(std::uint64_t bytes, std::uint64_t objects) {
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetReplyLimits", "tt", bytes, objects).ok());
    }
    Reply managed_objects() {
        return client->call("/org/ipsecd1", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", "");
    }
};

// How many objects a LimitsExceeded message of GetManagedObjects names.
std::uint64_t objects_named(const std::string& message) {
    const std::string lead = "GetManagedObjects would return ";
    if (!message.starts_with(lead)) return 0;
    return std::strtoull(message.c_str() + lead.size(), nullptr, 10);
}

TEST_F(ReplyLimits, GetManagedObjectsOverItsBoundIsLimitsExceededNamingTheCountAndWhatToReadInstead) {
    limit(kReplyBytesMax, 0);
    auto r = managed_objects();
    EXPECT_EQ(r.error_name, kLimitsExceeded);
    EXPECT_GE(objects_named(r.error_message), 6u) << r.error_message;  // 4 connections, an IKE SA, 3 CHILD SAs
    EXPECT_NE(r.error_message.find("more than the 0 one D-Bus message carries"), std::string::npos) << r.error_message;
    EXPECT_NE(r.error_message.find("org.freedesktop.DBus.Properties.GetAll"), std::string::npos) << r.error_message;
    EXPECT_NE(r.error_message.find("org.ipsecd1.Manager.GetConnectionObjects"), std::string::npos) << r.error_message;
}

TEST_F(ReplyLimits, GetManagedObjectsUpToItsBoundIsAnswered) {
    limit(kReplyBytesMax, 0);
    const std::uint64_t objects = objects_named(managed_objects().error_message);
    ASSERT_GT(objects, 0u);
    limit(kReplyBytesMax, objects);
    EXPECT_TRUE(managed_objects().ok());
    limit(kReplyBytesMax, objects - 1);
    EXPECT_EQ(managed_objects().error_name, kLimitsExceeded);
}

TEST_F(ReplyLimits, IkeSasOverTheByteBoundIsLimitsExceededAndTheOtherPropertiesAreRead) {
    const std::uint64_t one_path = 4 + kSiteBIke.size() + 1 + 3;  // length, bytes, NUL, padding
    limit(4 + one_path / 4 * 4, kManagedObjectsMax);
    EXPECT_EQ(client->get_array(kSiteB, "org.ipsecd1.Connection", "IkeSas"), std::vector<std::string>{kSiteBIke});
    limit(4 + one_path / 4 * 4 - 1, kManagedObjectsMax);
    auto r = client->get(kSiteB, "org.ipsecd1.Connection", "IkeSas");
    EXPECT_EQ(r.error_name, kLimitsExceeded);
    EXPECT_NE(r.error_message.find("IkeSas of site-b would list 1 IKE SAs"), std::string::npos) << r.error_message;
    EXPECT_EQ(client->get_string(kSiteB, "org.ipsecd1.Connection", "State"), "up");
}

TEST_F(ReplyLimits, ListLeasesOverTheByteBoundIsLimitsExceeded) {
    limit(64, kManagedObjectsMax);  // the fake's two leases take more
    auto r = client->manager("ListLeases");
    EXPECT_EQ(r.error_name, kLimitsExceeded);
    EXPECT_NE(r.error_message.find("ListLeases would list 2 leases"), std::string::npos) << r.error_message;
}

}  // namespace
}  // namespace ipsecd::bus::test
