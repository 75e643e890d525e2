// What systemd-resolved should hold for each link that carries a road warrior's virtual IP
// (pure: resolved_dns.hpp talks to resolved). The link usually is the host's uplink, which
// NetworkManager or systemd-networkd gave DNS servers and domains of its own: ours are added
// to what the link had before the first IKE SA, and that is restored after the last one, so
// several IKE SAs on one link (and a rekey's successor) never clobber each other or the LAN's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/address.hpp"

namespace ipsecd {

struct LinkDomain {
    std::string name;
    bool routing_only = false;  // resolved's "~name": routes queries, not a search suffix
    bool operator==(const LinkDomain&) const = default;
};

struct LinkDns {
    std::vector<net::Address> servers;
    std::vector<LinkDomain> domains;
    bool empty() const { return servers.empty() && domains.empty(); }
    bool operator==(const LinkDns&) const = default;
};

// An IKE SA's configuration as resolved takes it. RFC 8598 4: INTERNAL_DNS_DOMAIN names the
// domains whose queries go to the servers received with it (split DNS); it says nothing of a
// search list, so they are routing-only domains and unqualified names never leak to the VPN.
// Without a domain the servers serve every name (the link becomes a default DNS route).
LinkDns link_dns_of(const std::vector<net::Address>& servers, const std::vector<std::string>& domains);

// SetLinkDNS's a(iay): (AF_INET/AF_INET6, the address's bytes) per server.
std::vector<std::pair<int, std::vector<std::uint8_t>>> set_link_dns_args(const std::vector<net::Address>& servers);
// SetLinkDomains's a(sb): (name, routing-only) per domain.
std::vector<std::pair<std::string, bool>> set_link_domains_args(const std::vector<LinkDomain>& domains);

class ResolvedLinks {
public:
    using Owner = std::pair<std::string, std::uint64_t>;  // connection, local IKE SPI

    // The owner's configuration on `link` (replacing what it held anywhere); an empty one
    // releases it. Returns the links whose wanted state may have changed.
    std::vector<int> hold(const Owner& owner, int link, const LinkDns& dns);
    std::vector<int> release(const Owner& owner) { return hold(owner, 0, {}); }

    bool held(int link) const;

    // What `link` had before us (read from resolved); until it is known nothing is set.
    void remember(int link, const LinkDns& before) { before_[link] = before; }
    bool known(int link) const { return before_.contains(link); }
    const LinkDns& before(int link) const { return before_.at(link); }

    // What resolved should hold on a known `link`: what it had with every owner's servers
    // and domains added (in owner order, each once); nullopt once no owner is left: restore
    // before(link), then forget(link).
    std::optional<LinkDns> wanted(int link) const;
    void forget(int link) { before_.erase(link); }

    // The links an owner holds or that were read: what stop() restores.
    std::vector<int> links() const;

private:
    std::map<Owner, std::pair<int, LinkDns>> owners_;
    std::map<int, LinkDns> before_;
};

}  // namespace ipsecd
