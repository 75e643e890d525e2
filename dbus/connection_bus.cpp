// org.ipsecd1.Connection on /org/ipsecd1/connection/<escaped name>.
#include <algorithm>
#include <string_view>

#include "dbus/bus.hpp"
#include "dbus/names.hpp"
#include "dbus/objects.hpp"
#include "dbus/paths.hpp"
#include "dbus/reply_limits.hpp"

namespace ipsecd::bus {

namespace {

// IkeSas, unless its paths (all of one length) would not fit in a bus message.
int append_ike_sas(sd_bus_message* reply, const Bus& bus, const ConnectionSnapshot& c, sd_bus_error* error) {
    const auto spis = bus.ike_sa_spis(c.status.name);
    const std::size_t count = spis.size();
    const std::size_t bytes = array_bytes(count, ike_sa_path(c.status.name, 0).size());
    if (bytes > bus.limits().bytes)
        return refuse_reply(error, "IkeSas of " + c.status.name + " would list " + std::to_string(count) +
                                       " IKE SAs in " + std::to_string(bytes) + " bytes, more than the " +
                                       std::to_string(bus.limits().bytes) + " one D-Bus message is given");
    std::vector<std::string> paths;
    paths.reserve(count);
    for (auto spi : spis) paths.push_back(ike_sa_path(c.status.name, spi));
    return append_array(reply, 'o', paths);
}

int get_property(sd_bus*, const char* path, const char*, const char* property,
                 sd_bus_message* reply, void* userdata, sd_bus_error* error) {
    const auto& bus = *static_cast<Bus*>(userdata);
    auto at = bus.locate(path);
    if (!at.connection)
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No object %s", path);
    const ConnectionSnapshot& c = *at.connection;
    std::string_view p = property;
    if (p == "Name") return sd_bus_message_append(reply, "s", c.status.name.c_str());
    if (p == "State")
        return sd_bus_message_append(reply, "s", std::string(state_name(c.status.state)).c_str());
    if (p == "LocalAddress") return sd_bus_message_append(reply, "s", c.local_address.c_str());
    if (p == "RemoteAddress") return sd_bus_message_append(reply, "s", bus.remote_address(c.status.name).c_str());
    if (p == "Transient") return sd_bus_message_append(reply, "b", c.transient ? 1 : 0);
    if (p == "ChildSas") return append_array(reply, 'o', child_sa_paths(c));
    return append_ike_sas(reply, bus, c, error);
}

template <void (Backend::*operation)(const std::string&, Done)>
int method_operation(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto& self = *static_cast<Bus*>(userdata);
    auto at = self.locate(sd_bus_message_get_path(m));
    if (!at.connection)
        return sd_bus_error_set(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No such connection object");
    std::string name = at.connection->status.name;
    return self.reply_when_done(m, [&](Done done) {
        (self.backend().*operation)(name, std::move(done));
    });
}

}  // namespace

const sd_bus_vtable connection_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Name", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("State", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("LocalAddress", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("RemoteAddress", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Transient", "b", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    // Invalidated, not sent, on change: a responder's list is as long as its peers are many,
    // and each IKE SA comes and goes with its own InterfacesAdded/InterfacesRemoved.
    SD_BUS_PROPERTY("IkeSas", "ao", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
    // SAs of no IKE SA (a manually keyed connection's pair), below the connection's path.
    SD_BUS_PROPERTY("ChildSas", "ao", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_METHOD("Up", "", "", method_operation<&Backend::up>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Down", "", "", method_operation<&Backend::down>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

PropertyNames connection_changes(const ConnectionSnapshot& before,
                                 const ConnectionSnapshot& after) {
    PropertyNames names;
    if (before.status.state != after.status.state) names.push_back("State");
    if (before.local_address != after.local_address) names.push_back("LocalAddress");
    if (remote_address(before) != remote_address(after)) names.push_back("RemoteAddress");
    if (ike_sa_paths(before) != ike_sa_paths(after)) names.push_back("IkeSas");
    if (child_sa_paths(before) != child_sa_paths(after)) names.push_back("ChildSas");
    return names;
}

std::string remote_address(const ConnectionSnapshot& c) {
    return remote_address(c.remote_address, [&]() -> std::optional<net::Address> {
        for (const auto& sa : c.status.ike_sas)
            if (sa.state == "established") return sa.remote.address;
        return std::nullopt;
    });
}

std::string remote_address(const std::string& configured,
                           const std::function<std::optional<net::Address>()>& established) {
    if (configured == "%any" || net::Address::parse(configured)) return configured;
    auto address = established();
    return address ? address->str() : configured;
}

// In local SPI order, whatever the order of the snapshot.
std::vector<std::string> ike_sa_paths(const ConnectionSnapshot& connection) {
    std::vector<std::uint64_t> spis;
    spis.reserve(connection.status.ike_sas.size());
    for (auto& ike : connection.status.ike_sas) spis.push_back(ike.local_spi);
    std::sort(spis.begin(), spis.end());
    std::vector<std::string> paths;
    paths.reserve(spis.size());
    for (auto spi : spis) paths.push_back(ike_sa_path(connection.status.name, spi));
    return paths;
}

std::vector<std::string> child_sa_paths(const ConnectionSnapshot& connection) {
    std::vector<std::string> paths;
    for (auto& child : connection.child_sas) paths.push_back(child_sa_path(connection.status.name, child.spi_in));
    return paths;
}

int append_array(sd_bus_message* m, char type, const std::vector<std::string>& items) {
    const char contents[] = {type, '\0'};
    int r = sd_bus_message_open_container(m, 'a', contents);
    for (auto& item : items) {
        if (r < 0) return r;
        r = sd_bus_message_append_basic(m, type, item.c_str());
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

}  // namespace ipsecd::bus
