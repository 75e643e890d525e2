#include "xfrm/wire.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace xfrm::wire {

std::uint16_t af(net::Family f) { return f == net::Family::v4 ? AF_INET : AF_INET6; }

base::Result<net::Family> family(unsigned a) {
    if (a == AF_INET) return net::Family::v4;
    if (a == AF_INET6) return net::Family::v6;
    return base::fail("unknown address family " + std::to_string(a));
}

xfrm_address_t address(const net::Address& a) {
    xfrm_address_t x{};
    std::memcpy(&x, a.bytes.data(), a.size());
    return x;
}

net::Address address(const xfrm_address_t& x, net::Family f) {
    net::Address a{f, {}};
    std::memcpy(a.bytes.data(), &x, a.size());
    return a;
}

xfrm_selector selector(const Selector& s) {
    xfrm_selector x{};
    x.family = af(s.src.address.family);
    x.saddr = address(s.src.address);
    x.daddr = address(s.dst.address);
    x.prefixlen_s = s.src.length;
    x.prefixlen_d = s.dst.length;
    x.proto = s.proto;
    x.sport = htons(s.sport);
    x.dport = htons(s.dport);
    x.sport_mask = s.sport ? 0xffff : 0;
    x.dport_mask = s.dport ? 0xffff : 0;
    return x;
}

base::Result<std::optional<Selector>> selector(const xfrm_selector& x) {
    if (x.family == AF_UNSPEC) return std::optional<Selector>{};
    auto f = family(x.family);
    if (!f) return base::Unexpected{f.error()};
    unsigned max = net::Address::any(*f).max_prefix();
    if (x.prefixlen_s > max || x.prefixlen_d > max)
        return base::fail("selector prefix length out of range");
    Selector s;
    s.src = {address(x.saddr, *f), x.prefixlen_s};
    s.dst = {address(x.daddr, *f), x.prefixlen_d};
    s.proto = x.proto;
    s.sport = static_cast<std::uint16_t>(ntohs(x.sport) & ntohs(x.sport_mask));
    s.dport = static_cast<std::uint16_t>(ntohs(x.dport) & ntohs(x.dport_mask));
    return std::optional<Selector>{s};
}

static std::uint64_t to_kernel(std::uint64_t v) { return v == 0 ? XFRM_INF : v; }
static std::uint64_t from_kernel(std::uint64_t v) { return v == XFRM_INF ? 0 : v; }

xfrm_lifetime_cfg lifetime(const Lifetime& l) {
    xfrm_lifetime_cfg x{};
    x.soft_byte_limit = to_kernel(l.soft_bytes);
    x.hard_byte_limit = to_kernel(l.hard_bytes);
    x.soft_packet_limit = to_kernel(l.soft_packets);
    x.hard_packet_limit = to_kernel(l.hard_packets);
    x.soft_add_expires_seconds = l.soft_seconds;
    x.hard_add_expires_seconds = l.hard_seconds;
    return x;
}

Lifetime lifetime(const xfrm_lifetime_cfg& x) {
    Lifetime l;
    l.soft_bytes = from_kernel(x.soft_byte_limit);
    l.hard_bytes = from_kernel(x.hard_byte_limit);
    l.soft_packets = from_kernel(x.soft_packet_limit);
    l.hard_packets = from_kernel(x.hard_packet_limit);
    l.soft_seconds = x.soft_add_expires_seconds;
    l.hard_seconds = x.hard_add_expires_seconds;
    return l;
}

xfrm_mark mark(const Mark& m) { return {m.value, m.mask}; }
Mark mark(const xfrm_mark& m) { return {m.v, m.m}; }

}  // namespace xfrm::wire
