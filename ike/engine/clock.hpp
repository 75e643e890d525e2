// Time as the engine sees it: a monotonic instant handed in with every event. The engine
// never reads a clock itself, so tests drive it with a fake one.
#pragma once

#include <chrono>

namespace ike::engine {

using Clock = std::chrono::steady_clock;
using Time = Clock::time_point;
using Duration = std::chrono::milliseconds;

}  // namespace ike::engine
