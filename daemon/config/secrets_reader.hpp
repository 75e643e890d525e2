// The `secrets:` list: pre-shared keys and the identities they are for, and passphrases of
// encrypted private keys.
#pragma once

#include <filesystem>

#include "daemon/config/reader.hpp"
#include "ike/policy/config.hpp"

namespace ipsecd::config {

// Appends each valid entry to out.secrets or out.key_passwords (key paths relative to
// base_dir); each problem reported.
void read_secrets(Reader& r, const Field& f, const std::filesystem::path& base_dir, ike::policy::Config& out);

}  // namespace ipsecd::config
