// Notify data with a defined layout (RFC 7296 3.10.1), so the engine never reads or
// writes notify bytes itself.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "ike/wire/constants.hpp"
#include "ike/wire/message.hpp"
#include "ike/wire/spi.hpp"

namespace ike::wire {

// INVALID_KE_PAYLOAD: the two-octet group the responder accepts, network byte order.
inline base::Bytes ke_group_data(std::uint16_t group) {
    return {static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group)};
}
inline std::optional<std::uint16_t> ke_group_of(const Notify& n) {
    if (n.data.size() != 2) return std::nullopt;
    return static_cast<std::uint16_t>(n.data[0] << 8 | n.data[1]);
}

// REKEY_SA (RFC 7296 3.10.1, 1.3.3): the Notify's SPI field names the CHILD SA being
// rekeyed by the SPI its sender expects inbound; no notification data.
inline Notify rekey_sa(ProtocolId protocol, std::uint32_t spi_in) {
    return Notify{static_cast<std::uint8_t>(protocol), child_spi_bytes(spi_in), notify::rekey_sa, {}};
}
// That SPI; nullopt unless `n` is a REKEY_SA about AH or ESP with a 4-octet SPI.
inline std::optional<std::uint32_t> rekey_sa_spi(const Notify& n) {
    const auto protocol = static_cast<ProtocolId>(n.protocol);
    if (n.type != notify::rekey_sa || (protocol != ProtocolId::ah && protocol != ProtocolId::esp)) return std::nullopt;
    return child_spi(n.spi);
}

}  // namespace ike::wire
