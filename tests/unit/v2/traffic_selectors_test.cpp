#include "ike/v2/traffic_selectors.hpp"

#include <gtest/gtest.h>

namespace {

net::Prefix prefix(const char* text) { return *net::Prefix::parse(text); }

}  // namespace

TEST(TrafficSelectors, HostSelectorOfAnOddAddressIsAHostPrefix) {
    // 192.0.2.1-192.0.2.1 is 192.0.2.1/32, not the /31 that merely ends there
    auto back = ike::v2::to_prefixes(ike::v2::to_selectors({prefix("192.0.2.1/32")}));
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].str(), "192.0.2.1/32");
}

TEST(TrafficSelectors, SubnetSelectorsRoundTripToTheirPrefixes) {
    auto back = ike::v2::to_prefixes(ike::v2::to_selectors({prefix("10.1.0.0/24"), prefix("2001:db8::/64")}));
    ASSERT_TRUE(back);
    EXPECT_EQ((*back)[0].str(), "10.1.0.0/24");
    EXPECT_EQ((*back)[1].str(), "2001:db8::/64");
}

TEST(TrafficSelectors, RangesThatAreNoPrefixHaveNoPrefixes) {
    // Each differs from a prefix in one place: a host bit set in the start, one missing
    // in the end, a range across two prefixes.
    for (auto [start, end] : {std::pair{"10.1.0.1", "10.1.0.255"}, std::pair{"10.1.0.0", "10.1.0.254"},
                              std::pair{"10.1.0.128", "10.1.1.127"}}) {
        ike::wire::TrafficSelector ts;
        const auto a = *net::Address::parse(start), b = *net::Address::parse(end);
        ts.start_address.assign(a.bytes.begin(), a.bytes.begin() + 4);
        ts.end_address.assign(b.bytes.begin(), b.bytes.begin() + 4);
        EXPECT_FALSE(ike::v2::to_prefixes({ts})) << start << "-" << end;
    }
}

TEST(TrafficSelectors, NarrowingAHostProposalKeepsTheHost) {
    auto out = ike::v2::narrow(ike::v2::to_selectors({prefix("192.0.2.1/32")}), {prefix("192.0.2.0/24")});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].str(), "192.0.2.1/32");
}
