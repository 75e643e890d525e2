// `ipsecctl status` for people: per connection one line (name, state, local and peer
// address), then each IKE SA and CHILD SA with its age, next rekey and traffic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/status_model.hpp"

namespace ipsecd::cli {

// `now` is seconds since the epoch (ages and rekey times are relative to it).
std::string render_text(const std::vector<ConnectionView>& connections, std::uint64_t now);

std::string duration_text(std::uint64_t seconds);  // "45s", "5m 12s", "3h 4m", "2d 1h"
std::string bytes_text(std::uint64_t bytes);       // "512 B", "1.5 KiB", "3.0 MiB"

}  // namespace ipsecd::cli
