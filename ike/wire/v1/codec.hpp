// IKEv1 / ISAKMP encoding and decoding (RFC 2408 section 3). Errors carry IKEv1 notify
// numbers (v1::notify). Encrypted bodies stay opaque; keys are not the codec's business.
#pragma once

#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "ike/wire/parse_error.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::wire::v1 {

// A whole datagram. Header checks (RFC 2408 3.1): major version 1, non-zero initiator
// cookie, Length equal to the datagram size. With the encryption flag the body is kept as
// ciphertext; otherwise the payload chain is decoded and must fill the message exactly.
ParseResult<Message> decode_message(base::ByteView datagram);

// A decrypted body. Bytes after the last payload are cipher padding and are ignored.
ParseResult<std::vector<Payload>> decode_payloads(PayloadType first, base::ByteView plaintext);

Bytes encode(const Message& message);
// The plaintext to encrypt for an encrypted message (its first type goes in EncryptedBody).
Bytes encode_payloads(std::span<const Payload> payloads);
PayloadType first_payload_type(std::span<const Payload> payloads);

}  // namespace ike::wire::v1
