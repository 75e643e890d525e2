// IKEv2 encoding: typed message to bytes. Generic headers, counts, lengths and Next Payload
// fields are derived from the values; decode(encode(m)) == m.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "ike/wire/message.hpp"

namespace ike::wire {

// The whole datagram: header (Next Payload, Length filled in) and the payload chain.
Bytes encode(const Message& message);

// The plaintext of an SK payload: an inner chain whose last Next Payload is zero. Its first
// payload type goes into the SK payload (Encrypted::first_inner).
Bytes encode_payloads(std::span<const Payload> payloads);
PayloadType first_payload_type(std::span<const Payload> payloads);

// The bytes that precede the body of the SK (or SKF) payload that ends `message`, with every
// length set for a body of `body_size` bytes (IV | ciphertext | ICV): the IKE header, any
// payloads before it and the SK header (plus Fragment Number/Total for SKF). This is the
// AEAD associated data (RFC 5282 5.1, RFC 7383 2.5) and the start of the integrity-checked
// span; the datagram is this prefix followed by the body. Fails if the last payload is not
// SK/SKF.
base::Result<Bytes> encrypted_prefix(const Message& message, std::size_t body_size);

}  // namespace ike::wire
