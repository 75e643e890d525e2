// Reading the connection NM passes to Connect / NeedSecrets / NewSecrets (a{sa{sv}}): only
// what the plugin uses, every other setting and key is skipped.
#pragma once

#include <systemd/sd-bus.h>

#include <string>
#include <vector>

#include "dbus/nm/vpn_data.hpp"

namespace nm {

struct NmConnection {
    std::string id, uuid;   // connection.id, connection.uuid
    std::vector<std::string> permissions;   // connection.permissions ("user:NAME:")
    StringMap data;         // vpn.data
    StringMap secrets;      // vpn.secrets
};

// Reads one a{sa{sv}} argument from `m`; a negative errno on a malformed message.
int read_nm_connection(sd_bus_message* m, NmConnection& out);

}  // namespace nm
