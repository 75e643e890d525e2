// Traffic selectors (RFC 7296 2.9, 3.13): from configured subnets to TS payloads, and the
// responder's narrowing of what the initiator proposed to what its policy allows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ike/policy/connection.hpp"
#include "ike/wire/message.hpp"
#include "net/address.hpp"

namespace ike::v2 {

std::vector<wire::TrafficSelector> to_selectors(const std::vector<net::Prefix>& subnets);

// strongSwan's `dynamic` (DESIGN Part 2, "Configuration"): an end configured without subnets
// stands for the IKE address it uses on this IKE SA, as a /32 or /128 (a road warrior's own
// address, a local source address chosen by the route to the peer).
std::vector<net::Prefix> or_dynamic(const std::vector<net::Prefix>& subnets, const net::Address& ike_address);

// One CHILD SA's selectors, from our point of view (as initiator: TSi, TSr).
struct Selectors {
    std::vector<net::Prefix> local, remote;
};

// What we propose for a new CHILD SA of `child` on an IKE SA between these addresses.
Selectors proposed_selectors(const policy::Child& child, const net::Address& local, const net::Address& remote);

// True if each of `answer` lies inside one of `proposed` (2.9: a responder narrows, never widens).
bool narrows(const std::vector<net::Prefix>& answer, const std::vector<net::Prefix>& proposed);

// Selectors for the log: "10.1.0.0/24 10.1.1.0/24"; a range or a port/protocol
// restriction as "10.1.0.5-10.1.0.9 proto 6 port 80-80".
std::string describe(const std::vector<net::Prefix>& prefixes);
std::string describe(const std::vector<wire::TrafficSelector>& selectors);

// The largest prefixes that lie inside both a proposed selector and one of our subnets
// (RFC 7296 2.9: the responder narrows to a subset of the proposal). Ranges that are not
// a prefix are narrowed to the configured prefixes they contain. Empty: no overlap.
std::vector<net::Prefix> narrow(const std::vector<wire::TrafficSelector>& proposed,
                                const std::vector<net::Prefix>& ours);

// The prefixes a received TS payload covers, when each selector is exactly one prefix
// (what we accept from a responder as the initiator); nullopt otherwise.
std::optional<std::vector<net::Prefix>> to_prefixes(const std::vector<wire::TrafficSelector>& ts);

}  // namespace ike::v2
