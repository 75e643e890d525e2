// What the plugin tells NetworkManager about addresses and routes once the CHILD SA is up
// (Ip4Config / Ip6Config). IPsec here is policy-based: no tun device (tundev "_none_"), the
// kernel's XFRM policies pick the traffic, NM only adds our inner address and routes to the
// remote traffic selectors with that address as pref-src. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dbus/nm/vpn_data.hpp"
#include "net/address.hpp"

namespace nm {

// What ipsecd reports for the established connection (empty = not reported).
struct Negotiated {
    std::vector<net::Prefix> local_ts, remote_ts;  // the CHILD SA's traffic selectors
    std::optional<net::Address> local_address;     // the IKE SA's local address
    // The IKE SA's virtual IPs, DNS servers and domains (IkeSa.VirtualIps, Dns, DnsDomains).
    std::vector<net::Address> virtual_ips, dns;
    std::vector<std::string> dns_domains;
};

struct IpConfig {
    net::Address address;               // our inner address, announced as a host prefix
    std::vector<net::Prefix> routes;    // remote selectors other than the default route
    bool never_default = true;          // false when a remote selector is 0.0.0.0/0 (::/0)
    std::vector<net::Address> dns;      // the gateway's DNS servers of this family
    std::vector<std::string> domains;   // routing-only ("~corp.example", RFC 8598)
    bool operator==(const IpConfig&) const = default;
};

struct IpConfigs {
    std::optional<IpConfig> v4, v6;
    bool operator==(const IpConfigs&) const = default;
};

// The address a host uses inside `p`: the address itself for /32 (/128) and /31 (/127),
// else the first host (network + 1).
net::Address host_address_in(const net::Prefix& p);

// Per family: remote selectors are the negotiated ones, else the configured ones; the inner
// address is the virtual IP received of the family when `virtual-ip` is set (none received:
// no config for the family), else the first configured local subnet's host address, else the configured
// local address, else the first negotiated local selector's, else the IKE SA's local address.
// A family without remote selectors or without an inner address gets no config. The DNS
// servers of the family and the domains go with it.
IpConfigs build_ip_configs(const VpnData& vpn, const Negotiated& negotiated);

}  // namespace nm
