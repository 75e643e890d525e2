// Data attribute values of both phases' SA payloads (RFC 2408 3.3): a value that needs more
// than 16 bits travels as a variable-length (TLV) attribute.
#pragma once

#include <cstdint>
#include <optional>

#include "ike/wire/data_attribute.hpp"

namespace ike::v1 {

inline wire::DataAttribute attribute(std::uint16_t type, std::uint64_t value) {
    if (value <= 0xffff) return wire::DataAttribute::tv(type, static_cast<std::uint16_t>(value));
    base::Bytes v(4);
    for (int i = 0; i < 4; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
    return wire::DataAttribute::tlv(type, std::move(v));
}

// The value of a TV attribute, or of a TLV one of up to 8 octets.
inline std::optional<std::uint64_t> attribute_value(const wire::DataAttribute& a) {
    if (a.is_tv) return a.tv_value;
    if (a.tlv_value.empty() || a.tlv_value.size() > 8) return std::nullopt;
    std::uint64_t v = 0;
    for (auto b : a.tlv_value) v = v << 8 | b;
    return v;
}

}  // namespace ike::v1
