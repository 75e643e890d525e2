// Retrying after TEMPORARY_FAILURE (RFC 7296 2.25): the peer is in the middle of something
// (a rekey, a delete) and the initiator MUST NOT retry at once but wait for it to finish.
// The wait is randomized so that two peers refusing each other do not retry in lockstep.
#pragma once

#include "ike/v2/core.hpp"

namespace ike::v2 {

// When to try again: 1 to 3 seconds from now, longer than an exchange takes.
inline Time retry_after_temporary_failure(Core& core) {
    constexpr Duration kMinimum{1000};
    constexpr std::uint16_t kSpreadMs = 2000;
    std::uint16_t r = 0;
    core.rng.fill({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
    return core.now + kMinimum + Duration{r % kSpreadMs};
}

}  // namespace ike::v2
