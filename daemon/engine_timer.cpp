#include "daemon/engine_timer.hpp"

#include <chrono>
#include <cstdint>

namespace ipsecd {

namespace {

// sd-event's CLOCK_MONOTONIC microseconds and steady_clock share the same epoch on Linux.
std::uint64_t to_usec(ike::engine::Time t) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

}  // namespace

void rearm_engine_timer(sd_event* event, sd_event_source*& timer, std::optional<ike::engine::Time> when,
                        sd_event_time_handler_t handler, void* userdata) {
    if (!when) {
        if (timer) sd_event_source_set_enabled(timer, SD_EVENT_OFF);
        return;
    }
    if (!timer) {
        sd_event_add_time(event, &timer, CLOCK_MONOTONIC, to_usec(*when), 1000, handler, userdata);
        return;
    }
    sd_event_source_set_time(timer, to_usec(*when));
    sd_event_source_set_enabled(timer, SD_EVENT_ONESHOT);
}

}  // namespace ipsecd
