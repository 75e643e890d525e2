// The contract's spellings of enum values, shared by the D-Bus properties and the status
// JSON ("up", "tunnel", "esp"). Kept here rather than linking the engine for them.
#pragma once

#include <string_view>

#include "ike/engine/effects.hpp"

namespace ipsecd::bus {

std::string_view state_name(ike::engine::ConnectionState state);  // down connecting up closing
std::string_view mode_name(xfrm::Mode mode);                  // tunnel transport
std::string_view protocol_name(xfrm::Proto proto);            // esp ah

}  // namespace ipsecd::bus
