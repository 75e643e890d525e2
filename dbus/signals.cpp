#include "dbus/signals.hpp"

#include <algorithm>

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

void emit_added(sd_bus* bus, const std::string& path, const char* interface) {
    sd_bus_emit_interfaces_added(bus, path.c_str(), interface, nullptr);
}

void emit_removed(sd_bus* bus, const std::string& path, const char* interface) {
    sd_bus_emit_interfaces_removed(bus, path.c_str(), interface, nullptr);
}

void emit_changed(sd_bus* bus, const std::string& path, const char* interface,
                  PropertyNames names) {
    if (names.empty()) return;
    names.push_back(nullptr);
    sd_bus_emit_properties_changed_strv(bus, path.c_str(), interface,
                                        const_cast<char**>(names.data()));
}

void emit_ike_added(sd_bus* bus, const std::string& connection, const IkeSaStatus& ike) {
    emit_added(bus, ike_sa_path(connection, ike.local_spi), kIkeSaInterface);
    for (auto& path : child_sa_paths(connection, ike)) emit_added(bus, path, kChildSaInterface);
}

void emit_ike_removed(sd_bus* bus, const std::string& connection, const IkeSaStatus& ike) {
    for (auto& path : child_sa_paths(connection, ike)) emit_removed(bus, path, kChildSaInterface);
    emit_removed(bus, ike_sa_path(connection, ike.local_spi), kIkeSaInterface);
}

void emit_ike_changed(sd_bus* bus, const std::string& connection, const IkeSaStatus& before,
                      const IkeSaStatus& after) {
    for (auto& child : after.children) {
        auto path = child_sa_path(connection, after.local_spi, child.spi_in);
        if (const ChildStatus* old_child = find_child(before, child.spi_in))
            emit_changed(bus, path, kChildSaInterface, child_sa_changes(*old_child, child));
        else
            emit_added(bus, path, kChildSaInterface);
    }
    emit_changed(bus, ike_sa_path(connection, after.local_spi), kIkeSaInterface, ike_sa_changes(before, after));
}

void emit_children_removed(sd_bus* bus, const std::string& connection, const IkeSaStatus& before,
                           const IkeSaStatus& after) {
    for (auto& child : before.children)
        if (!find_child(after, child.spi_in))
            emit_removed(bus, child_sa_path(connection, before.local_spi, child.spi_in), kChildSaInterface);
}

void emit_child_sas(sd_bus* bus, const std::string& connection, const std::vector<ChildStatus>& before,
                    const std::vector<ChildStatus>& after) {
    for (auto& child : after) {
        auto path = child_sa_path(connection, child.spi_in);
        if (const ChildStatus* old = find_child(before, child.spi_in))
            emit_changed(bus, path, kChildSaInterface, child_sa_changes(*old, child));
        else
            emit_added(bus, path, kChildSaInterface);
    }
    for (auto& child : before)
        if (!find_child(after, child.spi_in))
            emit_removed(bus, child_sa_path(connection, child.spi_in), kChildSaInterface);
}

}  // namespace ipsecd::bus
