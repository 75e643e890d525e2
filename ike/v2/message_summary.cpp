#include "ike/v2/message_summary.hpp"

#include "ike/v2/payloads.hpp"

namespace ike::v2 {

namespace {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// The abbreviations of RFC 7296 1.2 and 3.x ("No" for Nonce, "D" for Delete, "V" for
// Vendor ID), N(name) for a notify.
std::string payload_name(const wire::Payload& p) {
    return std::visit(Overloaded{
                          [](const wire::SecurityAssociation&) -> std::string { return "SA"; },
                          [](const wire::KeyExchange&) -> std::string { return "KE"; },
                          [](const wire::IdI&) -> std::string { return "IDi"; },
                          [](const wire::IdR&) -> std::string { return "IDr"; },
                          [](const wire::Certificate&) -> std::string { return "CERT"; },
                          [](const wire::CertificateRequest&) -> std::string { return "CERTREQ"; },
                          [](const wire::Authentication&) -> std::string { return "AUTH"; },
                          [](const wire::Nonce&) -> std::string { return "No"; },
                          [](const wire::Notify& n) { return "N(" + notify_name(n.type) + ")"; },
                          [](const wire::Delete&) -> std::string { return "D"; },
                          [](const wire::VendorId&) -> std::string { return "V"; },
                          [](const wire::TsI&) -> std::string { return "TSi"; },
                          [](const wire::TsR&) -> std::string { return "TSr"; },
                          [](const wire::Encrypted&) -> std::string { return "SK"; },
                          [](const wire::EncryptedFragment& f) {
                              return "SKF(" + std::to_string(f.number) + "/" + std::to_string(f.total) + ")";
                          },
                          [](const wire::Configuration&) -> std::string { return "CP"; },
                          [](const wire::Eap&) -> std::string { return "EAP"; },
                          [](const wire::UnknownPayload& u) { return "PL(" + std::to_string(u.type) + ")"; },
                      },
                      p);
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
