// The order the daemon applies a batch of effects in, when it differs from the engine's: a
// policy's removal waits for the next published state, so the routes and virtual IPs that
// state drops come down first (a road warrior's trap covers its own address, not the
// virtual IP). In that gap a packet from a virtual IP still meets the leaving policy (no
// SA: dropped) rather than no policy (out in clear by another route; DESIGN "Fail closed").
// A removal still goes before any later kernel addition, update or move, which may concern
// the same policy.
#pragma once

#include "ike/engine/effects.hpp"

namespace ike::engine {

Effects removals_after_published_state(Effects effects);

}  // namespace ike::engine
