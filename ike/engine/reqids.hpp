// The reqids of the engines' kernel state (ike::v2 and ike::v1 each use a half of the range).
#pragma once

#include <cstdint>

namespace ike::engine {

// The reqids of the engine's CHILD SAs and trap policies have this top byte: they mark
// ipsecd's own kernel state, so that an ipsecd started after a crash finds what its
// predecessor left there (daemon/leftovers.hpp). A configuration gets the same trap reqids
// every time it starts (allocated in configuration order).
inline constexpr std::uint32_t kReqidBase = 0x1d000000;
inline constexpr bool is_engine_reqid(std::uint32_t reqid) { return (reqid & 0xff000000u) == kReqidBase; }

}  // namespace ike::engine
