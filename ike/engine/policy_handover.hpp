// A reload's batch as the kernel must see it (DESIGN "Fail closed"): a connection taken
// down and started again, or one removed while another takes its traffic, deletes policies
// and adds the same ones (by selector and direction) again. Applied in that order they
// leave a moment with no policy, when a packet a route carries goes out in clear; added
// first, the kernel refuses them (EEXIST). So a policy deleted and added again later in
// the batch is updated in place instead, and the deletions left (selectors no longer
// wanted) go after every addition: the traffic the new configuration still covers meets a
// policy at every step, the old one's or the new one's. The old CHILD SAs' SAs go at the end
// too, just before those deletions: until its policy sends to the new reqid a packet still
// finds the old SA, rather than raising an acquire for a reqid no SA will fill (the kernel's
// larval SA would outlive the daemon's stop by up to xfrm_acq_expires).
// Between engines (a connection moving to the other version) the addition stays an
// addition and the other engine's deletion goes after it: the policy ledger
// (xfrm/policy_ledger.hpp) updates the policy in place, then drops only the deleting
// engine's wish.
#pragma once

#include "ike/engine/effects.hpp"

namespace ike::engine {

Effects hand_over_policies(Effects effects);

}  // namespace ike::engine
