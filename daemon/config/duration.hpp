// Durations as the configuration writes them: "30s", "10m", "4h", "1h30m", "1d"; a bare
// number is seconds ("0" turns DPD off).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace ipsecd::config {

// Units in decreasing order, each at most once; nullopt on anything else or on overflow.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace ipsecd::config
