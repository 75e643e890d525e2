// What ipsecd asks systemd-resolved to hold per link (daemon/resolved_links.hpp).
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "daemon/resolved_links.hpp"

namespace ipsecd {
namespace {

net::Address ip(const char* text) { return *net::Address::parse(text); }

const ResolvedLinks::Owner kFirst{"home", 1}, kSecond{"home", 2}, kOther{"work", 7};
const LinkDns kHome = link_dns_of({ip("10.2.0.53")}, {"corp.example"});
const LinkDns kLan{{ip("192.168.1.1")}, {{"lan", false}}};

TEST(ResolvedLinks, ReceivedDomainsAreRoutingOnlyDomains) {
    EXPECT_EQ(kHome.domains, (std::vector<LinkDomain>{{"corp.example", true}}));
}

TEST(ResolvedLinks, SetLinkDnsTakesTheFamilyAndTheAddressBytes) {
    auto args = set_link_dns_args({ip("10.2.0.53"), ip("2001:db8::35")});
    ASSERT_EQ(args.size(), 2u);
    EXPECT_EQ(args[0], (std::pair<int, std::vector<std::uint8_t>>{AF_INET, {10, 2, 0, 53}}));
    EXPECT_EQ(args[1].first, AF_INET6);
    EXPECT_EQ(args[1].second.size(), 16u);
    EXPECT_EQ(args[1].second[15], 0x35);
}

TEST(ResolvedLinks, SetLinkDomainsTakesTheNameAndTheRoutingOnlyFlag) {
    EXPECT_EQ(set_link_domains_args({{"corp.example", true}, {"lan", false}}),
              (std::vector<std::pair<std::string, bool>>{{"corp.example", true}, {"lan", false}}));
}

TEST(ResolvedLinks, NothingIsWantedBeforeWhatTheLinkHadIsKnown) {
    ResolvedLinks links;
    EXPECT_EQ(links.hold(kFirst, 3, kHome), std::vector<int>{3});
    EXPECT_TRUE(links.held(3));
    EXPECT_FALSE(links.known(3));
}

TEST(ResolvedLinks, OursAreAddedToWhatTheLinkHad) {
    ResolvedLinks links;
    links.hold(kFirst, 3, kHome);
    links.remember(3, kLan);
    EXPECT_EQ(links.wanted(3), (LinkDns{{ip("192.168.1.1"), ip("10.2.0.53")}, {{"lan", false}, {"corp.example", true}}}));
}

TEST(ResolvedLinks, TheLastOwnerGoneLeavesNothingWantedSoTheLinkIsRestored) {
    ResolvedLinks links;
    links.hold(kFirst, 3, kHome);
    links.remember(3, kLan);
    EXPECT_EQ(links.release(kFirst), std::vector<int>{3});
    EXPECT_EQ(links.wanted(3), std::nullopt);
    EXPECT_EQ(links.before(3), kLan);
}

TEST(ResolvedLinks, TwoIkeSasOnOneLinkDoNotClobberEachOther) {
    ResolvedLinks links;
    links.hold(kFirst, 3, kHome);
    links.hold(kOther, 3, link_dns_of({ip("10.9.0.53")}, {"work.example"}));
    links.remember(3, {});
    EXPECT_EQ(links.wanted(3)->servers, (std::vector<net::Address>{ip("10.2.0.53"), ip("10.9.0.53")}));
    links.release(kFirst);
    EXPECT_EQ(links.wanted(3), link_dns_of({ip("10.9.0.53")}, {"work.example"}));
}

TEST(ResolvedLinks, ARekeyedSuccessorKeepsTheServersWhenItsPredecessorGoes) {
    ResolvedLinks links;
    links.hold(kFirst, 3, kHome);
    links.remember(3, {});
    links.hold(kSecond, 3, kHome);
    EXPECT_EQ(links.wanted(3), kHome);  // the same server once
    links.release(kFirst);
    EXPECT_EQ(links.wanted(3), kHome);
}

TEST(ResolvedLinks, HoldingTheSameAgainChangesNothing) {
    ResolvedLinks links;
    links.hold(kFirst, 3, kHome);
    EXPECT_TRUE(links.hold(kFirst, 3, kHome).empty());
}

TEST(ResolvedLinks, AnIkeSaWithoutDnsHoldsNoLink) {
    ResolvedLinks links;
    EXPECT_TRUE(links.hold(kFirst, 3, {}).empty());
    EXPECT_FALSE(links.held(3));
}

TEST(ResolvedLinks, MovingToAnotherLinkChangesBoth) {
    ResolvedLinks links;
    links.hold(kFirst, 3, kHome);
    EXPECT_EQ(links.hold(kFirst, 4, kHome), (std::vector<int>{3, 4}));
    EXPECT_FALSE(links.held(3));
}

TEST(ResolvedLinks, StopVisitsEveryLinkHeldOrRead) {
    ResolvedLinks links;
    links.hold(kFirst, 3, kHome);
    links.remember(5, {});
    EXPECT_EQ(links.links(), (std::vector<int>{3, 5}));
}

}  // namespace
}  // namespace ipsecd
