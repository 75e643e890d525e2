// The signals of the org.ipsecd1 objects (ObjectManager.InterfacesAdded/InterfacesRemoved,
// Properties.PropertiesChanged), sent for the objects as they are in the Bus's cache: the
// values an added object or a changed property carries are read through the vtables' getters.
// The SAs passed as they are now (`ike`, `after`) are as in the cache, live for the call.
#pragma once

#include <string>
#include <vector>

#include <systemd/sd-bus.h>

#include "dbus/bus.hpp"
#include "dbus/objects.hpp"

namespace ipsecd::bus {

const ike::engine::ChildStatus* find_child(const std::vector<ike::engine::ChildStatus>& children,
                                           std::uint32_t spi_in);
const ike::engine::ChildStatus* find_child(const ike::engine::IkeSaStatus& ike, std::uint32_t spi_in);

// `at`: the object as in the bus's cache, live for the call (its getters need not look for it).
void emit_added(Bus& bus, const std::string& path, const char* interface, const Bus::Located& at = {});
void emit_removed(Bus& bus, const std::string& path, const char* interface);
// Nothing when `names` is empty.
void emit_changed(Bus& bus, const std::string& path, const char* interface, PropertyNames names);

// An IKE SA with its CHILD SAs.
void emit_ike_added(Bus& bus, const std::string& connection, const ike::engine::IkeSaStatus& ike);
void emit_ike_removed(Bus& bus, const std::string& connection, const ike::engine::IkeSaStatus& ike);
// An IKE SA both before and after: its new CHILD SAs announced and its properties' changes
// signalled (before the connection's), gone CHILD SAs removed by emit_children_removed after.
void emit_ike_changed(Bus& bus, const std::string& connection, const ike::engine::IkeSaStatus& before,
                      const ike::engine::IkeSaStatus& after);
void emit_children_removed(Bus& bus, const std::string& connection, const ike::engine::IkeSaStatus& before,
                           const ike::engine::IkeSaStatus& after);
// The connection's SAs of no IKE SA: announced when new, changes signalled, gone ones removed.
void emit_child_sas(Bus& bus, const std::string& connection,
                    const std::vector<ike::engine::ChildStatus>& before,
                    const std::vector<ike::engine::ChildStatus>& after);

}  // namespace ipsecd::bus
