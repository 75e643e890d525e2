// org.ipsecd1.ChildSa on .../ike_<local SPI>/child_<inbound SPI> (or .../child_<inbound SPI>
// below the connection for an SA of no IKE SA, manual keying): the CHILD SA fields of
// `ipsecctl status --json`; counters and times come from the kernel when a client asks.
#include <string_view>

#include "dbus/bus.hpp"
#include "dbus/names.hpp"
#include "dbus/objects.hpp"
#include "dbus/paths.hpp"

namespace ipsecd::bus {

namespace {

std::vector<std::string> prefixes(const std::vector<net::Prefix>& ts) {
    std::vector<std::string> out;
    for (auto& p : ts) out.push_back(p.str());
    return out;
}

int get_property(sd_bus*, const char* path, const char*, const char* property,
                 sd_bus_message* reply, void* userdata, sd_bus_error* error) {
    auto& self = *static_cast<Bus*>(userdata);
    auto at = self.locate(path);
    if (!at.child) return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No object %s", path);
    const auto& child = *at.child;
    std::string_view p = property;
    if (p == "Name") return append(reply, child.name);
    if (p == "Mode") return append(reply, std::string(mode_name(child.mode)));
    if (p == "Protocol")
        return append(reply, std::string(protocol_name(child.protocol)));
    if (p == "SpiIn") return append(reply, child.spi_in);
    if (p == "SpiOut") return append(reply, child.spi_out);
    if (p == "Proposal") return append(reply, child.proposal);
    if (p == "LocalTs") return append_array(reply, 's', prefixes(child.local_ts));
    if (p == "RemoteTs") return append_array(reply, 's', prefixes(child.remote_ts));
    if (p == "IkeSa")  // "/" for an SA of no IKE SA (manual keying)
        return append_path(reply, at.ike ? parent_path(path) : "/");
    const auto& live = self.child_live(reply, path, at);
    if (p == "BytesIn") return append(reply, live.bytes_in);
    if (p == "BytesOut") return append(reply, live.bytes_out);
    if (p == "PacketsIn") return append(reply, live.packets_in);
    if (p == "PacketsOut") return append(reply, live.packets_out);
    if (p == "EstablishedTime") return append(reply, live.times.established);
    return append(reply, live.times.rekey);  // RekeyTime
}

}  // namespace

// Counters and times change without a signal (EmitsChangedSignal=false): read them.
const sd_bus_vtable child_sa_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Name", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Mode", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Protocol", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SpiIn", "u", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SpiOut", "u", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Proposal", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("LocalTs", "as", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("RemoteTs", "as", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("IkeSa", "o", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("BytesIn", "t", get_property, 0, 0),
    SD_BUS_PROPERTY("BytesOut", "t", get_property, 0, 0),
    SD_BUS_PROPERTY("PacketsIn", "t", get_property, 0, 0),
    SD_BUS_PROPERTY("PacketsOut", "t", get_property, 0, 0),
    SD_BUS_PROPERTY("EstablishedTime", "t", get_property, 0, 0),
    SD_BUS_PROPERTY("RekeyTime", "t", get_property, 0, 0),
    SD_BUS_VTABLE_END,
};

PropertyNames child_sa_changes(const ike::engine::ChildStatus& before,
                               const ike::engine::ChildStatus& after) {
    PropertyNames names;
    if (before.spi_out != after.spi_out) names.push_back("SpiOut");
    if (before.proposal != after.proposal) names.push_back("Proposal");
    if (before.local_ts != after.local_ts) names.push_back("LocalTs");
    if (before.remote_ts != after.remote_ts) names.push_back("RemoteTs");
    return names;
}

std::vector<std::string> child_sa_paths(const std::string& connection,
                                        const ike::engine::IkeSaStatus& ike) {
    std::vector<std::string> paths;
    for (auto& child : ike.children)
        paths.push_back(child_sa_path(connection, ike.local_spi, child.spi_in));
    return paths;
}

}  // namespace ipsecd::bus
