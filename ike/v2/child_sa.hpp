// Installing and removing a CHILD SA's kernel state: two SAs (in, out) and the policies
// that send matching traffic through them (RFC 4301 4.4.1 SPD entries, as XFRM models them).
#pragma once

#include "ike/crypto/child_keymat.hpp"
#include "ike/v2/core.hpp"

namespace ike::v2 {

// Derives the keys of `child` from the IKE SA (RFC 7296 2.17) and emits its kernel state.
// `we_initiated`: this side sent the request that created the CHILD SA (its "_i" keys
// protect our outbound traffic).
base::Status install_child(Core& core, IkeSa& sa, ChildSa child, bool we_initiated,
                           base::ByteView ni, base::ByteView nr);

// Removes the CHILD SA's SAs and policies from the kernel.
void remove_child(Core& core, const IkeSa& sa, const ChildSa& child);

}  // namespace ike::v2
