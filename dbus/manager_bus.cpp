// org.ipsecd1.Manager on /org/ipsecd1 (DESIGN Part 2, "D-Bus").
#include "dbus/bus.hpp"
#include "dbus/errors.hpp"
#include "dbus/objects.hpp"
#include "dbus/paths.hpp"
#include "dbus/reply_limits.hpp"

#ifndef IPSECD_VERSION
#error "IPSECD_VERSION is set by meson"
#endif

namespace ipsecd::bus {

namespace {

Bus& self_of(void* userdata) { return *static_cast<Bus*>(userdata); }

int reply_status(sd_bus_message* m, const Status& status, sd_bus_error* error) {
    if (!status) return set_error(error, status.error());
    return sd_bus_reply_method_return(m, nullptr);
}

int get_version(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void*,
                sd_bus_error*) {
    return sd_bus_message_append(reply, "s", IPSECD_VERSION);
}

int method_up(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    auto& self = self_of(userdata);
    return self.reply_when_done(m, [&](Done done) { self.backend().up(name, std::move(done)); });
}

int method_down(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    auto& self = self_of(userdata);
    return self.reply_when_done(m, [&](Done done) { self.backend().down(name, std::move(done)); });
}

int method_reload(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto& self = self_of(userdata);
    auto changed = self.backend().reload();
    if (!changed) return set_error(error, changed.error());
    self.sync(*changed);
    return sd_bus_reply_method_return(m, nullptr);
}

int method_list_connections(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto& self = self_of(userdata);
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "(so)");
    for (auto& name : self.names()) {
        if (r < 0) break;
        r = sd_bus_message_append(reply, "(so)", name.c_str(), connection_path(name).c_str());
    }
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    return r;
}

int method_list_leases(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto& self = self_of(userdata);
    const auto leases = self.backend().leases();
    if (const std::size_t bytes = leases_bytes(leases); bytes > self.limits().bytes)
        return refuse_reply(error, "ListLeases would list " + std::to_string(leases.size()) + " leases in " +
                                       std::to_string(bytes) + " bytes, more than the " +
                                       std::to_string(self.limits().bytes) +
                                       " one D-Bus message is given; read the IKE SAs' VirtualIps instead");
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "(sssb)");
    for (const auto& lease : leases) {
        if (r < 0) break;
        r = sd_bus_message_append(reply, "(sssb)", lease.pool.c_str(), lease.address.str().c_str(),
                                  lease.identity.c_str(), static_cast<int>(lease.online));
    }
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    return r;
}

int method_add_connection(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    const char* yaml = nullptr;
    if (int r = sd_bus_message_read(m, "s", &yaml); r < 0) return r;
    auto& self = self_of(userdata);
    const char* sender = sd_bus_message_get_sender(m);
    auto added = self.backend().add_connection(yaml, sender ? sender : "");
    if (!added) return set_error(error, added.error());
    if (added->owned_by_sender) self.watch_owner(m);
    self.sync();
    std::vector<std::string> paths;
    for (auto& name : added->names) paths.push_back(connection_path(name));
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = append_array(reply, 'o', paths);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    return r;
}

int method_remove_connection(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    auto& self = self_of(userdata);
    auto status = self.backend().remove_connection(name);
    if (status) self.sync();
    return reply_status(m, status, error);
}

}  // namespace

// Access control is the bus policy's (units/org.ipsecd1.conf): root may call everything,
// others only ListConnections and reads; hence SD_BUS_VTABLE_UNPRIVILEGED here.
const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Version", "s", get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_METHOD_WITH_ARGS("Up", SD_BUS_ARGS("s", name), SD_BUS_NO_RESULT, method_up,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("Down", SD_BUS_ARGS("s", name), SD_BUS_NO_RESULT, method_down,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Reload", "", "", method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("ListConnections", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(so)", connections),
                            method_list_connections, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("ListLeases", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sssb)", leases), method_list_leases,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("GetConnectionObjects", SD_BUS_ARGS("s", name, "t", after, "u", count),
                            SD_BUS_RESULT("a{oa{sa{sv}}}", objects, "t", next), method_get_connection_objects,
                            SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("AddConnection", SD_BUS_ARGS("s", yaml), SD_BUS_RESULT("ao", objects),
                            method_add_connection, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("RemoveConnection", SD_BUS_ARGS("s", name), SD_BUS_NO_RESULT,
                            method_remove_connection, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

}  // namespace ipsecd::bus
