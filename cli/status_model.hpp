// What `ipsecctl status` shows, as read from the org.ipsecd1 objects (one struct per
// interface: Connection, IkeSa, ChildSa). Times are seconds since the epoch, 0 = unknown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ipsecd::cli {

struct ChildView {
    std::string name, mode, protocol;
    std::uint32_t spi_in = 0, spi_out = 0;
    std::string proposal;
    std::vector<std::string> local_ts, remote_ts;
    std::uint64_t bytes_in = 0, bytes_out = 0, packets_in = 0, packets_out = 0;
    std::uint64_t established = 0, rekey = 0;
};

struct IkeSaView {
    std::uint32_t version = 2;
    std::string state;
    std::uint64_t local_spi = 0, remote_spi = 0;
    std::string proposal, local, remote;
    std::vector<std::string> virtual_ips, dns, dns_domains;
    std::uint64_t established = 0, rekey = 0;
    std::vector<ChildView> children;
};

// One lease of an address pool (Manager.ListLeases).
struct LeaseView {
    std::string pool, address, identity;
    bool online = false;
};

struct ConnectionView {
    std::string name, state, local_address, remote_address;
    std::vector<IkeSaView> ike_sas;
    std::vector<ChildView> children;  // SAs of no IKE SA: a manually keyed connection's pair
};

}  // namespace ipsecd::cli
