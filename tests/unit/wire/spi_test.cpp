#include "ike/wire/spi.hpp"

#include <gtest/gtest.h>

using namespace ike::wire;

TEST(Spi, ChildSpiIsFourOctetsNetworkOrder) {
    EXPECT_EQ(child_spi_bytes(0x01020304), (base::Bytes{0x01, 0x02, 0x03, 0x04}));
    EXPECT_EQ(child_spi(base::Bytes{0xff, 0x00, 0x00, 0x01}), 0xff000001u);
}

TEST(Spi, IkeSpiIsEightOctetsNetworkOrder) {
    EXPECT_EQ(ike_spi_bytes(0x0102030405060708), (base::Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(ike_spi(base::Bytes{0x80, 0, 0, 0, 0, 0, 0, 0xff}), 0x80000000000000ffull);
}

TEST(Spi, FieldOfTheWrongSizeIsNoSpi) {
    EXPECT_FALSE(child_spi(base::Bytes{1, 2, 3}));
    EXPECT_FALSE(child_spi(base::Bytes(8)));
    EXPECT_FALSE(ike_spi(base::Bytes(4)));
    EXPECT_FALSE(ike_spi(base::Bytes{}));
}

TEST(Spi, RoundTripsEveryOctet) {
    EXPECT_EQ(child_spi(child_spi_bytes(0xdeadbeef)), 0xdeadbeefu);
    EXPECT_EQ(ike_spi(ike_spi_bytes(0xfedcba9876543210)), 0xfedcba9876543210ull);
}
