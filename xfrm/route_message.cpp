#include "xfrm/route_message.hpp"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

namespace xfrm {

namespace {

std::uint8_t address_family(net::Family f) { return f == net::Family::v4 ? AF_INET : AF_INET6; }

void put_address(Message& m, std::uint16_t type, const net::Address& a) { m.put(type, a.bytes.data(), a.size()); }

// Attributes after a fixed header, indexed by type (types above N are ignored).
template <std::size_t N>
base::Result<std::array<const nlattr*, N + 1>> attributes(const nlmsghdr& nlh, std::size_t header_len) {
    std::array<const nlattr*, N + 1> attrs{};
    if (nlh.nlmsg_len < NLMSG_HDRLEN + header_len)
        return base::fail("netlink message type " + std::to_string(nlh.nlmsg_type) + " truncated");
    auto cb = [](const nlattr* attr, void* data) {
        auto type = mnl_attr_get_type(attr);
        if (type <= N) (*static_cast<std::array<const nlattr*, N + 1>*>(data))[type] = attr;
        return MNL_CB_OK;
    };
    if (mnl_attr_parse(&nlh, static_cast<unsigned>(header_len), cb, &attrs) < 0)
        return base::fail("malformed netlink attributes");
    return attrs;
}

// An address attribute of a message of family `af`; nullopt when absent.
base::Result<std::optional<net::Address>> address_attr(const nlattr* attr, unsigned af) {
    if (!attr) return std::optional<net::Address>{};
    net::Address a;
    a.family = af == AF_INET ? net::Family::v4 : net::Family::v6;
    if (attr_payload_len(attr) != a.size()) return base::fail("address attribute of the wrong size");
    std::memcpy(a.bytes.data(), attr_payload(attr), a.size());
    return std::optional<net::Address>{a};
}

// A reply of one type: its fixed header, whose address family (the member `family`) must be
// IPv4 or IPv6, and its attributes.
template <class Header, std::size_t N>
struct Reply {
    Header header;
    unsigned family;
    std::array<const nlattr*, N + 1> attrs;
};

template <std::size_t N, class Header>
base::Result<Reply<Header, N>> parse_reply(const nlmsghdr& nlh, std::uint16_t type, unsigned char Header::*family,
                                           const std::string& what) {
    if (nlh.nlmsg_type != type) return base::fail("not " + what + " message");
    auto h = fixed_header<Header>(nlh);
    if (!h) return base::Unexpected{h.error()};
    const unsigned af = (*h).*family;
    if (af != AF_INET && af != AF_INET6) return base::fail("address family " + std::to_string(af) + " unknown");
    auto attrs = attributes<N>(nlh, NLMSG_ALIGN(sizeof(Header)));
    if (!attrs) return base::Unexpected{attrs.error()};
    return Reply<Header, N>{*h, af, *attrs};
}

}  // namespace

base::Result<Message> encode_route(const Route& r, bool add) {
    const auto& dst = r.destination.address;
    if ((r.gateway && r.gateway->family != dst.family) || (r.source && r.source->family != dst.family))
        return base::fail("route to " + r.destination.str() + " mixes address families");
    // A route to the same destination in the table is replaced, not an error: the one an
    // ipsecd killed without its clean-up left there is taken over by its successor.
    Message m(add ? RTM_NEWROUTE : RTM_DELROUTE,
              static_cast<std::uint16_t>(NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0)));
    auto& h = m.header<rtmsg>();
    h.rtm_family = address_family(dst.family);
    h.rtm_dst_len = r.destination.length;
    h.rtm_table = static_cast<std::uint8_t>(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
    h.rtm_protocol = RTPROT_STATIC;
    h.rtm_type = RTN_UNICAST;
    // Without a gateway the destination is on the link (as `ip route add ... dev`); a delete
    // matches whatever scope the route has.
    h.rtm_scope = !add ? RT_SCOPE_NOWHERE : r.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
    m.put(RTA_TABLE, r.table);
    put_address(m, RTA_DST, dst);
    m.put(RTA_OIF, static_cast<std::uint32_t>(r.interface));
    if (r.gateway) put_address(m, RTA_GATEWAY, *r.gateway);
    if (r.source) put_address(m, RTA_PREFSRC, *r.source);
    return m;
}

Message encode_rule(const Rule& r, bool add) {
    Message m(add ? RTM_NEWRULE : RTM_DELRULE,
              static_cast<std::uint16_t>(NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0)));
    auto& h = m.header<fib_rule_hdr>();
    h.family = address_family(r.family);
    h.table = static_cast<std::uint8_t>(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
    h.action = FR_ACT_TO_TBL;
    m.put(FRA_TABLE, r.table);
    m.put(FRA_PRIORITY, r.priority);
    return m;
}

Message encode_path_request(const net::Address& destination) {
    Message m(RTM_GETROUTE, NLM_F_ACK);
    auto& h = m.header<rtmsg>();
    h.rtm_family = address_family(destination.family);
    h.rtm_dst_len = static_cast<std::uint8_t>(destination.max_prefix());
    put_address(m, RTA_DST, destination);
    return m;
}

base::Result<Path> decode_path(const nlmsghdr& nlh) {
    auto r = parse_reply<RTA_MAX>(nlh, RTM_NEWROUTE, &rtmsg::rtm_family, "a route");
    if (!r) return base::Unexpected{r.error()};
    const auto* oif = r->attrs[RTA_OIF];
    if (!oif || attr_payload_len(oif) != sizeof(std::uint32_t)) return base::fail("route without an interface");
    auto gateway = address_attr(r->attrs[RTA_GATEWAY], r->family);
    auto source = address_attr(r->attrs[RTA_PREFSRC], r->family);
    if (!gateway) return base::Unexpected{gateway.error()};
    if (!source) return base::Unexpected{source.error()};
    return Path{static_cast<int>(attr_value<std::uint32_t>(oif)), *gateway, *source};
}

Message encode_interface_address(const InterfaceAddress& a, bool add) {
    Message m(add ? RTM_NEWADDR : RTM_DELADDR,
              static_cast<std::uint16_t>(NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0)));
    auto& h = m.header<ifaddrmsg>();
    h.ifa_family = address_family(a.address.family);
    h.ifa_prefixlen = static_cast<std::uint8_t>(a.address.max_prefix());
    // An IPv6 address is usable at once, without duplicate address detection: it is the
    // gateway's lease, unique by its pool (strongSwan does the same).
    h.ifa_flags = a.address.family == net::Family::v6 ? IFA_F_NODAD : 0;
    h.ifa_scope = RT_SCOPE_UNIVERSE;
    h.ifa_index = static_cast<std::uint32_t>(a.interface);
    put_address(m, IFA_LOCAL, a.address);
    put_address(m, IFA_ADDRESS, a.address);
    if (add) m.put(IFA_PROTO, kAddressProto);
    return m;
}

Message encode_addresses_request() {
    Message m(RTM_GETADDR, NLM_F_DUMP);
    m.header<ifaddrmsg>().ifa_family = AF_UNSPEC;
    return m;
}

base::Result<net::Address> decode_address(const nlmsghdr& nlh) {
    auto r = parse_reply<IFA_MAX>(nlh, RTM_NEWADDR, &ifaddrmsg::ifa_family, "an address");
    if (!r) return base::Unexpected{r.error()};
    // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer's on point-to-point
    // links); IPv6 gives only IFA_ADDRESS.
    const nlattr* attr = r->attrs[IFA_LOCAL] ? r->attrs[IFA_LOCAL] : r->attrs[IFA_ADDRESS];
    auto a = address_attr(attr, r->family);
    if (!a) return base::Unexpected{a.error()};
    if (!*a) return base::fail("address message without an address");
    return **a;
}

base::Result<std::optional<InterfaceAddress>> decode_marked_address(const nlmsghdr& nlh) {
    auto a = decode_address(nlh);
    if (!a) return base::Unexpected{a.error()};
    auto r = parse_reply<IFA_MAX>(nlh, RTM_NEWADDR, &ifaddrmsg::ifa_family, "an address");
    if (!r) return base::Unexpected{r.error()};
    const auto* proto = r->attrs[IFA_PROTO];
    if (!proto || attr_payload_len(proto) != 1 || attr_value<std::uint8_t>(proto) != kAddressProto)
        return std::optional<InterfaceAddress>{};
    return std::optional<InterfaceAddress>{InterfaceAddress{*a, static_cast<int>(r->header.ifa_index)}};
}

Message encode_routes_request() {
    Message m(RTM_GETROUTE, NLM_F_DUMP);
    m.header<rtmsg>().rtm_family = AF_UNSPEC;
    return m;
}

base::Result<std::optional<Route>> decode_route(const nlmsghdr& nlh, std::uint32_t table) {
    auto r = parse_reply<RTA_MAX>(nlh, RTM_NEWROUTE, &rtmsg::rtm_family, "a route");
    if (!r) return base::Unexpected{r.error()};
    const auto* table_attr = r->attrs[RTA_TABLE];
    if (table_attr && attr_payload_len(table_attr) != sizeof(std::uint32_t)) return base::fail("route table attribute of the wrong size");
    const std::uint32_t in = table_attr ? attr_value<std::uint32_t>(table_attr) : r->header.rtm_table;
    if (in != table || r->header.rtm_type != RTN_UNICAST) return std::optional<Route>{};
    auto dst = address_attr(r->attrs[RTA_DST], r->family);
    auto gateway = address_attr(r->attrs[RTA_GATEWAY], r->family);
    auto source = address_attr(r->attrs[RTA_PREFSRC], r->family);
    if (!dst) return base::Unexpected{dst.error()};
    if (!gateway) return base::Unexpected{gateway.error()};
    if (!source) return base::Unexpected{source.error()};
    const auto family = r->family == AF_INET ? net::Family::v4 : net::Family::v6;
    if (r->header.rtm_dst_len > net::Address::any(family).max_prefix()) return base::fail("route prefix too long");
    const auto* oif = r->attrs[RTA_OIF];
    if (oif && attr_payload_len(oif) != sizeof(std::uint32_t)) return base::fail("route interface attribute of the wrong size");
    Route out{{dst->value_or(net::Address::any(family)), r->header.rtm_dst_len}, in,
              oif ? static_cast<int>(attr_value<std::uint32_t>(oif)) : 0, *gateway, *source};
    return std::optional<Route>{out};
}

}  // namespace xfrm
