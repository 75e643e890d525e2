// Checks on files the configuration points at. DESIGN.md "Security posture": files that hold
// secrets must not be readable by group or others, and ipsecd refuses them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace ipsecd::config {

// nullopt when `path` is a readable regular file; otherwise why not.
std::optional<std::string> check_file(const std::filesystem::path& path);
// As check_file, and refused when group or others may read or write it.
std::optional<std::string> check_private_file(const std::filesystem::path& path);

}  // namespace ipsecd::config
