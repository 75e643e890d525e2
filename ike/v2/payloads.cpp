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

std::string notify_name(std::uint16_t type) {
    namespace n = wire::notify;
    switch (type) {
        case n::invalid_syntax: return "INVALID_SYNTAX";
        case n::no_proposal_chosen: return "NO_PROPOSAL_CHOSEN";
        case n::invalid_ke_payload: return "INVALID_KE_PAYLOAD";
        case n::authentication_failed: return "AUTHENTICATION_FAILED";
        case n::ts_unacceptable: return "TS_UNACCEPTABLE";
        case n::no_additional_sas: return "NO_ADDITIONAL_SAS";
        case n::temporary_failure: return "TEMPORARY_FAILURE";
        case n::child_sa_not_found: return "CHILD_SA_NOT_FOUND";
        default: return "notify " + std::to_string(type);
    }
}

wire::Notify notify(std::uint16_t type, base::Bytes data) {
    return wire::Notify{.protocol = 0, .spi = {}, .type = type, .data = std::move(data)};
}

}  // namespace ike::v2
