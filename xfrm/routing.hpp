// The host's routing as ipsecd needs it for tunnel-mode CHILD SAs: routes in a table of its
// own, a rule that sends every packet through that table, the virtual IPs a road warrior
// receives, and two lookups (the path to a peer, the host's addresses). NetlinkRouting (netlink_routing.hpp) is the real one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "net/address.hpp"

namespace xfrm {

// One unicast route in `table`.
struct Route {
    net::Prefix destination;
    std::uint32_t table = 0;
    int interface = 0;                    // ifindex
    std::optional<net::Address> gateway;  // none: the destination is reached on the link
    std::optional<net::Address> source;   // the preferred source address (`src`)

    bool operator==(const Route&) const = default;
};

// "10.2.0.0/24 table 220 dev #2 via 192.0.2.1 src 10.1.0.1", for log lines and errors.
std::string describe(const Route& r);

// How the kernel reaches an address now (`ip route get`).
struct Path {
    int interface = 0;
    std::optional<net::Address> gateway;
    std::optional<net::Address> source;

    bool operator==(const Path&) const = default;
};

// A host address (/32, /128) on one interface of this host (`ip addr add A/32 dev IF`).
struct InterfaceAddress {
    net::Address address;
    int interface = 0;  // ifindex

    bool operator==(const InterfaceAddress&) const = default;
};

// "10.3.0.7/32 dev #2".
std::string describe(const InterfaceAddress& a);

// The originator mark (IFA_PROTO, Linux >= 6.1) on the addresses add_address puts on an
// interface, so that a later ipsecd finds those an earlier one left (the kernel's own values
// are 0-3; older kernels ignore the attribute, and then nothing is found).
inline constexpr std::uint8_t kAddressProto = 0xec;

// `ip rule add priority P table T` for one family.
struct Rule {
    net::Family family = net::Family::v4;
    std::uint32_t table = 0;
    std::uint32_t priority = 0;

    bool operator==(const Rule&) const = default;
};

// "IPv4 rule priority 220 table 220".
std::string describe(const Rule& r);

class Routing {
public:
    virtual ~Routing() = default;
    virtual base::Result<Path> path_to(const net::Address& destination) = 0;
    // Every address configured on an interface of this host.
    virtual base::Result<std::vector<net::Address>> local_addresses() = 0;
    // A route replaces the one to the same destination in its table; a rule that is already
    // there fails with EEXIST.
    virtual base::Status add_route(const Route& r) = 0;
    virtual base::Status delete_route(const Route& r) = 0;
    virtual base::Status add_rule(const Rule& r) = 0;
    virtual base::Status delete_rule(const Rule& r) = 0;
    // An address the interface has already fails with EEXIST, a missing one with
    // EADDRNOTAVAIL.
    virtual base::Status add_address(const InterfaceAddress& a) = 0;
    virtual base::Status delete_address(const InterfaceAddress& a) = 0;
    // The addresses add_address put on the host, this process or an earlier one
    // (kAddressProto), and the routes in `table` (both families).
    virtual base::Result<std::vector<InterfaceAddress>> marked_addresses() = 0;
    virtual base::Result<std::vector<Route>> routes_in(std::uint32_t table) = 0;
};

}  // namespace xfrm
