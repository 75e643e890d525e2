#include "net/address.hpp"

#include <gtest/gtest.h>

TEST(Address, ParsesAndPrintsBothFamilies) {
    EXPECT_EQ(net::Address::parse("192.0.2.1")->str(), "192.0.2.1");
    EXPECT_EQ(net::Address::parse("2001:db8::1")->str(), "2001:db8::1");
    EXPECT_FALSE(net::Address::parse("192.0.2.256"));
    EXPECT_FALSE(net::Address::parse("gw.example"));
}

TEST(Prefix, RejectsHostBitsAndBadLengths) {
    EXPECT_TRUE(net::Prefix::parse("10.1.0.0/24"));
    EXPECT_FALSE(net::Prefix::parse("10.1.0.1/24"));
    EXPECT_FALSE(net::Prefix::parse("10.1.0.0/33"));
    EXPECT_FALSE(net::Prefix::parse("10.1.0.0/"));
    EXPECT_EQ(net::Prefix::parse("10.1.0.7")->str(), "10.1.0.7/32");
}

TEST(Prefix, ContainsAndLastAddress) {
    auto p = *net::Prefix::parse("10.2.0.0/24");
    EXPECT_TRUE(p.contains(*net::Address::parse("10.2.0.200")));
    EXPECT_FALSE(p.contains(*net::Address::parse("10.3.0.1")));
    EXPECT_EQ(p.last().str(), "10.2.0.255");
    EXPECT_EQ(net::Prefix::parse("2001:db8::/64")->last().str(), "2001:db8::ffff:ffff:ffff:ffff");
}

TEST(Endpoint, BracketsIpv6) {
    EXPECT_EQ((net::Endpoint{*net::Address::parse("::1"), 500}).str(), "[::1]:500");
}

TEST(Prefix, OfRejectsAnAddressWithHostBits) {
    EXPECT_FALSE(net::Prefix::of(*net::Address::parse("192.0.2.1"), 31));
    EXPECT_EQ(net::Prefix::of(*net::Address::parse("192.0.2.0"), 31)->str(), "192.0.2.0/31");
}
