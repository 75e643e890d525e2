#include "ike/engine/effects.hpp"

#include "ike/wire/notify_names.hpp"

namespace ike::engine {

std::string describe(const Failure& f) {
    const std::string peer_said = f.notify ? ": " + wire::notify_name(f.notify) : "";
    const std::string child = "child '" + f.child + "'";
    switch (f.kind) {
        case FailureKind::none: return "";
        case FailureKind::authentication_failed: return "authentication failed" + peer_said;
        case FailureKind::no_proposal_chosen: return "no IKE proposal chosen" + peer_said;
        case FailureKind::timeout: return "peer not responding";
        case FailureKind::child_refused: return child + " refused by the peer" + peer_said;
        case FailureKind::child_failed: return child + " could not be installed";
        case FailureKind::child_widened:
            return child + " not installed: the peer widened the traffic selectors (RFC 7296 2.9)";
        case FailureKind::child_mode_refused: return child + " not installed: the peer chose a mode we did not ask for";
        case FailureKind::cannot_initiate: return "cannot initiate (no usable address or route to the peer, see the log)";
        case FailureKind::unresolved: return "the peer's host name did not resolve (see the log)";
        case FailureKind::other: break;
    }
    return "the attempt failed" + peer_said;
}

std::string to_string(ConnectionState s) {
    switch (s) {
        case ConnectionState::down: return "down";
        case ConnectionState::connecting: return "connecting";
        case ConnectionState::up: return "up";
        case ConnectionState::partial: return "partial";
        case ConnectionState::closing: return "closing";
    }
    return "?";
}

std::string to_string(LogLevel l) {
    switch (l) {
        case LogLevel::error: return "error";
        case LogLevel::warning: return "warning";
        case LogLevel::info: return "info";
        case LogLevel::debug: return "debug";
    }
    return "?";
}

}  // namespace ike::engine
