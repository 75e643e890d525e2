// A batch of effects replayed on a copy of a kernel's policies one effect at a time, in the
// order the daemon applies them (removals_after_published_state): a test checks the policy
// table a packet would meet between any two effects, not only at the end of the batch.
#pragma once

#include <functional>
#include <map>

#include "ike/engine/effects.hpp"
#include "xfrm/kernel.hpp"

namespace ike::v2::test {

using PolicyTable = std::map<xfrm::PolicyId, xfrm::Policy>;

// Calls `check` with `table` after each policy change of `batch` (and once before them).
void replay_policies(PolicyTable table, const engine::Effects& batch, const std::function<void(const PolicyTable&)>& check);

// True if a policy of `table` in direction `dir` covers a packet from `src` to `dst`.
bool covers(const PolicyTable& table, xfrm::Dir dir, const char* src, const char* dst);

}  // namespace ike::v2::test
