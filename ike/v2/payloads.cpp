#include "ike/v2/payloads.hpp"

namespace ike::v2 {

const wire::Notify* find_notify(std::span<const wire::Payload> payloads, std::uint16_t type) {
    for (const auto& p : payloads)
        if (const auto* n = std::get_if<wire::Notify>(&p); n && n->type == type) return n;
    return nullptr;
}

const wire::Notify* find_error(std::span<const wire::Payload> payloads) {
    for (const auto& p : payloads)
        if (const auto* n = std::get_if<wire::Notify>(&p); n && n->type < 16384) return n;
    return nullptr;
}

wire::Notify notify(std::uint16_t type, base::Bytes data) {
    return wire::Notify{.protocol = 0, .spi = {}, .type = type, .data = std::move(data)};
}

}  // namespace ike::v2
