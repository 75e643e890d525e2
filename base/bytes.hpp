// Byte buffers and their hex form (SPIs in status, test vectors, debug dumps of public data).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace base {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Lower-case hex, no separators.
std::string to_hex(ByteView data);
// Accepts an optional "0x" prefix; nullopt on odd length or a non-hex digit.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace base
