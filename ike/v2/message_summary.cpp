#include "ike/v2/message_summary.hpp"

#include "ike/v2/payloads.hpp"

namespace ike::v2 {

namespace {

// The abbreviations of RFC 7296 1.2 and 3.x ("No" for Nonce, "D" for Delete, "V" for
// Vendor ID), N(name) for a notify, SKF(number/total) for a fragment.
std::string payload_name(const wire::Payload& p) {
    if (const auto* n = std::get_if<wire::Notify>(&p)) return "N(" + notify_name(n->type) + ")";
    if (const auto* f = std::get_if<wire::EncryptedFragment>(&p))
        return "SKF(" + std::to_string(f->number) + "/" + std::to_string(f->total) + ")";
    using T = wire::PayloadType;
    const std::uint8_t type = wire::payload_type(p);
    switch (static_cast<T>(type)) {
        case T::sa: return "SA";
        case T::ke: return "KE";
        case T::id_i: return "IDi";
        case T::id_r: return "IDr";
        case T::cert: return "CERT";
        case T::certreq: return "CERTREQ";
        case T::auth: return "AUTH";
        case T::nonce: return "No";
        case T::del: return "D";
        case T::vendor_id: return "V";
        case T::ts_i: return "TSi";
        case T::ts_r: return "TSr";
        case T::sk: return "SK";
        case T::cp: return "CP";
        case T::eap: return "EAP";
        case T::notify:
        case T::skf:
        case T::none: break;
    }
    return "PL(" + std::to_string(type) + ")";
}

std::string exchange_name(wire::ExchangeType e) {
    switch (e) {
        case wire::ExchangeType::ike_sa_init: return "IKE_SA_INIT";
        case wire::ExchangeType::ike_auth: return "IKE_AUTH";
        case wire::ExchangeType::create_child_sa: return "CREATE_CHILD_SA";
        case wire::ExchangeType::informational: return "INFORMATIONAL";
    }
    return "EXCHANGE(" + std::to_string(static_cast<unsigned>(e)) + ")";
}

}  // namespace

std::string payload_list(std::span<const wire::Payload> payloads) {
    std::string out = "[";
    for (const auto& p : payloads) out += " " + payload_name(p);
    return out + " ]";
}

std::string message_summary(const wire::Header& header, std::span<const wire::Payload> payloads) {
    const bool response = (header.flags & wire::flag::response) != 0;
    return exchange_name(header.exchange) + (response ? " response " : " request ") +
           std::to_string(header.message_id) + " " + payload_list(payloads);
}

}  // namespace ike::v2
