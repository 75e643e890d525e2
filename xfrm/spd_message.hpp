// XFRM SPD information messages: setting the policy hash thresholds (XFRM_MSG_NEWSPDINFO)
// and reading them back (XFRM_MSG_GETSPDINFO). Pure functions, no sockets.
#pragma once

#include "xfrm/kernel.hpp"
#include "xfrm/netlink_message.hpp"

namespace xfrm {

// XFRM_MSG_NEWSPDINFO with XFRMA_SPD_IPV4_HTHRESH / _IPV6_HTHRESH for the families given;
// EINVAL (before the kernel) when a threshold is longer than its family's addresses.
base::Result<Message> encode_set_spd_hash(const SpdHashThresholds& t);
Message encode_get_spdinfo();  // XFRM_MSG_GETSPDINFO
// The kernel's XFRM_MSG_NEWSPDINFO reply: both thresholds, or an error when one is missing.
base::Result<SpdHashThresholds> decode_spd_hash(const nlmsghdr& nlh);

}  // namespace xfrm
