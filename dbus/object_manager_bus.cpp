// org.freedesktop.DBus.ObjectManager on /org/ipsecd1: sd-bus answers GetManagedObjects itself
// (sd_bus_add_object_manager); this object callback, which sd-bus runs before its own handling
// of a path, refuses the call when its reply would not fit in a bus message (reply_limits.hpp),
// before the objects are enumerated.
#include <string>

#include "dbus/bus.hpp"
#include "dbus/objects.hpp"
#include "dbus/reply_limits.hpp"

namespace ipsecd::bus {

int managed_objects_guard(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    if (!sd_bus_message_is_method_call(m, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")) return 0;
    const auto& self = *static_cast<const Bus*>(userdata);
    const std::size_t objects = self.object_count();
    const std::size_t max = self.limits().managed_objects;
    if (objects <= max) return 0;  // sd-bus answers
    return refuse_reply(error, "GetManagedObjects would return " + std::to_string(objects) +
                                   " objects, more than the " + std::to_string(max) +
                                   " one D-Bus message carries; read each connection's objects a page at a time "
                                   "with org.ipsecd1.Manager.GetConnectionObjects (ipsecctl status does) or "
                                   "with org.freedesktop.DBus.Properties.GetAll");
}

}  // namespace ipsecd::bus
