// Internal to the IKEv2 codec: decoding one payload body of a known type.
#pragma once

#include "ike/wire/message.hpp"
#include "ike/wire/parse_error.hpp"
#include "ike/wire/reader.hpp"

namespace ike::wire {

// True for the payload types decode_body understands.
bool is_known_payload(PayloadType type);

// Decodes the body of a payload of known `type`; `next` is its generic header's Next
// Payload (SK and SKF keep it as the first inner payload type).
ParseResult<Payload> decode_body(PayloadType type, PayloadType next, Reader& body);

// The payload's name in errors ("SA", "Notify", ...).
const char* payload_name(PayloadType type);

}  // namespace ike::wire
