// The virtual IPs a road warrior receives (RFC 7296 2.19, 3.15), on the host: the CHILD SAs'
// local selector is the virtual IP, so traffic the host sends from its real address misses
// the tunnel. Like strongSwan, ipsecd puts each one (/32, /128) on the interface of the route
// to the gateway while an IKE SA holds it; the tunnel's routes (routes.hpp) then take it as
// their source.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/log.hpp"
#include "ike/engine/effects.hpp"
#include "xfrm/routing.hpp"

namespace ipsecd {

class VirtualIps {
public:
    VirtualIps(xfrm::Routing& routing, const Logger& log) : routing_(routing), log_(log) {}

    // One IKE SA's new state (StatePublished): the virtual IPs it received go on the host;
    // state "closed" takes them off once no other IKE SA holds them (a rekey's successor
    // inherits them). An address the interface had already is used and left there.
    void update(const std::string& connection, const ike::engine::IkeSaStatus& sa);
    // The interface (ifindex) of the virtual IPs the IKE SA holds, if any.
    std::optional<int> link_of(const std::string& connection, std::uint64_t local_spi) const;
    // Removes every virtual IP added.
    void stop();
    // At start, before any IKE SA: the virtual IPs an ipsecd killed without its clean-up left
    // (found by their mark, xfrm::kAddressProto) come off the host, the routes in `table`
    // that leave from them first. Its successor negotiates afresh and adds what it receives.
    void remove_leftovers(std::uint32_t table);

private:
    using Owner = std::pair<std::string, std::uint64_t>;  // connection, local IKE SPI
    struct Installed {
        xfrm::InterfaceAddress address;
        bool added = false;  // by us: removed when its last owner goes
        std::set<Owner> owners;
    };
    void hold(const Owner& owner, const net::Address& address, const net::Address& peer);
    void release(const Owner& owner, const net::Address& address);

    xfrm::Routing& routing_;
    const Logger& log_;
    std::map<Owner, std::vector<net::Address>> held_;
    std::map<net::Address, Installed> installed_;
};

}  // namespace ipsecd
