#include "ike/v2/effects.hpp"

namespace ike::v2 {

std::string to_string(ConnectionState s) {
    switch (s) {
        case ConnectionState::down: return "down";
        case ConnectionState::connecting: return "connecting";
        case ConnectionState::up: return "up";
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

}  // namespace ike::v2
