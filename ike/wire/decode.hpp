// IKEv2 decoding: bytes in, typed message out (RFC 7296 section 3). No keys, no SA state:
// an SK/SKF payload stays opaque here and its plaintext, once the protection layer has
// decrypted it, is read with decode_payloads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.hpp"
#include "ike/wire/message.hpp"
#include "ike/wire/parse_error.hpp"

namespace ike::wire {

// The fixed header as it appears on the wire (RFC 7296 3.1).
struct WireHeader {
    Header header;
    PayloadType first_payload = PayloadType::none;
    std::uint32_t length = 0;
};

// Reads the 28-byte header; fails only when the datagram is shorter than that.
ParseResult<WireHeader> decode_header(base::ByteView datagram);

// The RFC 7296 header MUSTs that need no SA state: major version 2 (3.1, else
// INVALID_MAJOR_VERSION), Length equal to the datagram, non-zero initiator SPI, zero
// responder SPI and Message ID in an IKE_SA_INIT request (3.1, 2.2). Minor version, the V
// flag and reserved flag bits MUST be ignored on receipt, so they are.
ParseStatus check_header(const WireHeader& header, std::size_t datagram_size);

// A whole datagram (without the non-ESP marker of port 4500): header checked, the outer
// payload chain decoded. An unknown payload is kept as UnknownPayload unless critical, which
// fails with UNSUPPORTED_CRITICAL_PAYLOAD (notify data: the payload type, RFC 7296 3.2).
ParseResult<Message> decode_message(base::ByteView datagram);

// The inner chain of a decrypted SK payload (or reassembled SKF payloads), starting with
// `first` (the SK payload's Next Payload). Offsets in errors are relative to `plaintext`.
ParseResult<std::vector<Payload>> decode_payloads(PayloadType first, base::ByteView plaintext);

}  // namespace ike::wire
