// The generic payload header both IKE versions use (RFC 7296 3.2, RFC 2408 3.2): Next
// Payload, a flags/reserved octet (IKEv2 keeps the critical bit there), Payload Length
// counting the header itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ike/wire/reader.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire {

inline constexpr std::size_t kPayloadHeaderSize = 4;

struct PayloadHeader {
    std::uint8_t next = 0;
    std::uint8_t flags = 0;
    std::uint16_t length = 0;
};

// Reads a generic header and returns a reader over the body. A length below the header
// size or past the end of `r` fails `r` (and the returned reader).
Reader read_payload_header(Reader& r, PayloadHeader& header);

// Writes a header with a length placeholder; end_payload fills it in. Returns the start.
std::size_t begin_payload(Writer& w, std::uint8_t next, std::uint8_t flags);
inline void end_payload(Writer& w, std::size_t start) { w.patch_length_u16(start + 2, start); }

}  // namespace ike::wire
