// Payload bodies exactly as they travelled: HASH_I/HASH_R (RFC 2409 5) cover the
// initiator's SA payload body as sent, and the phase-2 hashes (5.5, 5.7) the message after
// the HASH payload, so re-encoding a decoded payload would not do.
#pragma once

#include <optional>

#include "base/bytes.hpp"
#include "ike/wire/v1/constants.hpp"

namespace ike::v1 {

// The first payload of `type` in a chain that starts with `first` at the start of `chain`:
// its body without the 4-byte generic header. nullopt if absent or the chain is malformed.
std::optional<base::ByteView> raw_body(base::ByteView chain, wire::v1::PayloadType first, wire::v1::PayloadType type);

// The chain after its first payload, to the end of the last one (the cipher padding
// excluded); nullopt if malformed.
std::optional<base::ByteView> after_first(base::ByteView chain);

inline constexpr std::size_t kHeaderSize = 28;  // RFC 2408 3.1

}  // namespace ike::v1
