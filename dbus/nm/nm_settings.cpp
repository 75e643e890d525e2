#include "dbus/nm/nm_settings.hpp"

#include <cstdlib>
#include <string_view>

namespace nm {

namespace {

int read_string_map(sd_bus_message* m, StringMap& out) {
    int r = sd_bus_message_enter_container(m, 'v', "a{ss}");
    if (r <= 0) return r < 0 ? r : -EINVAL;
    if ((r = sd_bus_message_enter_container(m, 'a', "{ss}")) < 0) return r;
    const char *key, *value;
    while ((r = sd_bus_message_read(m, "{ss}", &key, &value)) > 0) out[key] = value;
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    return sd_bus_message_exit_container(m);
}

int read_strings(sd_bus_message* m, std::vector<std::string>& out) {
    int r = sd_bus_message_enter_container(m, 'v', "as");
    if (r <= 0) return r < 0 ? r : -EINVAL;
    char** list = nullptr;
    if ((r = sd_bus_message_read_strv(m, &list)) < 0) return r;
    for (char** s = list; s && *s; ++s) out.emplace_back(*s);
    for (char** s = list; s && *s; ++s) free(*s);
    free(list);
    return sd_bus_message_exit_container(m);
}

int read_string(sd_bus_message* m, std::string& out) {
    const char* s;
    int r = sd_bus_message_read(m, "v", "s", &s);
    if (r >= 0) out = s;
    return r;
}

// One setting's a{sv}: keeps the keys we use, skips the rest.
int read_setting(sd_bus_message* m, std::string_view setting, NmConnection& out) {
    int r = sd_bus_message_enter_container(m, 'a', "{sv}");
    if (r < 0) return r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key;
        if ((r = sd_bus_message_read(m, "s", &key)) < 0) return r;
        std::string_view k = key;
        if (setting == "vpn" && k == "data") r = read_string_map(m, out.data);
        else if (setting == "vpn" && k == "secrets") r = read_string_map(m, out.secrets);
        else if (setting == "connection" && k == "id") r = read_string(m, out.id);
        else if (setting == "connection" && k == "uuid") r = read_string(m, out.uuid);
        else if (setting == "connection" && k == "permissions") r = read_strings(m, out.permissions);
        else r = sd_bus_message_skip(m, "v");
        if (r < 0) return r;
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

}  // namespace

int read_nm_connection(sd_bus_message* m, NmConnection& out) {
    int r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
    if (r < 0) return r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
        const char* setting;
        if ((r = sd_bus_message_read(m, "s", &setting)) < 0) return r;
        if ((r = read_setting(m, setting, out)) < 0) return r;
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

}  // namespace nm
