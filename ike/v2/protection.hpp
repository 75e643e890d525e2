// Encrypted messages of an IKE SA (RFC 7296 3.14): sealing our requests and responses,
// opening the peer's, and the message-ID bookkeeping of sending (2.1-2.3). Messages too
// large for the path go out as IKE fragments, and the peer's are reassembled (RFC 7383).
#pragma once

#include <cstdint>
#include <optional>

#include "base/result.hpp"
#include "ike/v2/core.hpp"
#include "ike/v2/payloads.hpp"
#include "ike/wire/message.hpp"

namespace ike::v2 {

wire::Header header_for(const IkeSa& sa, wire::ExchangeType exchange, bool response,
                        std::uint32_t message_id);

// The datagrams of a message whose payloads are all inside the SK payload: one, or its SKF
// fragments when the peer supports them and one datagram would exceed the path limit.
base::Result<Datagrams> seal(Core& core, IkeSa& sa, const wire::Header& header, const Payloads& inner);

// The inner payloads of a received message ending in an SK payload, or in an SKF payload
// that completes its message; nullopt for a fragment kept until the rest arrives. Any
// failure means the datagram is dropped without an answer (RFC 7296 2.21.2).
base::Result<std::optional<Payloads>> open(IkeSa& sa, base::ByteView datagram, const wire::Message& message);

// Sends a new request with the next message ID, to be retransmitted until answered; the
// window must be free (callers queue in sa.waiting otherwise).
void send_request(Core& core, IkeSa& sa, InFlight request, wire::ExchangeType exchange,
                  const Payloads& inner);
// Sends the response to request `message_id` and caches it for retransmitted requests.
void send_response(Core& core, IkeSa& sa, wire::ExchangeType exchange, std::uint32_t message_id,
                   const Payloads& inner);

}  // namespace ike::v2
