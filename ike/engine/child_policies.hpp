// The SPD entries (RFC 4301 4.4.1, as XFRM models them) that send a child's traffic through
// the SAs of its reqid: both engines' pairs, traps and fail-closed holds, and manual SAs.
#pragma once

#include <cstdint>
#include <vector>

#include "net/address.hpp"
#include "xfrm/kernel.hpp"

namespace ike::engine {

// Out, in, and fwd in tunnel mode, per pair of selectors of one family.
struct PolicySpec {
    const std::vector<net::Prefix>& local_ts;
    const std::vector<net::Prefix>& remote_ts;
    const net::Address& local;
    const net::Address& remote;
    xfrm::Proto proto;
    xfrm::Mode mode;
    std::uint32_t reqid;
};
std::vector<xfrm::Policy> policies_for(const PolicySpec& spec);

}  // namespace ike::engine
