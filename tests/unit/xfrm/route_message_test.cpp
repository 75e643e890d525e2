#include "xfrm/route_message.hpp"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <map>

#include "samples.hpp"

namespace xfrm {
namespace {

using test::ip;
using test::prefix;
using test::RawMessage;

// Type -> payload of each attribute after a fixed header of `header_len` bytes.
std::map<unsigned, std::vector<std::uint8_t>> attrs_of(const nlmsghdr& nlh, std::size_t header_len) {
    std::map<unsigned, std::vector<std::uint8_t>> out;
    mnl_attr_parse(&nlh, static_cast<unsigned>(header_len), [](const nlattr* a, void* data) {
        auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(a));
        (*static_cast<std::map<unsigned, std::vector<std::uint8_t>>*>(data))[mnl_attr_get_type(a)] =
            std::vector<std::uint8_t>(p, p + mnl_attr_get_payload_len(a));
        return MNL_CB_OK;
    }, &out);
    return out;
}

std::vector<std::uint8_t> u32(std::uint32_t v) {
    std::vector<std::uint8_t> b(4);
    std::memcpy(b.data(), &v, 4);
    return b;
}

std::vector<std::uint8_t> bytes(const net::Address& a) { return {a.bytes.begin(), a.bytes.begin() + static_cast<long>(a.size())}; }

Route tunnel_route() { return {prefix("10.2.0.0/24"), 220, 3, ip("192.0.2.254"), ip("10.1.0.1")}; }

TEST(RouteMessage, AddCreatesAStaticUnicastRouteInItsTableOrReplacesTheOneThere) {
    auto m = encode_route(tunnel_route(), true);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->nlh().nlmsg_type, RTM_NEWROUTE);
    EXPECT_EQ(m->nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
    auto h = *fixed_header<rtmsg>(m->nlh());
    EXPECT_EQ(h.rtm_family, AF_INET);
    EXPECT_EQ(h.rtm_dst_len, 24);
    EXPECT_EQ(h.rtm_table, 220);
    EXPECT_EQ(h.rtm_protocol, RTPROT_STATIC);
    EXPECT_EQ(h.rtm_type, RTN_UNICAST);
    EXPECT_EQ(h.rtm_scope, RT_SCOPE_UNIVERSE);
    auto a = attrs_of(m->nlh(), sizeof(rtmsg));
    EXPECT_EQ(a[RTA_TABLE], u32(220));
    EXPECT_EQ(a[RTA_DST], bytes(ip("10.2.0.0")));
    EXPECT_EQ(a[RTA_OIF], u32(3));
    EXPECT_EQ(a[RTA_GATEWAY], bytes(ip("192.0.2.254")));
    EXPECT_EQ(a[RTA_PREFSRC], bytes(ip("10.1.0.1")));
}

TEST(RouteMessage, WithoutGatewayOrSourceTheRouteIsOnLinkAndCarriesNeither) {
    Route r = tunnel_route();
    r.gateway.reset();
    r.source.reset();
    auto m = encode_route(r, true);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(fixed_header<rtmsg>(m->nlh())->rtm_scope, RT_SCOPE_LINK);
    auto a = attrs_of(m->nlh(), sizeof(rtmsg));
    EXPECT_FALSE(a.contains(RTA_GATEWAY));
    EXPECT_FALSE(a.contains(RTA_PREFSRC));
}

TEST(RouteMessage, DeleteMatchesAnyScope) {
    auto m = encode_route(tunnel_route(), false);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->nlh().nlmsg_type, RTM_DELROUTE);
    EXPECT_EQ(m->nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(fixed_header<rtmsg>(m->nlh())->rtm_scope, RT_SCOPE_NOWHERE);
}

TEST(RouteMessage, TablesAbove255TravelOnlyAsAttribute) {
    Route r = tunnel_route();
    r.table = 1000;
    auto m = encode_route(r, true);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(fixed_header<rtmsg>(m->nlh())->rtm_table, RT_TABLE_UNSPEC);
    EXPECT_EQ(attrs_of(m->nlh(), sizeof(rtmsg))[RTA_TABLE], u32(1000));
}

TEST(RouteMessage, Ipv6RouteHasSixteenByteAddresses) {
    Route r{prefix("2001:db8:2::/48"), 220, 2, ip("fe80::1"), ip("2001:db8:1::1")};
    auto m = encode_route(r, true);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(fixed_header<rtmsg>(m->nlh())->rtm_family, AF_INET6);
    EXPECT_EQ(attrs_of(m->nlh(), sizeof(rtmsg))[RTA_GATEWAY], bytes(ip("fe80::1")));
}

TEST(RouteMessage, RefusesMixedFamilies) {
    Route r = tunnel_route();
    r.source = ip("2001:db8::1");
    EXPECT_FALSE(encode_route(r, true).ok());
}

TEST(RuleMessage, AddSendsEveryPacketOfTheFamilyToTheTableAtItsPriority) {
    Message m = encode_rule({net::Family::v6, 220, 220}, true);
    EXPECT_EQ(m.nlh().nlmsg_type, RTM_NEWRULE);
    EXPECT_EQ(m.nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    auto h = *fixed_header<fib_rule_hdr>(m.nlh());
    EXPECT_EQ(h.family, AF_INET6);
    EXPECT_EQ(h.table, 220);
    EXPECT_EQ(h.action, FR_ACT_TO_TBL);
    EXPECT_EQ(h.src_len, 0);
    EXPECT_EQ(h.dst_len, 0);
    auto a = attrs_of(m.nlh(), sizeof(fib_rule_hdr));
    EXPECT_EQ(a[FRA_TABLE], u32(220));
    EXPECT_EQ(a[FRA_PRIORITY], u32(220));
}

TEST(RuleMessage, DeleteIsADelRule) {
    Message m = encode_rule({net::Family::v4, 220, 220}, false);
    EXPECT_EQ(m.nlh().nlmsg_type, RTM_DELRULE);
    EXPECT_EQ(m.nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
}

TEST(PathMessage, RequestAsksForTheHostRouteToTheDestination) {
    Message m = encode_path_request(ip("198.51.100.7"));
    EXPECT_EQ(m.nlh().nlmsg_type, RTM_GETROUTE);
    EXPECT_EQ(fixed_header<rtmsg>(m.nlh())->rtm_dst_len, 32);
    EXPECT_EQ(attrs_of(m.nlh(), sizeof(rtmsg))[RTA_DST], bytes(ip("198.51.100.7")));
}

TEST(PathMessage, DecodesInterfaceGatewayAndSource) {
    // The kernel's answer has the shape of an added route.
    auto m = encode_route(tunnel_route(), true);
    auto path = decode_path(m->nlh());
    ASSERT_TRUE(path.ok()) << path.error().message;
    EXPECT_EQ(*path, (Path{3, ip("192.0.2.254"), ip("10.1.0.1")}));
}

TEST(PathMessage, RejectsARouteWithoutInterface) {
    rtmsg h{};
    h.rtm_family = AF_INET;
    RawMessage raw(RTM_NEWROUTE, h);
    EXPECT_FALSE(decode_path(raw.nlh()).ok());
}

TEST(PathMessage, RejectsAGatewayOfTheWrongSize) {
    rtmsg h{};
    h.rtm_family = AF_INET;
    RawMessage raw(RTM_NEWROUTE, h);
    raw.attr(RTA_OIF, std::uint32_t{2}).attr(RTA_GATEWAY, ip("2001:db8::1").bytes);
    EXPECT_FALSE(decode_path(raw.nlh()).ok());
}

TEST(PathMessage, RejectsTruncatedHeader) {
    rtmsg h{};
    h.rtm_family = AF_INET;
    RawMessage raw(RTM_NEWROUTE, h);
    raw.truncate(NLMSG_HDRLEN + 4);
    EXPECT_FALSE(decode_path(raw.nlh()).ok());
}

TEST(AddressMessage, RequestDumpsBothFamilies) {
    Message m = encode_addresses_request();
    EXPECT_EQ(m.nlh().nlmsg_type, RTM_GETADDR);
    EXPECT_EQ(m.nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(fixed_header<ifaddrmsg>(m.nlh())->ifa_family, AF_UNSPEC);
}

TEST(AddressMessage, PrefersTheLocalAddressOverThePeerOfAPointToPointLink) {
    ifaddrmsg h{};
    h.ifa_family = AF_INET;
    RawMessage raw(RTM_NEWADDR, h);
    const auto peer = ip("192.0.2.9"), local = ip("192.0.2.1");
    raw.attr(IFA_ADDRESS, peer.bytes.data(), 4).attr(IFA_LOCAL, local.bytes.data(), 4);
    auto a = decode_address(raw.nlh());
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(*a, local);
}

TEST(AddressMessage, Ipv6AddressComesFromIfaAddress) {
    ifaddrmsg h{};
    h.ifa_family = AF_INET6;
    RawMessage raw(RTM_NEWADDR, h);
    raw.attr(IFA_ADDRESS, ip("2001:db8::5").bytes);
    auto a = decode_address(raw.nlh());
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*a, ip("2001:db8::5"));
}

TEST(AddressMessage, RejectsAMessageWithoutAddressOrOfAnotherFamily) {
    ifaddrmsg h{};
    h.ifa_family = AF_INET;
    EXPECT_FALSE(decode_address(RawMessage(RTM_NEWADDR, h).nlh()).ok());
    h.ifa_family = AF_PACKET;
    RawMessage other(RTM_NEWADDR, h);
    other.attr(IFA_ADDRESS, ip("192.0.2.1").bytes.data(), 4);
    EXPECT_FALSE(decode_address(other.nlh()).ok());
}

TEST(InterfaceAddressMessage, AddPutsAHostAddressOnTheInterfaceAndRefusesOneThere) {
    Message m = encode_interface_address({ip("10.3.0.7"), 3}, true);
    EXPECT_EQ(m.nlh().nlmsg_type, RTM_NEWADDR);
    EXPECT_EQ(m.nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    auto h = *fixed_header<ifaddrmsg>(m.nlh());
    EXPECT_EQ(h.ifa_family, AF_INET);
    EXPECT_EQ(h.ifa_prefixlen, 32);
    EXPECT_EQ(h.ifa_flags, 0);
    EXPECT_EQ(h.ifa_scope, RT_SCOPE_UNIVERSE);
    EXPECT_EQ(h.ifa_index, 3u);
    auto a = attrs_of(m.nlh(), sizeof(ifaddrmsg));
    EXPECT_EQ(a[IFA_LOCAL], bytes(ip("10.3.0.7")));
    EXPECT_EQ(a[IFA_ADDRESS], bytes(ip("10.3.0.7")));
}

TEST(InterfaceAddressMessage, Ipv6AddressIsA128WithoutDuplicateAddressDetection) {
    Message m = encode_interface_address({ip("fd00:3::7"), 2}, true);
    auto h = *fixed_header<ifaddrmsg>(m.nlh());
    EXPECT_EQ(h.ifa_family, AF_INET6);
    EXPECT_EQ(h.ifa_prefixlen, 128);
    EXPECT_EQ(h.ifa_flags, IFA_F_NODAD);
    EXPECT_EQ(attrs_of(m.nlh(), sizeof(ifaddrmsg))[IFA_ADDRESS], bytes(ip("fd00:3::7")));
}

TEST(InterfaceAddressMessage, AnAddedAddressCarriesIpsecdsMark) {
    Message m = encode_interface_address({ip("10.3.0.7"), 3}, true);
    EXPECT_EQ(attrs_of(m.nlh(), sizeof(ifaddrmsg))[IFA_PROTO], std::vector<std::uint8_t>{kAddressProto});
}

TEST(InterfaceAddressMessage, OnlyAnAddressWithTheMarkIsFoundAgain) {
    // The kernel's dump has the shape of the addition.
    Message ours = encode_interface_address({ip("fd00:3::7"), 2}, true);
    auto found = decode_marked_address(ours.nlh());
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(*found, (InterfaceAddress{ip("fd00:3::7"), 2}));
    ifaddrmsg h{};
    h.ifa_family = AF_INET;
    RawMessage other(RTM_NEWADDR, h);
    const std::uint8_t kernel_ll = IFAPROT_KERNEL_LL;
    other.attr(IFA_LOCAL, ip("192.0.2.1").bytes.data(), 4).attr(IFA_PROTO, &kernel_ll, 1);
    auto not_ours = decode_marked_address(other.nlh());
    ASSERT_TRUE(not_ours.ok());
    EXPECT_FALSE(*not_ours);
    RawMessage unmarked(RTM_NEWADDR, h);
    unmarked.attr(IFA_LOCAL, ip("192.0.2.1").bytes.data(), 4);
    EXPECT_FALSE(*decode_marked_address(unmarked.nlh()));
}

TEST(RouteDump, RequestDumpsBothFamilies) {
    Message m = encode_routes_request();
    EXPECT_EQ(m.nlh().nlmsg_type, RTM_GETROUTE);
    EXPECT_EQ(m.nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(fixed_header<rtmsg>(m.nlh())->rtm_family, AF_UNSPEC);
}

TEST(RouteDump, DecodesARouteOfTheTableAndSkipsOthers) {
    // The kernel's dump has the shape of an added route.
    auto m = encode_route(tunnel_route(), true);
    auto r = decode_route(m->nlh(), 220);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, tunnel_route());
    auto other = decode_route(m->nlh(), 254);
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(*other);
}

TEST(RouteDump, RejectsASourceOfTheWrongSize) {
    rtmsg h{};
    h.rtm_family = AF_INET6;
    h.rtm_table = 220;
    h.rtm_type = RTN_UNICAST;
    RawMessage raw(RTM_NEWROUTE, h);
    raw.attr(RTA_PREFSRC, ip("10.3.0.7").bytes.data(), 4);
    EXPECT_FALSE(decode_route(raw.nlh(), 220).ok());
}

TEST(InterfaceAddressMessage, DeleteIsADelAddr) {
    Message m = encode_interface_address({ip("10.3.0.7"), 3}, false);
    EXPECT_EQ(m.nlh().nlmsg_type, RTM_DELADDR);
    EXPECT_EQ(m.nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(fixed_header<ifaddrmsg>(m.nlh())->ifa_index, 3u);
}

}  // namespace
}  // namespace xfrm
