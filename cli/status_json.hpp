// `ipsecctl status --json`: the one JSON object of DESIGN Part 2 ("Programs"). Key order
// and spelling follow the contract; SPIs are "0x…" hex strings, counters numbers. Added
// fields (allowed by the contract) come after the contract's: "established" and "rekey"
// (seconds since the epoch, 0 = unknown) on IKE and CHILD SAs.
#pragma once

#include <string>
#include <vector>

#include "cli/status_model.hpp"

namespace ipsecd::cli {

std::string render_json(const std::vector<ConnectionView>& connections);  // one line + "\n"
std::string render_json(const std::vector<LeaseView>& leases);            // {"leases":[...]}

// A JSON string literal with RFC 8259 7 escaping ("a\"b" for a"b).
std::string json_string(const std::string& text);

}  // namespace ipsecd::cli
