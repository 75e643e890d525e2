#include "dbus/names.hpp"

namespace ipsecd::bus {

std::string_view state_name(ike::engine::ConnectionState state) {
    using ike::engine::ConnectionState;
    switch (state) {
        case ConnectionState::down: return "down";
        case ConnectionState::connecting: return "connecting";
        case ConnectionState::up: return "up";
        case ConnectionState::partial: return "partial";
        case ConnectionState::closing: return "closing";
    }
    return "down";
}

std::string_view mode_name(xfrm::Mode mode) {
    switch (mode) {
        case xfrm::Mode::tunnel: return "tunnel";
        case xfrm::Mode::transport: return "transport";
    }
    return "tunnel";
}

std::string_view protocol_name(xfrm::Proto proto) {
    switch (proto) {
        case xfrm::Proto::esp: return "esp";
        case xfrm::Proto::ah: return "ah";
    }
    return "esp";
}

}  // namespace ipsecd::bus
