// Conversions between our vocabulary (net::Address, Selector, Lifetime) and the kernel's
// XFRM structures (linux/xfrm.h). Shared by the SA, policy and event messages.
#pragma once

#include <linux/xfrm.h>

#include <optional>

#include "base/result.hpp"
#include "xfrm/kernel.hpp"

namespace xfrm::wire {

std::uint16_t af(net::Family f);  // AF_INET, AF_INET6
base::Result<net::Family> family(unsigned af);

xfrm_address_t address(const net::Address& a);
net::Address address(const xfrm_address_t& a, net::Family f);

xfrm_selector selector(const Selector& s);
// nullopt for the kernel's empty selector (family AF_UNSPEC).
base::Result<std::optional<Selector>> selector(const xfrm_selector& s);

// 0 ("no limit") is XFRM_INF in the kernel.
xfrm_lifetime_cfg lifetime(const Lifetime& l);
Lifetime lifetime(const xfrm_lifetime_cfg& l);

xfrm_mark mark(const Mark& m);
Mark mark(const xfrm_mark& m);

}  // namespace xfrm::wire
