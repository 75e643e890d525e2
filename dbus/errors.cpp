#include "dbus/errors.hpp"

namespace ipsecd::bus {

namespace {

const char* reason_suffix(Reason reason) {
    switch (reason) {
        case Reason::no_such_connection: return "NoSuchConnection";
        case Reason::invalid_config: return "InvalidConfig";
        case Reason::not_transient: return "NotTransient";
        case Reason::already_exists: return "AlreadyExists";
        case Reason::authentication_failed: return "AuthenticationFailed";
        case Reason::no_proposal_chosen: return "NoProposalChosen";
        case Reason::timeout: return "Timeout";
        case Reason::child_refused: return "ChildRefused";
        case Reason::child_failed: return "ChildFailed";
        case Reason::host_unresolved: return "HostUnresolved";
        case Reason::child_unacceptable: return "ChildUnacceptable";
        case Reason::cancelled: return "Cancelled";
        case Reason::failed: return "Failed";
    }
    return "Failed";
}

}  // namespace

std::string error_name(Reason reason) {
    return std::string("org.ipsecd1.Error.") + reason_suffix(reason);
}

int set_error(sd_bus_error* e, const Error& error) {
    return sd_bus_error_set(e, error_name(error.reason).c_str(), error.message.c_str());
}

}  // namespace ipsecd::bus
