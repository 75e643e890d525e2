#include <gtest/gtest.h>

#include "cli/status_text.hpp"

using namespace ipsecd::cli;

TEST(StatusText, DurationsShowTwoUnits) {
    EXPECT_EQ(duration_text(0), "0s");
    EXPECT_EQ(duration_text(45), "45s");
    EXPECT_EQ(duration_text(312), "5m 12s");
    EXPECT_EQ(duration_text(3600), "1h");
    EXPECT_EQ(duration_text(3 * 3600 + 54 * 60 + 9), "3h 54m");
    EXPECT_EQ(duration_text(2 * 86400 + 3600), "2d 1h");
}

TEST(StatusText, BytesUseBinaryUnits) {
    EXPECT_EQ(bytes_text(512), "512 B");
    EXPECT_EQ(bytes_text(1536), "1.5 KiB");
    EXPECT_EQ(bytes_text(3u << 20), "3.0 MiB");
}

TEST(StatusText, NoConnectionsSaysSo) { EXPECT_EQ(render_text({}, 0), "no connections\n"); }

TEST(StatusText, ShowsTheVirtualIpsOfAnIkeSa) {
    IkeSaView sa{2, "established", 1, 2, "", "192.0.2.1", "192.0.2.2", {"10.3.0.7", "fd00::7"}, {}, {}, 1000, 0, {}};
    EXPECT_EQ(render_text({{"rw", "up", "192.0.2.1", "%any", {sa}}}, 1000),
              "rw: up, local 192.0.2.1, peer %any\n"
              "  IKEv2 SA established, established 0s ago\n"
              "    192.0.2.1 <-> 192.0.2.2, SPIs 0x0000000000000001 0x0000000000000002\n"
              "    virtual IP 10.3.0.7 fd00::7\n");
}

TEST(StatusText, ShowsConnectionPeerAgeAndTraffic) {
    ChildView child{"net", "tunnel", "esp", 0xc0ffee01, 0x0badf00d, "aes256gcm16",
                    {"10.1.0.0/24"}, {"10.2.0.0/24"}, 2048, 0, 2, 0, 1000, 4600};
    IkeSaView sa{2, "established", 1, 2, "aes256gcm16-prfsha256-x25519", "192.0.2.1",
                 "192.0.2.2", {}, {}, {}, 1000, 0, {child}};
    auto text = render_text({{"site-b", "up", "192.0.2.1", "192.0.2.2", {sa}}}, 1312);
    EXPECT_EQ(text,
              "site-b: up, local 192.0.2.1, peer 192.0.2.2\n"
              "  IKEv2 SA established, established 5m 12s ago\n"
              "    192.0.2.1 <-> 192.0.2.2, SPIs 0x0000000000000001 0x0000000000000002\n"
              "    aes256gcm16-prfsha256-x25519\n"
              "    net: tunnel esp, established 5m 12s ago, rekey in 54m 48s\n"
              "      10.1.0.0/24 === 10.2.0.0/24\n"
              "      in  2.0 KiB (2 packets), SPI 0xc0ffee01\n"
              "      out 0 B (0 packets), SPI 0x0badf00d\n"
              "      aes256gcm16\n");
}

TEST(StatusText, AManuallyKeyedConnectionShowsItsSasWithoutAnIkeSa) {
    ChildView child{"manual", "transport", "ah", 0x4002, 0x4001, "sha256",
                    {"192.0.2.1/32"}, {"192.0.2.2/32"}, 840, 420, 10, 5, 0, 0};
    EXPECT_EQ(render_text({{"hosts-ah", "up", "192.0.2.1", "192.0.2.2", {}, {child}}}, 0),
              "hosts-ah: up, local 192.0.2.1, peer 192.0.2.2\n"
              "  manually keyed, no IKE SA\n"
              "    manual: transport ah\n"
              "      192.0.2.1/32 === 192.0.2.2/32\n"
              "      in  840 B (10 packets), SPI 0x00004002\n"
              "      out 420 B (5 packets), SPI 0x00004001\n"
              "      sha256\n");
}
