// org.freedesktop.NetworkManager.VPN.Plugin at /org/freedesktop/NetworkManager/VPN/Plugin:
// the methods NM calls and the signals it listens to (tests/nm/README.md).
#include "dbus/nm/plugin.hpp"

namespace nm {

namespace {

Plugin& plugin(void* userdata) { return *static_cast<Plugin*>(userdata); }

int need_secrets(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    return plugin(userdata).need_secrets(m, error);
}

int connect(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    return plugin(userdata).connect(m, false, error);
}

// The details argument (a{sv}) after the connection carries nothing the plugin uses.
int connect_interactive(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    return plugin(userdata).connect(m, true, error);
}

int new_secrets(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    return plugin(userdata).new_secrets(m, error);
}

int disconnect(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    return plugin(userdata).disconnect(m, error);
}

int get_state(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void* userdata,
              sd_bus_error*) {
    return sd_bus_message_append(reply, "u", static_cast<uint32_t>(plugin(userdata).state()));
}

}  // namespace

const sd_bus_vtable plugin_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("State", "u", get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_METHOD_WITH_NAMES("NeedSecrets", "a{sa{sv}}", SD_BUS_PARAM(settings), "s",
                             SD_BUS_PARAM(setting_name), need_secrets, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Connect", "a{sa{sv}}", SD_BUS_PARAM(connection), "", , connect,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("ConnectInteractive", "a{sa{sv}}a{sv}",
                             SD_BUS_PARAM(connection) SD_BUS_PARAM(details), "", , connect_interactive,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("NewSecrets", "a{sa{sv}}", SD_BUS_PARAM(connection), "", , new_secrets,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Disconnect", "", "", disconnect, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL_WITH_NAMES("StateChanged", "u", SD_BUS_PARAM(state), 0),
    SD_BUS_SIGNAL_WITH_NAMES("SecretsRequired", "sas", SD_BUS_PARAM(message) SD_BUS_PARAM(secrets), 0),
    SD_BUS_SIGNAL_WITH_NAMES("Config", "a{sv}", SD_BUS_PARAM(config), 0),
    SD_BUS_SIGNAL_WITH_NAMES("Ip4Config", "a{sv}", SD_BUS_PARAM(ip4config), 0),
    SD_BUS_SIGNAL_WITH_NAMES("Ip6Config", "a{sv}", SD_BUS_PARAM(ip6config), 0),
    SD_BUS_SIGNAL_WITH_NAMES("Failure", "u", SD_BUS_PARAM(reason), 0),
    SD_BUS_VTABLE_END,
};

}  // namespace nm
