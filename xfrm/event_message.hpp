// Events the kernel multicasts on XFRMNLGRP_ACQUIRE / _EXPIRE / _MIGRATE, decoded into
// xfrm::Event. Pure functions, no sockets.
#pragma once

#include <vector>

#include "xfrm/kernel.hpp"
#include "xfrm/netlink_message.hpp"

namespace xfrm {

// The events one message carries: none for message types that are not events, one per
// moved SA for XFRM_MSG_MIGRATE. An error for a malformed event message.
base::Result<std::vector<Event>> decode_event(const nlmsghdr& nlh);

}  // namespace xfrm
