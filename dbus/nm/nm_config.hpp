// The Config / Ip4Config / Ip6Config signals' a{sv} dictionaries, in the formats NM reads
// (nm-vpn-dbus-interface.h): IPv4 addresses as a uint32 holding the network-order bytes,
// IPv6 ones as ay; IPv4 routes aau [dest, plen, next-hop, metric, pref-src], IPv6 routes
// a(ayuayu) [dest, plen, next-hop, metric]; DNS servers au (IPv4) or aay (IPv6), domains as.
#pragma once

#include <systemd/sd-bus.h>

#include <cstdint>
#include <string>

#include "dbus/nm/ip_config.hpp"
#include "net/address.hpp"

namespace nm {

struct GenericConfig {
    net::Address gateway;   // the IKE peer's address
    bool has_ip4 = false, has_ip6 = false;
    std::uint32_t mtu = 0;  // 0 = not sent
    std::string banner;
};

int append_generic_config(sd_bus_message* m, const GenericConfig& c);
// The Ip4Config or Ip6Config dictionary, after the family of c.address.
int append_ip_config(sd_bus_message* m, const IpConfig& c);

// An IPv4 address the way NM's "u" fields carry it: the four network-order bytes in memory.
std::uint32_t ip4_as_nm_u32(const net::Address& a);

}  // namespace nm
