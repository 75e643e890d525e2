// xfrm::Routing for `ipsecd --kernel memory`: the lookups (path to a peer, local addresses)
// are the host's, since IKE datagrams really leave from them; the routes and rules ipsecd
// adds for tunnel-mode CHILD SAs and the virtual IPs it receives are kept in memory, as the
// XFRM state is: with no SA in the kernel, a route into table 220 would only steer traffic
// past any protection. Adding one that exists fails with EEXIST, deleting a missing one with
// ESRCH (EADDRNOTAVAIL for an address: the kernel's errnos).
#pragma once

#include <vector>

#include "xfrm/routing.hpp"

namespace xfrm {

class MemoryRouting final : public Routing {
public:
    explicit MemoryRouting(Routing& lookups) : lookups_(lookups) {}

    base::Result<Path> path_to(const net::Address& destination) override { return lookups_.path_to(destination); }
    // The host's, and the virtual IPs held here.
    base::Result<std::vector<net::Address>> local_addresses() override;
    base::Status add_route(const Route& r) override;
    base::Status delete_route(const Route& r) override;
    base::Status add_rule(const Rule& r) override;
    base::Status delete_rule(const Rule& r) override;
    base::Status add_address(const InterfaceAddress& a) override;
    base::Status delete_address(const InterfaceAddress& a) override;
    base::Result<std::vector<InterfaceAddress>> marked_addresses() override;
    base::Result<std::vector<Route>> routes_in(std::uint32_t table) override;

    const std::vector<Route>& routes() const { return routes_; }
    const std::vector<Rule>& rules() const { return rules_; }
    const std::vector<InterfaceAddress>& addresses() const { return addresses_; }

private:
    Routing& lookups_;
    std::vector<Route> routes_;
    std::vector<Rule> rules_;
    std::vector<InterfaceAddress> addresses_;
};

}  // namespace xfrm
