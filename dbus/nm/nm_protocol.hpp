// NetworkManager's VPN plugin protocol (NM 1.42; the facts in tests/nm/README.md): names,
// service states and failure codes as NM's nm-vpn-dbus-interface.h numbers them.
#pragma once

#include <cstdint>

namespace nm {

inline constexpr const char* plugin_path = "/org/freedesktop/NetworkManager/VPN/Plugin";
inline constexpr const char* plugin_interface = "org.freedesktop.NetworkManager.VPN.Plugin";
inline constexpr const char* default_bus_name = "org.freedesktop.NetworkManager.ipsecd";
inline constexpr const char* error_prefix = "org.freedesktop.NetworkManager.VPN.Error.";

// NMVpnServiceState
enum class ServiceState : std::uint32_t {
    unknown = 0, init = 1, shutdown = 2, starting = 3, started = 4, stopping = 5, stopped = 6
};

// NMVpnPluginFailure
enum class Failure : std::uint32_t { login_failed = 0, connect_failed = 1, bad_ip_config = 2 };

}  // namespace nm
