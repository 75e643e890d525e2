// XFRM policy messages: NEWPOLICY/UPDPOLICY, DELPOLICY, the policy dump request, and the
// kernel's policy records decoded back. Pure functions, no sockets.
#pragma once

#include <optional>

#include "xfrm/kernel.hpp"
#include "xfrm/netlink_message.hpp"

namespace xfrm {

// XFRM_MSG_NEWPOLICY (update = false) or XFRM_MSG_UPDPOLICY.
base::Result<Message> encode_policy(const Policy& p, bool update);
Message encode_delete_policy(const PolicyId& id);
Message encode_policy_dump();  // XFRM_MSG_GETPOLICY with NLM_F_DUMP
// XFRM_MSG_MIGRATE: the policy's selector and direction, one XFRMA_MIGRATE entry, and
// XFRMA_ENCAP with the SA's new UDP ports if any.
base::Result<Message> encode_migrate(const Migration& m);

// XFRM_MSG_NEWPOLICY record. nullopt for per-socket policies, which have no place in
// Policy (their direction is beyond in/out/fwd).
base::Result<std::optional<Policy>> decode_policy(const nlmsghdr& nlh);

}  // namespace xfrm
