// Traffic selectors (RFC 7296 2.9, 3.13): from configured subnets to TS payloads, and the
// responder's narrowing of what the initiator proposed to what its policy allows.
#pragma once

#include <optional>
#include <vector>

#include "ike/wire/message.hpp"
#include "net/address.hpp"

namespace ike::v2 {

std::vector<wire::TrafficSelector> to_selectors(const std::vector<net::Prefix>& subnets);

// The largest prefixes that lie inside both a proposed selector and one of our subnets
// (RFC 7296 2.9: the responder narrows to a subset of the proposal). Ranges that are not
// a prefix are narrowed to the configured prefixes they contain. Empty: no overlap.
std::vector<net::Prefix> narrow(const std::vector<wire::TrafficSelector>& proposed,
                                const std::vector<net::Prefix>& ours);

// The prefixes a received TS payload covers, when each selector is exactly one prefix
// (what we accept from a responder as the initiator); nullopt otherwise.
std::optional<std::vector<net::Prefix>> to_prefixes(const std::vector<wire::TrafficSelector>& ts);

}  // namespace ike::v2
