// Routes for tunnel-mode CHILD SAs in a routing table of ipsecd's own (strongSwan's table
// 220 scheme): the kernel picks a packet's source address from its route before any XFRM
// policy is consulted, so without a route to the remote traffic selector that carries a
// source inside the local one, locally originated traffic would miss the tunnel.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/log.hpp"
#include "ike/engine/effects.hpp"
#include "xfrm/routing.hpp"

namespace ipsecd {

// The routes one IKE SA's CHILD SAs need: to each remote traffic selector of a tunnel-mode
// child, along `to_peer` (its interface, its gateway when of the selector's family), with
// src the first of `local_addresses` inside the child's local selectors (the IKE address
// preferred), or no src. A remote selector that contains the peer's IKE address gets none:
// IKE itself would be routed into the tunnel. One route per destination.
std::vector<xfrm::Route> plan_routes(const ike::engine::IkeSaStatus& sa, const xfrm::Path& to_peer,
                                     const std::vector<net::Address>& local_addresses, std::uint32_t table);

class Routes {
public:
    static constexpr std::uint32_t kTable = 220, kRulePriority = 220;

    Routes(xfrm::Routing& routing, const Logger& log) : routing_(routing), log_(log) {}

    // Adds the rule `priority 220 lookup 220` for IPv4 and IPv6 (one already there is left
    // alone, and left in place by stop()).
    void start();
    // One IKE SA's new state (StatePublished): its routes follow its installed CHILD SAs;
    // state "closed" removes them. A destination two IKE SAs need (during an IKE rekey)
    // keeps its route until neither does.
    void update(const std::string& connection, const ike::engine::IkeSaStatus& sa);
    // Removes every route, and the rules start() added.
    void stop();

private:
    using Owner = std::pair<std::string, std::uint64_t>;  // connection, local IKE SPI
    struct Installed {
        xfrm::Route route;
        std::set<Owner> owners;
    };
    std::vector<xfrm::Route> wanted(const ike::engine::IkeSaStatus& sa, const LogContext& ctx);
    void release(const Owner& owner, const net::Prefix& destination);

    xfrm::Routing& routing_;
    const Logger& log_;
    std::map<Owner, std::vector<net::Prefix>> held_;
    std::map<net::Prefix, Installed> installed_;
    std::vector<xfrm::Rule> rules_;  // those start() added
};

}  // namespace ipsecd
