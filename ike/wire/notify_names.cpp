#include "ike/wire/notify_names.hpp"

#include "ike/wire/constants.hpp"

namespace ike::wire {

std::string notify_name(std::uint16_t type) {
    namespace n = notify;
    switch (type) {
        case n::invalid_syntax: return "INVALID_SYNTAX";
        case n::no_proposal_chosen: return "NO_PROPOSAL_CHOSEN";
        case n::invalid_ke_payload: return "INVALID_KE_PAYLOAD";
        case n::authentication_failed: return "AUTHENTICATION_FAILED";
        case n::ts_unacceptable: return "TS_UNACCEPTABLE";
        case n::no_additional_sas: return "NO_ADDITIONAL_SAS";
        case n::temporary_failure: return "TEMPORARY_FAILURE";
        case n::child_sa_not_found: return "CHILD_SA_NOT_FOUND";
        case n::unsupported_critical_payload: return "UNSUPPORTED_CRITICAL_PAYLOAD";
        case n::invalid_ike_spi: return "INVALID_IKE_SPI";
        case n::invalid_major_version: return "INVALID_MAJOR_VERSION";
        case n::invalid_message_id: return "INVALID_MESSAGE_ID";
        case n::invalid_spi: return "INVALID_SPI";
        case n::single_pair_required: return "SINGLE_PAIR_REQUIRED";
        case n::internal_address_failure: return "INTERNAL_ADDRESS_FAILURE";
        case n::failed_cp_required: return "FAILED_CP_REQUIRED";
        case n::invalid_selectors: return "INVALID_SELECTORS";
        case n::initial_contact: return "INITIAL_CONTACT";
        case n::set_window_size: return "SET_WINDOW_SIZE";
        case n::additional_ts_possible: return "ADDITIONAL_TS_POSSIBLE";
        case n::ipcomp_supported: return "IPCOMP_SUPPORTED";
        case n::nat_detection_source_ip: return "NAT_DETECTION_SOURCE_IP";
        case n::nat_detection_destination_ip: return "NAT_DETECTION_DESTINATION_IP";
        case n::cookie: return "COOKIE";
        case n::use_transport_mode: return "USE_TRANSPORT_MODE";
        case n::http_cert_lookup_supported: return "HTTP_CERT_LOOKUP_SUPPORTED";
        case n::rekey_sa: return "REKEY_SA";
        case n::esp_tfc_padding_not_supported: return "ESP_TFC_PADDING_NOT_SUPPORTED";
        case n::non_first_fragments_also: return "NON_FIRST_FRAGMENTS_ALSO";
        case n::mobike_supported: return "MOBIKE_SUPPORTED";
        case n::redirect_supported: return "REDIRECT_SUPPORTED";
        case n::childless_ikev2_supported: return "CHILDLESS_IKEV2_SUPPORTED";
        case n::ikev2_fragmentation_supported: return "IKEV2_FRAGMENTATION_SUPPORTED";
        case n::signature_hash_algorithms: return "SIGNATURE_HASH_ALGORITHMS";
        default: return "notify " + std::to_string(type);
    }
}

}  // namespace ike::wire
