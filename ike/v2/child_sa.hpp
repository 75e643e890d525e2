// Installing and removing a CHILD SA's kernel state: two SAs (in, out) and the policies
// that send matching traffic through them (RFC 4301 4.4.1 SPD entries, as XFRM models them).
#pragma once

#include "ike/crypto/child_keymat.hpp"
#include "ike/engine/child_policies.hpp"
#include "ike/engine/kernel_sa.hpp"
#include "ike/v2/core.hpp"

namespace ike::v2 {

// Derives the keys of `child` from the IKE SA (RFC 7296 2.17) and emits its kernel state.
// `we_initiated`: this side sent the request that created the CHILD SA (its "_i" keys
// protect our outbound traffic). `pfs_secret`: g^ir of a CREATE_CHILD_SA KE, else empty.
// A rekeyed CHILD SA keeps its reqid and the policies already installed (`with_policies`
// false): the kernel sends with the newest SA of the reqid (make-before-break). Policies no
// live CHILD SA holds are added in either case.
base::Status install_child(Core& core, IkeSa& sa, ChildSa child, bool we_initiated, base::ByteView ni,
                           base::ByteView nr, base::ByteView pfs_secret, bool with_policies);

// The policies of an installed CHILD SA (its negotiated selectors and reqid).
std::vector<xfrm::Policy> policies_of(const IkeSa& sa, const ChildSa& child);

// `old` goes: unless another CHILD SA of its reqid sends, the newest one whose outbound SA
// waits (the responder's side of a rekey, ChildSa::pending_out) gets it, before `old`'s
// is removed.
void install_pending_outbound(Core& core, IkeSa& sa, const ChildSa& old);
// Our Delete of `child` is out: when another CHILD SA of its reqid sends already, its
// outbound SA goes now, so nothing is sent on a pair the peer may have removed before its
// answer reaches us. Its inbound SA stays until then (1.4.1).
void stop_sending(Core& core, const IkeSa& sa, ChildSa& child);
// Removes the CHILD SA's SAs from the kernel, and its policies unless another CHILD SA of
// the connection still holds them (the other half of a rekey) or they are trap policies.
// `child` is out of the SA table's indexes already (Core::unindex_child).
void remove_child(Core& core, const IkeSa& sa, const ChildSa& child);
// The IKE SA's endpoints changed (a NAT rebinding, RFC 7296 2.23): each reqid's newest
// CHILD SA moves its SAs and policies there (MigrateSa).
void move_children(Core& core, IkeSa& sa);

}  // namespace ike::v2
