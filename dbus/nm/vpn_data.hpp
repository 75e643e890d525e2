// vpn.data of an ipsecd NetworkManager connection, parsed and checked (docs/DESIGN.md Part 2,
// "NetworkManager plugin"). Pure: no D-Bus, no I/O, so it is unit-tested directly.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "net/address.hpp"

namespace nm {

// vpn.data and vpn.secrets are both a{ss} on D-Bus.
using StringMap = std::map<std::string, std::string>;

// eap_mschapv2: we are a road warrior authenticating with EAP-MSCHAPv2 (`eap-id` and the
// `password` secret), the gateway with its certificate (`ca`).
enum class Auth { psk, pubkey, eap_mschapv2 };
enum class Mode { tunnel, transport };

struct VpnData {
    std::string remote;                     // peer address or host name (required)
    std::optional<net::Address> local;      // local IKE address
    std::string local_id, remote_id;        // empty = ipsecd's default (the address)
    Auth auth = Auth::psk;
    std::string cert, key, ca;              // pubkey: file paths; eap-mschapv2: ca
    std::string eap_id;                     // eap-mschapv2: our EAP identity
    // `virtual-ip`: the families of the virtual IPs asked from the gateway (RFC 7296 3.15);
    // the inner address is the one received.
    std::vector<net::Family> virtual_ips;
    std::vector<net::Prefix> local_subnets;  // empty = ipsecd's default (host-to-host)
    std::vector<net::Prefix> remote_subnets;  // never empty: default 0.0.0.0/0
    std::vector<std::string> ike_proposals, esp_proposals;  // empty = ipsecd's defaults
    Mode mode = Mode::tunnel;
};

// Parses vpn.data; the message names the offending key. Unknown keys are ignored: NM keeps
// its own bookkeeping there (the `<secret>-flags` keys).
base::Result<VpnData> parse_vpn_data(const StringMap& data);

// "a b  c" -> {"a", "b", "c"}: the list syntax of the subnet and proposal keys.
std::vector<std::string> split_words(const std::string& text);

}  // namespace nm
