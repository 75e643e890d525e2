// SPI fields as numbers. An SPI travels as octets whose count the payload states (Proposal
// SPI Size, Notify SPI Size, Delete SPI Size: RFC 7296 3.3.1, 3.10, 3.11): 4 for AH and ESP,
// 8 for an IKE SA (the SPI of the header, 3.1), both in network byte order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.hpp"

namespace ike::wire {

namespace detail {
template <class Uint>
base::Bytes spi_bytes(Uint spi) {
    base::Bytes out(sizeof(Uint));
    for (std::size_t i = sizeof(Uint); i-- > 0; spi = static_cast<Uint>(spi >> 8)) out[i] = static_cast<std::uint8_t>(spi);
    return out;
}

// nullopt unless `field` has exactly sizeof(Uint) octets: a wrong size is the peer's error,
// not SPI 0.
template <class Uint>
std::optional<Uint> spi_value(base::ByteView field) {
    if (field.size() != sizeof(Uint)) return std::nullopt;
    Uint v = 0;
    for (std::uint8_t octet : field) v = static_cast<Uint>(v << 8 | octet);
    return v;
}
}  // namespace detail

// An AH or ESP SPI (4 octets).
inline base::Bytes child_spi_bytes(std::uint32_t spi) { return detail::spi_bytes(spi); }
inline std::optional<std::uint32_t> child_spi(base::ByteView field) { return detail::spi_value<std::uint32_t>(field); }

// An IKE SA SPI (8 octets), as in the proposal of an IKE SA rekey (RFC 7296 1.3.2).
inline base::Bytes ike_spi_bytes(std::uint64_t spi) { return detail::spi_bytes(spi); }
inline std::optional<std::uint64_t> ike_spi(base::ByteView field) { return detail::spi_value<std::uint64_t>(field); }

}  // namespace ike::wire
