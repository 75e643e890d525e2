// Connection configurations for the two-peers tests: alice (192.0.2.1, 10.1.0.0/24) and
// bob (192.0.2.2, 10.2.0.0/24), PSK, one tunnel-mode CHILD SA "net".
#pragma once

#include <string>

#include "ike/policy/config.hpp"

namespace ike::v2::test {

struct Side {
    const char* address;
    const char* id;
    const char* subnet;
};
inline constexpr Side kAlice{"192.0.2.1", "@alice.example", "10.1.0.0/24"};
inline constexpr Side kBob{"192.0.2.2", "@bob.example", "10.2.0.0/24"};

// A connection "site" from `local` to `remote` with default proposals and the given PSK.
policy::Config site_config(const Side& local, const Side& remote, const std::string& psk = "shared secret");

// Remote access (RFC 7296 2.19): alice a gateway, "site" for `%any` leasing from the pool
// "office" (first to last, DNS 10.1.0.53, domain corp.example); `local` (bob) a road warrior
// asking for an IPv4 virtual IP.
policy::Config remote_access_gateway(const char* first = "10.3.0.1", const char* last = "10.3.0.254");
policy::Config remote_access_road_warrior(const Side& local = kBob);

// "site" with the children "net" (10.1/10.2) and "lab" (10.11/10.12), started as given,
// from alice's side or, mirrored, from bob's.
policy::Config two_children(bool alice, policy::Start net, policy::Start lab);

// Replaces the IKE (or child) proposals of every connection with one parsed proposal.
void set_ike_proposal(policy::Config& c, const std::string& proposal);
void set_child_proposal(policy::Config& c, const std::string& proposal);

}  // namespace ike::v2::test
