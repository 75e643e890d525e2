// The static vtables of the four interfaces (one *_bus.cpp each) and, next to each, which
// of its signalled properties differ between two snapshots (for PropertiesChanged).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemd/sd-bus.h>

#include "dbus/backend.hpp"

namespace ipsecd::bus {

extern const sd_bus_vtable manager_vtable[];
extern const sd_bus_vtable connection_vtable[];
extern const sd_bus_vtable ike_sa_vtable[];
extern const sd_bus_vtable child_sa_vtable[];
// Manager.GetConnectionObjects (connection_pages.cpp).
int method_get_connection_objects(sd_bus_message* m, void* userdata, sd_bus_error* error);
// The object callback on the root that bounds GetManagedObjects (object_manager_bus.cpp).
int managed_objects_guard(sd_bus_message* m, void* userdata, sd_bus_error* error);

using PropertyNames = std::vector<const char*>;
PropertyNames connection_changes(const ConnectionSnapshot& before, const ConnectionSnapshot& after);
PropertyNames ike_sa_changes(const ike::engine::IkeSaStatus& before, const ike::engine::IkeSaStatus& after);
PropertyNames child_sa_changes(const ike::engine::ChildStatus& before,
                               const ike::engine::ChildStatus& after);

// Object paths of the SAs below a connection (the ao properties): IKE SAs in local SPI order,
// CHILD SAs in snapshot order.
std::vector<std::string> ike_sa_paths(const ConnectionSnapshot& connection);
std::vector<std::string> child_sa_paths(const std::string& connection,
                                        const ike::engine::IkeSaStatus& ike);
std::vector<std::string> child_sa_paths(const ConnectionSnapshot& connection);  // no IKE SA

// Appends an array of basic type `type` ('o' or 's') to `m`.
int append_array(sd_bus_message* m, char type, const std::vector<std::string>& items);

// One basic value of the type its C++ type names, without sd_bus_message_append's parsing
// of a format string: an InterfacesAdded asks the getters for every property (issue 13).
inline int append(sd_bus_message* m, const std::string& s) { return sd_bus_message_append_basic(m, 's', s.c_str()); }
inline int append_path(sd_bus_message* m, const std::string& path) {
    return sd_bus_message_append_basic(m, 'o', path.c_str());
}
inline int append(sd_bus_message* m, std::uint64_t v) { return sd_bus_message_append_basic(m, 't', &v); }
inline int append(sd_bus_message* m, std::uint32_t v) { return sd_bus_message_append_basic(m, 'u', &v); }
inline int append(sd_bus_message* m, std::uint16_t v) { return sd_bus_message_append_basic(m, 'q', &v); }

}  // namespace ipsecd::bus
