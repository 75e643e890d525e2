#include <gtest/gtest.h>

#include "cli/status_json.hpp"

using namespace ipsecd::cli;

namespace {

ConnectionView site_b() {
    ChildView child{"net", "tunnel", "esp", 0xc0ffee01, 0x0badf00d, "aes256gcm16",
                    {"10.1.0.0/24"}, {"10.2.0.0/24"}, 1, 2, 3, 4, 1700000000, 1700003600};
    IkeSaView sa{2, "established", 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
                 "aes256gcm16-prfsha256-x25519", "192.0.2.1", "192.0.2.2", {"10.3.0.7"}, {"10.3.0.53"}, {"corp.example"},
                 1700000000, 0, {child}};
    return {"site-b", "up", "192.0.2.1", "192.0.2.2", {sa}};
}

}  // namespace

TEST(StatusJson, RendersTheContractShape) {
    EXPECT_EQ(render_json({site_b()}),
              R"({"connections":[{"name":"site-b","state":"up","ike_sas":[{"version":2,)"
              R"("state":"established","local_spi":"0x0123456789abcdef",)"
              R"("remote_spi":"0xfedcba9876543210","proposal":"aes256gcm16-prfsha256-x25519",)"
              R"("local":"192.0.2.1","remote":"192.0.2.2","virtual_ips":["10.3.0.7"],)"
              R"("dns":["10.3.0.53"],"dns_domains":["corp.example"],"children":[{"name":"net",)"
              R"("mode":"tunnel","protocol":"esp","spi_in":"0xc0ffee01","spi_out":"0x0badf00d",)"
              R"("proposal":"aes256gcm16","local_ts":["10.1.0.0/24"],"remote_ts":["10.2.0.0/24"],)"
              R"("bytes_in":1,"bytes_out":2,"packets_in":3,"packets_out":4,)"
              R"("established":1700000000,"rekey":1700003600}],"established":1700000000,)"
              R"("rekey":0}]}]})"
              "\n");
}

TEST(StatusJson, NoConnectionsIsAnEmptyArray) {
    EXPECT_EQ(render_json(std::vector<ConnectionView>{}), "{\"connections\":[]}\n");
}

TEST(StatusJson, ConnectionWithoutSasHasEmptyIkeSas) {
    EXPECT_EQ(render_json(std::vector<ConnectionView>{{"a", "down", "", "", {}}}),
              "{\"connections\":[{\"name\":\"a\",\"state\":\"down\",\"ike_sas\":[]}]}\n");
}

TEST(StatusJson, LeasesRenderPoolAddressIdentityAndOnline) {
    EXPECT_EQ(render_json(std::vector<LeaseView>{{"office", "10.3.0.1", "@bob.example", true},
                                                 {"office", "10.3.0.2", "carol", false}}),
              R"({"leases":[{"pool":"office","address":"10.3.0.1","identity":"@bob.example","online":true},)"
              R"({"pool":"office","address":"10.3.0.2","identity":"carol","online":false}]})"
              "\n");
}

TEST(StatusJson, NoLeasesIsAnEmptyArray) {
    EXPECT_EQ(render_json(std::vector<LeaseView>{}), "{\"leases\":[]}\n");
}

TEST(StatusJson, EscapesStringsPerRfc8259) {
    EXPECT_EQ(json_string("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
}

TEST(StatusJson, AManuallyKeyedConnectionHasItsSasAndNoIkeSa) {
    ChildView child{"manual", "transport", "ah", 0x4002, 0x4001, "sha256",
                    {"192.0.2.1/32"}, {"192.0.2.2/32"}, 840, 420, 10, 5, 0, 0};
    EXPECT_EQ(render_json({{"hosts-ah", "up", "192.0.2.1", "192.0.2.2", {}, {child}}}),
              R"({"connections":[{"name":"hosts-ah","state":"up","ike_sas":[],"children":[{"name":"manual",)"
              R"("mode":"transport","protocol":"ah","spi_in":"0x00004002","spi_out":"0x00004001",)"
              R"("proposal":"sha256","local_ts":["192.0.2.1/32"],"remote_ts":["192.0.2.2/32"],)"
              R"("bytes_in":840,"bytes_out":420,"packets_in":10,"packets_out":5,"established":0,"rekey":0}]}]})"
              "\n");
}
