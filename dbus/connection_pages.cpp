// Manager.GetConnectionObjects (DESIGN Part 2, "D-Bus"): one connection's objects a page at a
// time, laid out as GetManagedObjects lays them out, so that a status of 100,000 SAs is a
// hundred round trips, not one reply larger than the bus carries nor 200,000 GetAll calls.
// The cursor is the local SPI of the last IKE SA sent: a page resumes after it in local SPI
// order, whatever was added or removed in between (an SA is sent once or, when it came or
// went between two pages, not at all).
#include <algorithm>
#include <string>
#include <string_view>

#include "dbus/bus.hpp"
#include "dbus/errors.hpp"
#include "dbus/objects.hpp"
#include "dbus/paths.hpp"

namespace ipsecd::bus {

namespace {

// The properties of `vtable` on `path` as one {sa{sv}} entry, each read by its own getter, as
// Properties.GetAll reads them. `skip` names a property left out (nullptr: none).
int append_interface(sd_bus_message* reply, Bus& bus, const char* path, const char* interface,
                     const sd_bus_vtable* vtable, const char* skip, sd_bus_error* error) {
    int r = sd_bus_message_open_container(reply, 'e', "sa{sv}");
    if (r >= 0) r = sd_bus_message_append_basic(reply, 's', interface);
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "{sv}");
    for (const sd_bus_vtable* v = vtable + 1; r >= 0 && v->type != _SD_BUS_VTABLE_END; ++v) {
        if (v->type != _SD_BUS_VTABLE_PROPERTY) continue;
        const auto& property = v->x.property;
        if (skip && std::string_view(property.member) == skip) continue;
        r = sd_bus_message_open_container(reply, 'e', "sv");
        if (r >= 0) r = sd_bus_message_append_basic(reply, 's', property.member);
        if (r >= 0) r = sd_bus_message_open_container(reply, 'v', property.signature);
        if (r >= 0) r = property.get(bus.raw(), path, interface, property.member, reply, &bus, error);
        if (r >= 0) r = sd_bus_message_close_container(reply);
        if (r >= 0) r = sd_bus_message_close_container(reply);
    }
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_message_close_container(reply);
    return r;
}

// One {oa{sa{sv}}} entry: the object at `path` with its one org.ipsecd1 interface.
int append_object(sd_bus_message* reply, Bus& bus, const std::string& path, const char* interface,
                  const sd_bus_vtable* vtable, const char* skip, sd_bus_error* error) {
    int r = sd_bus_message_open_container(reply, 'e', "oa{sa{sv}}");
    if (r >= 0) r = sd_bus_message_append_basic(reply, 'o', path.c_str());
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "{sa{sv}}");
    if (r >= 0) r = append_interface(reply, bus, path.c_str(), interface, vtable, skip, error);
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_message_close_container(reply);
    return r;
}

// The connection object (without IkeSas: the pages carry its IKE SAs) and its CHILD SAs of no
// IKE SA (a manual pair).
int append_connection(sd_bus_message* reply, Bus& bus, const ConnectionSnapshot& c, sd_bus_error* error) {
    int r = append_object(reply, bus, connection_path(c.status.name), kConnectionInterface, connection_vtable,
                          "IkeSas", error);
    for (const auto& child : c.child_sas) {
        if (r < 0) break;
        r = append_object(reply, bus, child_sa_path(c.status.name, child.spi_in), kChildSaInterface,
                          child_sa_vtable, nullptr, error);
    }
    return r;
}

int append_ike_sa(sd_bus_message* reply, Bus& bus, const std::string& connection,
                  const ike::engine::IkeSaStatus& ike, sd_bus_error* error) {
    int r = append_object(reply, bus, ike_sa_path(connection, ike.local_spi), kIkeSaInterface, ike_sa_vtable,
                          nullptr, error);
    for (const auto& path : child_sa_paths(connection, ike)) {
        if (r < 0) break;
        r = append_object(reply, bus, path, kChildSaInterface, child_sa_vtable, nullptr, error);
    }
    return r;
}

}  // namespace

int method_get_connection_objects(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    const char* name = nullptr;
    std::uint64_t after = 0;
    std::uint32_t count = 0;
    if (int r = sd_bus_message_read(m, "stu", &name, &after, &count); r < 0) return r;
    if (count == 0) return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "count must be at least 1");
    auto& bus = *static_cast<Bus*>(userdata);
    const ConnectionSnapshot* c = bus.connection(name);
    if (!c) return set_error(error, Error{Reason::no_such_connection, std::string("no connection named '") + name + "'"});
    // A page fits in one bus message: no more objects than GetManagedObjects answers with,
    // but always one IKE SA, so that every page moves the cursor on.
    const std::size_t max = std::min<std::size_t>(count, bus.limits().managed_objects);
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "{oa{sa{sv}}}");
    std::size_t objects = 0;
    if (after == 0 && r >= 0) {
        r = append_connection(reply, bus, *c, error);
        objects = 1 + c->child_sas.size();
    }
    std::uint64_t next = 0;  // the last IKE SA sent
    bool full = false;
    bus.for_ike_sas_after(name, after, [&](const ike::engine::IkeSaStatus& ike) {
        const std::size_t size = 1 + ike.children.size();
        full = next != 0 && objects + size > max;
        if (full || r < 0) return false;
        r = append_ike_sa(reply, bus, name, ike, error);
        objects += size;
        next = ike.local_spi;
        return true;
    });
    if (!full) next = 0;  // the last page
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_message_append(reply, "t", next);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    return r;
}

}  // namespace ipsecd::bus
