// The `secrets:` list: pre-shared keys and the identities they are for.
#pragma once

#include <vector>

#include "daemon/config/reader.hpp"
#include "ike/policy/connection.hpp"

namespace ipsecd::config {

// Each valid entry; each problem reported.
std::vector<ike::policy::Secret> read_secrets(Reader& r, const Field& f);

}  // namespace ipsecd::config
