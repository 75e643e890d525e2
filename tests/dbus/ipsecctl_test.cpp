// The real ipsecctl against the test server on the private bus.
#include <cstdlib>

#include "tests/dbus/bus_test.hpp"

namespace ipsecd::bus::test {
namespace {

class Ipsecctl : public BusTest {
protected:
    Outcome ipsecctl(std::vector<std::string> args) {
        const char* program = std::getenv("IPSECCTL");
        if (!program) return {-1, "", "IPSECCTL must be set (meson test does)"};
        args.insert(args.begin(), {program, "--address", address()});
        return run(args);
    }
};

TEST_F(Ipsecctl, ListPrintsNamesOneALine) {
    auto r = ipsecctl({"list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("site-b\nroad.warrior-1\nstalled\nbadauth\n")) << r.out;
}

TEST_F(Ipsecctl, StatusJsonIsTheContractObject) {
    ASSERT_EQ(ipsecctl({"up", "site-b"}).exit_code, 0);
    auto r = ipsecctl({"status", "--json"});
    ipsecctl({"down", "site-b"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with(
        R"({"connections":[{"name":"site-b","state":"up","ike_sas":[{"version":2,)"
        R"("state":"established","local_spi":"0x0123456789abcdef","remote_spi":"0xfedcba9876543210",)"
        R"("proposal":"aes256gcm16-prfsha256-x25519","local":"192.0.2.1","remote":"192.0.2.2",)"
        R"("virtual_ips":[],"dns":[],"dns_domains":[],"children":[{"name":"net","mode":"tunnel","protocol":"esp",)"
        R"("spi_in":"0xc0ffee01",)"
        R"("spi_out":"0x0badf00d","proposal":"aes256gcm16","local_ts":["10.1.0.0/24"],)"
        R"("remote_ts":["10.2.0.0/24"],"bytes_in":1000,"bytes_out":2000,"packets_in":10,)"
        R"("packets_out":20,"established":1700000000,"rekey":1700003600}],)"
        R"("established":1700000000,"rekey":1700014400}]},{"name":"road.warrior-1","state":"down","ike_sas":[]},)"))
        << r.out;
    EXPECT_TRUE(r.out.ends_with("]}\n")) << r.out;
}

TEST_F(Ipsecctl, StatusShowsTheVirtualIpsDnsServersAndDomainsOfAnIkeSa) {
    ASSERT_EQ(ipsecctl({"up", "road.warrior-1"}).exit_code, 0);
    auto json = ipsecctl({"status", "--json", "road.warrior-1"});
    auto text = ipsecctl({"status", "road.warrior-1"});
    ipsecctl({"down", "road.warrior-1"});
    EXPECT_NE(json.out.find(R"("remote":"192.0.2.2","virtual_ips":["10.3.0.7"],"dns":["10.3.0.53"],)"
                            R"("dns_domains":["corp.example"],"children")"),
              std::string::npos)
        << json.out;
    EXPECT_NE(text.out.find("    virtual IP 10.3.0.7\n    DNS 10.3.0.53, domains corp.example\n"), std::string::npos)
        << text.out;
}

TEST_F(Ipsecctl, LeasesPrintsPoolAddressIdentityAndWhetherOnline) {
    auto r = ipsecctl({"leases"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "office 10.3.0.1 @bob.example online\noffice 10.3.0.2 carol offline\n");
}

TEST_F(Ipsecctl, LeasesJsonIsOneObject) {
    auto r = ipsecctl({"leases", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, R"({"leases":[{"pool":"office","address":"10.3.0.1","identity":"@bob.example","online":true},)"
                     R"({"pool":"office","address":"10.3.0.2","identity":"carol","online":false}]})"
                     "\n");
}

TEST_F(Ipsecctl, StatusJsonShowsAManualConnectionsSasWithoutAnIkeSa) {
    ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 1).ok());
    auto r = ipsecctl({"status", "--json"});
    client->call("/test", "org.ipsecd1.Test", "SetManual", "b", 0);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(R"({"name":"hosts-ah","state":"up","ike_sas":[],"children":[{"name":"manual",)"
                         R"("mode":"transport","protocol":"ah","spi_in":"0x00004002","spi_out":"0x00004001",)"
                         R"("proposal":"sha256","local_ts":["192.0.2.1/32"],"remote_ts":["192.0.2.2/32"],)"
                         R"("bytes_in":1000,"bytes_out":2000,"packets_in":10,"packets_out":20,)"),
              std::string::npos)
        << r.out;
}

TEST_F(Ipsecctl, StatusForPeopleShowsConnectionPeerAndSas) {
    ASSERT_EQ(ipsecctl({"up", "site-b"}).exit_code, 0);
    auto r = ipsecctl({"status"});
    ipsecctl({"down", "site-b"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const char* needle : {"site-b: up, local 192.0.2.1, peer 192.0.2.2\n", "  IKEv2 SA established, established ",
                               "    net: tunnel esp, established ", "      10.1.0.0/24 === 10.2.0.0/24\n",
                               "      in  1000 B (10 packets), SPI 0xc0ffee01\n",
                               "road.warrior-1: down, local any, peer %any\n"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
}

TEST_F(Ipsecctl, FailuresExitNonZeroWithTheBusMessageOnOneLine) {
    auto r = ipsecctl({"up", "nope"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "ipsecctl: no connection named 'nope'\n");
    EXPECT_EQ(r.out, "");
}

TEST_F(Ipsecctl, ReloadErrorShowsFilePosition) {
    const char* text = "/etc/ipsecd.d/b.yaml:7:3: bad duration '1x'";
    ASSERT_TRUE(client->call("/test", "org.ipsecd1.Test", "SetReloadError", "s", text).ok());
    auto r = ipsecctl({"reload"});
    client->call("/test", "org.ipsecd1.Test", "SetReloadError", "s", "");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, std::string("ipsecctl: ") + text + "\n");
    EXPECT_EQ(ipsecctl({"reload"}).exit_code, 0);
}

TEST_F(Ipsecctl, UpAndDownSucceedQuietly) {
    auto up = ipsecctl({"up", "site-b"});
    EXPECT_EQ(up.exit_code, 0) << up.err;
    EXPECT_EQ(up.out + up.err, "");
    auto down = ipsecctl({"down", "site-b"});
    EXPECT_EQ(down.exit_code, 0) << down.err;
}

TEST_F(Ipsecctl, BusctlCallListConnections) {
    auto r = run({"busctl", "--address=" + address(), "call", "org.ipsecd1", "/org/ipsecd1",
                  "org.ipsecd1.Manager", "ListConnections"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("a(so) ")) << r.out;
    EXPECT_NE(r.out.find("\"site-b\" \"/org/ipsecd1/connection/site_2db\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ipsecd::bus::test
