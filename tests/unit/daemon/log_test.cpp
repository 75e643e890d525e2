#include "daemon/log.hpp"

#include <gtest/gtest.h>

TEST(Logger, ParsesTheContractLevels) {
    EXPECT_EQ(ipsecd::parse_log_level("debug"), ipsecd::LogLevel::debug);
    EXPECT_EQ(ipsecd::parse_log_level("warning"), ipsecd::LogLevel::warning);
    EXPECT_FALSE(ipsecd::parse_log_level("verbose"));
}

TEST(Logger, FiltersBelowItsLevel) {
    ipsecd::Logger log(ipsecd::LogLevel::warning, ipsecd::LogTarget::stderr);
    EXPECT_TRUE(log.enabled(ipsecd::LogLevel::error));
    EXPECT_FALSE(log.enabled(ipsecd::LogLevel::info));
}

TEST(Logger, WritesLevelAndConnectionToStderr) {
    ipsecd::Logger log(ipsecd::LogLevel::info, ipsecd::LogTarget::stderr);
    testing::internal::CaptureStderr();
    log.info("IKE SA established", {"site-b", "0x1122334455667788"});
    log.debug("not shown");
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "ipsecd info: [site-b] IKE SA established\n");
}
