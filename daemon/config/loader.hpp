// Loading the configuration (DESIGN.md Part 2, "Configuration"): YAML files or AddConnection
// text into the immutable ike::policy::Config, every problem a FILE:LINE:COLUMN diagnostic.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/diagnostic.hpp"
#include "ike/policy/config.hpp"

namespace ipsecd::config {

struct Loaded {
    // The valid connections and secrets. Apply it only when ok(): a file with any problem
    // leaves out what was wrong, and a partial configuration must not replace a good one.
    ike::policy::Config config;
    std::vector<Diagnostic> diagnostics;  // in file order, files in name order
    bool transient_owner = false;         // parse_text only: `transient_owner: true`
    // Each file the configuration names (cert, key, ca, crls): where it was first named,
    // for diagnostics about its content (message empty).
    std::map<std::string, Diagnostic> named_files;

    bool ok() const { return diagnostics.empty(); }
};

// One file; relative paths in it are relative to its directory.
Loaded load_file(const std::filesystem::path& file);

// Every `*.yaml` in `dir` (not hidden ones), in name order; connection names must be unique
// across the files.
Loaded load_directory(const std::filesystem::path& dir);

struct TextOptions {
    std::string source = "<bus>";                       // the FILE of its diagnostics
    std::filesystem::path config_dir = "/etc/ipsecd.d";  // base of relative paths
    std::vector<std::string> names_in_use;             // names taken by loaded connections
    std::vector<std::string> pools_in_use;             // pools the loaded files define
};

// YAML text in the file schema (AddConnection), plus the top-level key `transient_owner`.
Loaded parse_text(std::string_view yaml, const TextOptions& options = {});

}  // namespace ipsecd::config
