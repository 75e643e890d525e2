#include "daemon/options.hpp"

#include <gtest/gtest.h>

#include <sched.h>

#include <algorithm>

using ipsecd::parse_options;

TEST(Options, DefaultsFollowTheContract) {
    auto r = parse_options({});
    ASSERT_TRUE(r);
    const auto& o = r->options;
    EXPECT_EQ(o.config_dir, "/etc/ipsecd.d");
    EXPECT_EQ(o.runtime_dir, "/run/ipsecd");
    EXPECT_FALSE(o.check);
    EXPECT_EQ(o.log_level, ipsecd::LogLevel::info);
    EXPECT_EQ(o.ike_port, 500);
    EXPECT_EQ(o.natt_port, 4500);
    EXPECT_EQ(o.spi_min, 0x100u);
    EXPECT_EQ(o.spi_max, 0xffffffffu);
    EXPECT_EQ(o.kernel, ipsecd::KernelBackend::netlink);
    EXPECT_FALSE(o.spd_hash.v4);  // the kernel's own thresholds, untouched
    EXPECT_FALSE(o.spd_hash.v6);
}

TEST(Options, ParsesEveryFlag) {
    auto r = parse_options({"--config-dir", "/tmp/c", "--check", "--runtime-dir", "/tmp/r",
                            "--log-level", "debug", "--log-target", "stderr", "--ike-port",
                            "1500", "--natt-port", "14500", "--kernel", "memory", "--spi-range",
                            "0xc0000000-3221225475", "--spd-hthresh4", "24/32",
                            "--spd-hthresh6", "64/128"});
    ASSERT_TRUE(r) << r.error().message;
    const auto& o = r->options;
    EXPECT_EQ(o.config_dir, "/tmp/c");
    EXPECT_TRUE(o.check);
    EXPECT_EQ(o.runtime_dir, "/tmp/r");
    EXPECT_EQ(o.log_level, ipsecd::LogLevel::debug);
    EXPECT_EQ(o.log_target, ipsecd::LogTarget::stderr);
    EXPECT_EQ(o.ike_port, 1500);
    EXPECT_EQ(o.natt_port, 14500);
    EXPECT_EQ(o.spi_min, 0xc0000000u);
    EXPECT_EQ(o.spi_max, 0xc0000003u);
    EXPECT_EQ(o.kernel, ipsecd::KernelBackend::memory);
    EXPECT_EQ(o.spd_hash.v4, (xfrm::SpdHashThreshold{24, 32}));
    EXPECT_EQ(o.spd_hash.v6, (xfrm::SpdHashThreshold{64, 128}));
}

TEST(Options, OneFamilysSpdHashThresholdsLeaveTheOthersToTheKernel) {
    auto r = parse_options({"--spd-hthresh4", "0/32"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->options.spd_hash.v4, (xfrm::SpdHashThreshold{0, 32}));
    EXPECT_FALSE(r->options.spd_hash.v6);
}

TEST(Options, RejectsSpdHashThresholdsMalformedOrLongerThanTheAddressWithOneLine) {
    for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
             {"--spd-hthresh4", "33/32"}, {"--spd-hthresh4", "24"}, {"--spd-hthresh4", "24/x"},
             {"--spd-hthresh6", "64/129"}, {"--spd-hthresh6", "/128"}}) {
        auto r = parse_options({flag, value});
        ASSERT_FALSE(r) << flag << " " << value;
        EXPECT_NE(r.error().message.find(flag + " must be LOCAL/REMOTE"), std::string::npos) << r.error().message;
        EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    }
}

TEST(Options, RejectsUnknownKernelWithOneLine) {
    auto r = parse_options({"--kernel", "pfkey"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "--kernel must be netlink or memory, not 'pfkey'");
}

TEST(Options, ThreadsDefaultToTheCpusWeMayRunOnAndTakeOneToSixtyFour) {
    cpu_set_t cpus;
    ASSERT_EQ(sched_getaffinity(0, sizeof cpus, &cpus), 0);
    EXPECT_EQ(parse_options({})->options.threads, std::min<unsigned>(CPU_COUNT(&cpus), 64));
    EXPECT_EQ(parse_options({"--threads", "64"})->options.threads, 64u);
    for (const char* n : {"0", "65"}) {
        auto r = parse_options({"--threads", n});
        ASSERT_FALSE(r) << n;
        EXPECT_EQ(r.error().message, std::string("--threads must be 1..64, not ") + n);
    }
}

TEST(Options, NewIkeSasSpreadOverTheThreadsWhenBusyUnlessAlways) {
    EXPECT_FALSE(parse_options({})->options.spread_new_sas_always);
    EXPECT_FALSE(parse_options({"--spread-new-sas", "auto"})->options.spread_new_sas_always);
    EXPECT_TRUE(parse_options({"--spread-new-sas", "always"})->options.spread_new_sas_always);
    auto r = parse_options({"--spread-new-sas", "never"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "--spread-new-sas must be auto or always, not 'never'");
}

TEST(Options, RejectsUnknownLevelWithOneLine) {
    auto r = parse_options({"--log-level", "loud"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "--log-level must be error, warning, info or debug, not 'loud'");
}

TEST(Options, RejectsUnknownFlag) {
    auto r = parse_options({"--frobnicate"});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("frobnicate"), std::string::npos);
}

TEST(Options, RejectsSamePortTwice) {
    EXPECT_FALSE(parse_options({"--ike-port", "4500"}));
}

TEST(Options, RejectsAnSpiRangeReservedEmptyOrMalformed) {
    for (const char* bad : {"0xff-0x1000", "0x2000-0x1000", "0x100", "0x100-0x100000000", "-0x100-0x200", "0x100-", "ab-cd"}) {
        auto r = parse_options({"--spi-range", bad});
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message,
                  std::string("--spi-range must be MIN-MAX with 0x100 <= MIN <= MAX <= 0xffffffff, not '") + bad + "'");
    }
}
