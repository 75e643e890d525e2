// One entry of `connections:` into the connection model, defaults filled in.
#pragma once

#include <filesystem>
#include <optional>

#include "daemon/config/reader.hpp"
#include "ike/policy/connection.hpp"

namespace ipsecd::config {

// `entry` is the connection's name (key) and its mapping. nullopt when anything was wrong
// (everything wrong is reported).
std::optional<ike::policy::Connection> read_connection(Reader& r, const Field& entry,
                                                       const std::filesystem::path& base_dir);

// The `manual:` block (documented at ike::policy::Manual).
std::optional<ike::policy::Manual> read_manual(Reader& r, const Field& f);

}  // namespace ipsecd::config
