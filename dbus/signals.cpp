#include "dbus/signals.hpp"

#include <algorithm>
#include <string_view>

#include "dbus/paths.hpp"

namespace ipsecd::bus {

using ike::engine::ChildStatus;
using ike::engine::IkeSaStatus;

const ChildStatus* find_child(const std::vector<ChildStatus>& children, std::uint32_t spi_in) {
    auto it = std::find_if(children.begin(), children.end(),
                           [&](auto& child) { return child.spi_in == spi_in; });
    return it == children.end() ? nullptr : &*it;
}

const ChildStatus* find_child(const IkeSaStatus& ike, std::uint32_t spi_in) {
    return find_child(ike.children, spi_in);
}

namespace {

const sd_bus_vtable* vtable_of(std::string_view interface) {
    if (interface == kIkeSaInterface) return ike_sa_vtable;
    if (interface == kChildSaInterface) return child_sa_vtable;
    return connection_vtable;
}

// The a{sv} of `vtable`'s properties as sd-bus's InterfacesAdded and GetAll list them: every
// property not marked EXPLICIT or HIDDEN, in vtable order, each value from its getter.
int append_properties(sd_bus_message* m, Bus& bus, const char* path, const char* interface,
                      const sd_bus_vtable* vtable) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = sd_bus_message_open_container(m, 'a', "{sv}");
    for (const sd_bus_vtable* v = vtable; r >= 0 && v->type != _SD_BUS_VTABLE_END; ++v) {
        if (v->type != _SD_BUS_VTABLE_PROPERTY && v->type != _SD_BUS_VTABLE_WRITABLE_PROPERTY) continue;
        if (v->flags & (SD_BUS_VTABLE_PROPERTY_EXPLICIT | SD_BUS_VTABLE_HIDDEN)) continue;
        const auto& property = v->x.property;
        r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0) r = sd_bus_message_append_basic(m, 's', property.member);
        if (r >= 0) r = sd_bus_message_open_container(m, 'v', property.signature);
        if (r >= 0) r = property.get(bus.raw(), path, interface, property.member, m, &bus, &error);
        if (r >= 0) r = sd_bus_message_close_container(m);
        if (r >= 0) r = sd_bus_message_close_container(m);
    }
    sd_bus_error_free(&error);
    return r < 0 ? r : sd_bus_message_close_container(m);
}

}  // namespace

// Built here, not by sd_bus_emit_interfaces_added: the same signal (from the ObjectManager
// on the root, the object's one interface with the properties of its vtable) without sd-bus
// finding the object through the fallback vtables again and parsing a format for every
// property's name (issue 13: an InterfacesAdded per IKE SA and per CHILD SA).
void emit_added(Bus& bus, const std::string& path, const char* interface, const Bus::Located& at) {
    if (at.connection) bus.remember(path, at);
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_signal(bus.raw(), &m, kRootPath, "org.freedesktop.DBus.ObjectManager",
                                      "InterfacesAdded");
    if (r >= 0) r = sd_bus_message_append_basic(m, 'o', path.c_str());
    if (r >= 0) r = sd_bus_message_open_container(m, 'a', "{sa{sv}}");
    if (r >= 0) r = sd_bus_message_open_container(m, 'e', "sa{sv}");
    if (r >= 0) r = sd_bus_message_append_basic(m, 's', interface);
    if (r >= 0) r = append_properties(m, bus, path.c_str(), interface, vtable_of(interface));
    if (r >= 0) r = sd_bus_message_close_container(m);
    if (r >= 0) r = sd_bus_message_close_container(m);
    if (r >= 0) sd_bus_send(bus.raw(), m, nullptr);
    sd_bus_message_unref(m);
    if (at.connection) bus.forget();  // `at` may be a copy of the cache's SA, gone after the call
}

void emit_removed(Bus& bus, const std::string& path, const char* interface) {
    sd_bus_emit_interfaces_removed(bus.raw(), path.c_str(), interface, nullptr);
}

void emit_changed(Bus& bus, const std::string& path, const char* interface,
                  PropertyNames names) {
    if (names.empty()) return;
    names.push_back(nullptr);
    sd_bus_emit_properties_changed_strv(bus.raw(), path.c_str(), interface,
                                        const_cast<char**>(names.data()));
}

void emit_ike_added(Bus& bus, const std::string& connection, const IkeSaStatus& ike) {
    const ConnectionSnapshot* c = bus.connection(connection);
    const auto path = ike_sa_path(connection, ike.local_spi);
    emit_added(bus, path, kIkeSaInterface, {c, &ike, nullptr});
    for (auto& child : ike.children)
        emit_added(bus, child_sa_path_below(path, child.spi_in), kChildSaInterface, {c, &ike, &child});
}

void emit_ike_removed(Bus& bus, const std::string& connection, const IkeSaStatus& ike) {
    for (auto& path : child_sa_paths(connection, ike)) emit_removed(bus, path, kChildSaInterface);
    emit_removed(bus, ike_sa_path(connection, ike.local_spi), kIkeSaInterface);
}

void emit_ike_changed(Bus& bus, const std::string& connection, const IkeSaStatus& before,
                      const IkeSaStatus& after) {
    for (auto& child : after.children) {
        auto path = child_sa_path(connection, after.local_spi, child.spi_in);
        if (const ChildStatus* old_child = find_child(before, child.spi_in))
            emit_changed(bus, path, kChildSaInterface, child_sa_changes(*old_child, child));
        else
            emit_added(bus, path, kChildSaInterface, {bus.connection(connection), &after, &child});
    }
    emit_changed(bus, ike_sa_path(connection, after.local_spi), kIkeSaInterface, ike_sa_changes(before, after));
}

void emit_children_removed(Bus& bus, const std::string& connection, const IkeSaStatus& before,
                           const IkeSaStatus& after) {
    for (auto& child : before.children)
        if (!find_child(after, child.spi_in))
            emit_removed(bus, child_sa_path(connection, before.local_spi, child.spi_in), kChildSaInterface);
}

void emit_child_sas(Bus& bus, const std::string& connection, const std::vector<ChildStatus>& before,
                    const std::vector<ChildStatus>& after) {
    for (auto& child : after) {
        auto path = child_sa_path(connection, child.spi_in);
        if (const ChildStatus* old = find_child(before, child.spi_in))
            emit_changed(bus, path, kChildSaInterface, child_sa_changes(*old, child));
        else
            emit_added(bus, path, kChildSaInterface, {bus.connection(connection), nullptr, &child});
    }
    for (auto& child : before)
        if (!find_child(after, child.spi_in))
            emit_removed(bus, child_sa_path(connection, child.spi_in), kChildSaInterface);
}

}  // namespace ipsecd::bus
