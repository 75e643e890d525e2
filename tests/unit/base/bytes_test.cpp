#include "base/bytes.hpp"

#include <gtest/gtest.h>

TEST(Hex, RoundTripsBytes) {
    base::Bytes b{0x00, 0x7f, 0xab, 0xff};
    EXPECT_EQ(base::to_hex(b), "007fabff");
    EXPECT_EQ(base::from_hex("0x007FABff"), b);
}

TEST(Hex, RejectsOddLengthAndNonHexDigits) {
    EXPECT_FALSE(base::from_hex("abc"));
    EXPECT_FALSE(base::from_hex("zz"));
}
