// Top-level `pools:` (DESIGN.md Part 2, "Remote access"): the addresses a gateway hands out.
#pragma once

#include <optional>

#include "daemon/config/reader.hpp"
#include "ike/policy/connection.hpp"

namespace ipsecd::config {

// One pool: `entry` is its name and mapping. nullopt when anything was wrong (reported).
std::optional<ike::policy::Pool> read_pool(Reader& r, const Field& entry);

}  // namespace ipsecd::config
