// Notify data with a defined layout (RFC 7296 3.10.1), so the engine never reads or
// writes notify bytes itself.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "ike/wire/message.hpp"

namespace ike::wire {

// INVALID_KE_PAYLOAD: the two-octet group the responder accepts, network byte order.
inline base::Bytes ke_group_data(std::uint16_t group) {
    return {static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group)};
}
inline std::optional<std::uint16_t> ke_group_of(const Notify& n) {
    if (n.data.size() != 2) return std::nullopt;
    return static_cast<std::uint16_t>(n.data[0] << 8 | n.data[1]);
}

}  // namespace ike::wire
