// What every engine loop of the daemon shares (the main thread's and each shard's): the
// engine's clock, how many datagrams one socket's wakeup serves, and the one timer re-armed
// at the engine's next_wakeup() after every call (ike/v2/engine.hpp).
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <optional>

#include "ike/engine/clock.hpp"

namespace ipsecd {

inline ike::engine::Time now_monotonic() { return ike::engine::Clock::now(); }

// One wakeup serves what is queued, a burst per system call, but at most this many: a flood on
// one socket cannot starve the others, the timer or the bus, which sd-event dispatches before
// the socket's next turn.
inline constexpr std::size_t kMaxDatagramsPerWakeup = 64;

// Arms `timer` (created on `event` at the first call) for `when`; nullopt disarms it.
void rearm_engine_timer(sd_event* event, sd_event_source*& timer, std::optional<ike::engine::Time> when,
                        sd_event_time_handler_t handler, void* userdata);

}  // namespace ipsecd
