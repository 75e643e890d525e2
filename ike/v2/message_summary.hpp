// An IKE message as the debug log shows it (issue 4: "debug level shows each exchange"),
// strongSwan-style: "IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INITIAL_CONTACT) ]".
// Payload types only, never their content: no keys, nonces or IDs.
#pragma once

#include <span>
#include <string>

#include "ike/wire/message.hpp"

namespace ike::v2 {

// "[ SA KE No N(NAT_DETECTION_SOURCE_IP) ]"; an encrypted message shows its inner payloads.
std::string payload_list(std::span<const wire::Payload> payloads);

// Exchange, request or response, message ID and payload_list().
std::string message_summary(const wire::Header& header, std::span<const wire::Payload> payloads);

}  // namespace ike::v2
