// Looking up payloads in a decoded chain, and making the ones every exchange sends.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ike/wire/message.hpp"
#include "ike/wire/notify_names.hpp"

namespace ike::v2 {

using Payloads = std::vector<wire::Payload>;

// The first payload of type T, or nullptr.
template <class T>
const T* find(std::span<const wire::Payload> payloads) {
    for (const auto& p : payloads)
        if (const T* t = std::get_if<T>(&p)) return t;
    return nullptr;
}

// The first Notify of a type, or nullptr.
const wire::Notify* find_notify(std::span<const wire::Payload> payloads, std::uint16_t type);
// The first Notify with an error type (< 16384, RFC 7296 3.10.1), or nullptr.
const wire::Notify* find_error(std::span<const wire::Payload> payloads);

// "NO_PROPOSAL_CHOSEN", ... or "notify 12345" for types without a name there.
using wire::notify_name;

wire::Notify notify(std::uint16_t type, base::Bytes data = {});

}  // namespace ike::v2
