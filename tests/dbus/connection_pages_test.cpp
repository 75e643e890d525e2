// Manager.GetConnectionObjects: one connection's objects a page at a time, laid out as
// GetManagedObjects lays them out, resuming after the last IKE SA sent; ipsecctl status reads
// its pages and prints what one page would show.
#include <ctime>
#include <cstdlib>
#include <map>
#include <set>

#include "dbus/reply_limits.hpp"
#include "tests/dbus/bus_test.hpp"

namespace ipsecd::bus::test {
namespace {

// A page as the test reads it: object path -> interface -> property names, and the cursor.
struct Page {
    std::map<std::string, std::map<std::string, std::set<std::string>>> objects;
    std::uint64_t next = 0;
    std::string error_name;
};

std::string ike_path(std::uint64_t spi) { return ike_sa_path("site-b", spi); }

// site-b up with three IKE SAs (each with a CHILD SA), the manual pair, and the default bounds.
class ConnectionPages : public BusTest {
protected:
    void SetUp() override {
        BusTest::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(client->manager("Up", "site-b").ok());
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetMoreIkeSas", "su", "site-b", 2).ok());
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 1).ok());
    }
    void TearDown() override {
        if (!client || !client->connected()) return;
        limit(kManagedObjectsMax);
        client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 0);
        client->call("/test", "org.ipsecd1.Test", "SetMoreIkeSas", "su", "site-b", 0);
        client->manager("Down", "site-b");
    }
    void limit(std::uint64_t objects) {
        ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetReplyLimits", "tt",
                                 std::uint64_t{kReplyBytesMax}, objects).ok());
    }
    Page page(const char* name, std::uint64_t after, std::uint32_t count) {
        Page out;
        auto r = client->call("/org/ipsecd1", "org.ipsecd1.Manager", "GetConnectionObjects", "stu", name, after, count);
        out.error_name = r.error_name;
        if (!r.ok()) return out;
        auto* m = r.message.get();
        const char *path = nullptr, *interface = nullptr, *property = nullptr;
        sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}");
        while (sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}") > 0) {
            sd_bus_message_read_basic(m, 'o', &path);
            auto& interfaces = out.objects[path];
            sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
            while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
                sd_bus_message_read_basic(m, 's', &interface);
                auto& properties = interfaces[interface];
                sd_bus_message_enter_container(m, 'a', "{sv}");
                while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
                    sd_bus_message_read_basic(m, 's', &property);
                    properties.insert(property);
                    sd_bus_message_skip(m, "v");
                    sd_bus_message_exit_container(m);
                }
                sd_bus_message_exit_container(m);
                sd_bus_message_exit_container(m);
            }
            sd_bus_message_exit_container(m);
            sd_bus_message_exit_container(m);
        }
        sd_bus_message_exit_container(m);
        sd_bus_message_read_basic(m, 't', &out.next);
        return out;
    }
    Outcome ipsecctl(std::vector<std::string> args) {
        const char* program = std::getenv("IPSECCTL");
        if (!program) return {-1, "", "IPSECCTL must be set (meson test does)"};
        args.insert(args.begin(), {program, "--address", address()});
        return run(args);
    }
    // `ipsecctl ARGS` with pages of thousands of objects and with pages of one IKE SA, both
    // within one hour of the fake's SAs' age. The text shows that age (they were established
    // in 2023, their rekey times are past) in days and hours, so two runs within the same hour
    // of it print the same. Asking for both within one second instead never ended on a loaded
    // host, where the two runs take longer than a second.
    std::pair<Outcome, Outcome> status_both_ways(const std::vector<std::string>& args) {
        const auto age_hours = [] { return (static_cast<std::uint64_t>(std::time(nullptr)) - kEstablished) / 3600; };
        for (;;) {
            const std::uint64_t start = age_hours();
            limit(kManagedObjectsMax);
            Outcome whole = ipsecctl(args);
            limit(1);
            Outcome paged = ipsecctl(args);
            if (age_hours() == start) return {whole, paged};
        }
    }
};

std::set<std::string> paths(const Page& p) {
    std::set<std::string> out;
    for (auto& [path, interfaces] : p.objects) out.insert(path);
    return out;
}

TEST_F(ConnectionPages, OnePageHoldsTheConnectionEveryIkeSaAndEveryChildSaAndEndsTheRead) {
    auto p = page("site-b", 0, 100);
    ASSERT_EQ(p.error_name, "");
    EXPECT_EQ(p.next, 0u);
    EXPECT_EQ(paths(p), (std::set<std::string>{kSiteB, kSiteBIke, kSiteBChild, ike_path(kIkeSpi + 1),
                                               child_sa_path("site-b", kIkeSpi + 1, kSpiIn + 1),
                                               ike_path(kIkeSpi + 2),
                                               child_sa_path("site-b", kIkeSpi + 2, kSpiIn + 2)}));
}

TEST_F(ConnectionPages, EachObjectHasItsInterfaceWithTheGetAllPropertiesButTheConnectionsIkeSas) {
    auto p = page("site-b", 0, 100);
    const auto& connection = p.objects[kSiteB]["org.ipsecd1.Connection"];
    EXPECT_EQ(connection, (std::set<std::string>{"Name", "State", "LocalAddress", "RemoteAddress", "Transient",
                                                 "ChildSas"}));
    EXPECT_TRUE(p.objects[kSiteBIke]["org.ipsecd1.IkeSa"].contains("RekeyTime"));
    EXPECT_TRUE(p.objects[kSiteBChild]["org.ipsecd1.ChildSa"].contains("BytesIn"));
    EXPECT_EQ(p.objects[kSiteBIke].size(), 1u);
}

TEST_F(ConnectionPages, PagesResumeAfterTheLastIkeSaSentAndNeverSplitAnIkeSaFromItsChildSas) {
    // Two objects a page: the first holds the connection and one whole IKE SA all the same.
    auto first = page("site-b", 0, 2);
    EXPECT_EQ(paths(first), (std::set<std::string>{kSiteB, kSiteBIke, kSiteBChild}));
    EXPECT_EQ(first.next, kIkeSpi);
    auto second = page("site-b", first.next, 2);
    EXPECT_EQ(paths(second), (std::set<std::string>{ike_path(kIkeSpi + 1),
                                                    child_sa_path("site-b", kIkeSpi + 1, kSpiIn + 1)}));
    EXPECT_EQ(second.next, kIkeSpi + 1);
    auto last = page("site-b", second.next, 2);
    EXPECT_EQ(paths(last), (std::set<std::string>{ike_path(kIkeSpi + 2),
                                                  child_sa_path("site-b", kIkeSpi + 2, kSpiIn + 2)}));
    EXPECT_EQ(last.next, 0u);
}

TEST_F(ConnectionPages, APageIsNoLargerThanGetManagedObjectsIsAnswered) {
    limit(1);
    auto first = page("site-b", 0, 100);
    EXPECT_EQ(paths(first), (std::set<std::string>{kSiteB, kSiteBIke, kSiteBChild}));
    EXPECT_EQ(first.next, kIkeSpi);
}

TEST_F(ConnectionPages, AConnectionsSasOfNoIkeSaAreOnItsFirstPage) {
    auto p = page("hosts-ah", 0, 1);
    EXPECT_EQ(paths(p), (std::set<std::string>{connection_path("hosts-ah"), child_sa_path("hosts-ah", kManualSpiIn)}));
    EXPECT_EQ(p.next, 0u);
}

TEST_F(ConnectionPages, AnUnknownConnectionIsNoSuchConnectionAndACountOfZeroIsInvalid) {
    EXPECT_EQ(page("nope", 0, 10).error_name, "org.ipsecd1.Error.NoSuchConnection");
    EXPECT_EQ(page("site-b", 0, 0).error_name, "org.freedesktop.DBus.Error.InvalidArgs");
}

TEST_F(ConnectionPages, IpsecctlStatusReadInPagesOfOneIkeSaPrintsTheSameText) {
    auto [whole, paged] = status_both_ways({"status"});
    EXPECT_EQ(whole.exit_code, 0) << whole.err;
    EXPECT_EQ(paged.exit_code, 0) << paged.err;
    EXPECT_NE(whole.out.find("site-b: up"), std::string::npos) << whole.out;
    EXPECT_EQ(paged.out, whole.out);
}

TEST_F(ConnectionPages, IpsecctlStatusJsonReadInPagesOfOneIkeSaPrintsTheSameObject) {
    auto [whole, paged] = status_both_ways({"status", "--json"});
    EXPECT_EQ(whole.exit_code, 0) << whole.err;
    EXPECT_EQ(paged.exit_code, 0) << paged.err;
    EXPECT_NE(whole.out.find(R"("name":"hosts-ah","state":"up","ike_sas":[],"children":[{"name":"manual")"),
              std::string::npos) << whole.out;
    EXPECT_NE(whole.out.find(R"("local_spi":"0x0123456789abcdf1")"), std::string::npos) << whole.out;
    EXPECT_EQ(paged.out, whole.out);
}

}  // namespace
}  // namespace ipsecd::bus::test
