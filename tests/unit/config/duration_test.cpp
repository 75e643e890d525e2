#include "daemon/config/duration.hpp"

#include <gtest/gtest.h>

namespace ipsecd::config {
namespace {

using std::chrono::seconds;

TEST(Duration, ReadsEachUnitAndCombinations) {
    EXPECT_EQ(parse_duration("30s"), seconds(30));
    EXPECT_EQ(parse_duration("10m"), seconds(600));
    EXPECT_EQ(parse_duration("4h"), seconds(4 * 3600));
    EXPECT_EQ(parse_duration("1h30m"), seconds(5400));
    EXPECT_EQ(parse_duration("1d2h3m4s"), seconds(86400 + 7200 + 180 + 4));
}

TEST(Duration, BareNumberIsSeconds) {
    EXPECT_EQ(parse_duration("0"), seconds(0));
    EXPECT_EQ(parse_duration("45"), seconds(45));
}

TEST(Duration, RejectsMalformedText) {
    for (const char* bad : {"", "s", "1x", "30m1h", "1h1h", "1h30", "-5s", "+5s", " 5s", "5s ", "1.5h",
                            "99999999999999999999s", "4000d"})
        EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace ipsecd::config
