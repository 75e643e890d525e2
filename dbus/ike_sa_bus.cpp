// org.ipsecd1.IkeSa on /org/ipsecd1/connection/<name>/ike_<local SPI>: the IKE SA fields
// of `ipsecctl status --json`, plus times read from the backend when asked.
#include <string_view>

#include "dbus/bus.hpp"
#include "dbus/objects.hpp"
#include "dbus/paths.hpp"

namespace ipsecd::bus {

namespace {

int get_property(sd_bus*, const char* path, const char*, const char* property,
                 sd_bus_message* reply, void* userdata, sd_bus_error* error) {
    auto& self = *static_cast<Bus*>(userdata);
    auto at = self.locate(path);
    if (!at.ike) return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No object %s", path);
    const auto& sa = *at.ike;
    const auto& connection = at.connection->status.name;
    std::string_view p = property;
    if (p == "Version") return append(reply, static_cast<std::uint32_t>(sa.version));
    if (p == "State") return append(reply, sa.state);
    if (p == "LocalSpi") return append(reply, sa.local_spi);
    if (p == "RemoteSpi") return append(reply, sa.remote_spi);
    if (p == "Proposal") return append(reply, sa.proposal);
    if (p == "Local") return append(reply, sa.local.address.str());
    if (p == "Remote") return append(reply, sa.remote.address.str());
    if (p == "LocalPort") return append(reply, sa.local.port);
    if (p == "RemotePort") return append(reply, sa.remote.port);
    // Paths from this object's own (canonical: locate() found it), not encoded again.
    if (p == "Connection") return append_path(reply, parent_path(path));
    if (p == "Children") {
        std::vector<std::string> children;
        for (const auto& child : sa.children) children.push_back(child_sa_path_below(path, child.spi_in));
        return append_array(reply, 'o', children);
    }
    if (p == "VirtualIps") {
        std::vector<std::string> ips;
        for (const auto& a : sa.virtual_ips) ips.push_back(a.str());
        return append_array(reply, 's', ips);
    }
    if (p == "Dns") {
        std::vector<std::string> servers;
        for (const auto& a : sa.dns) servers.push_back(a.str());
        return append_array(reply, 's', servers);
    }
    if (p == "DnsDomains") return append_array(reply, 's', sa.dns_domains);
    auto times = self.backend().ike_sa_times(connection, sa);
    if (p == "EstablishedTime") return append(reply, times.established);
    return append(reply, times.rekey);  // RekeyTime
}

}  // namespace

// Times are seconds since the Unix epoch, 0 = none; they are not signalled.
const sd_bus_vtable ike_sa_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Version", "u", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("State", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("LocalSpi", "t", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("RemoteSpi", "t", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Proposal", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Local", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Remote", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("LocalPort", "q", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("RemotePort", "q", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Connection", "o", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Children", "ao", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("VirtualIps", "as", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Dns", "as", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("DnsDomains", "as", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("EstablishedTime", "t", get_property, 0, 0),
    SD_BUS_PROPERTY("RekeyTime", "t", get_property, 0, 0),
    SD_BUS_VTABLE_END,
};

PropertyNames ike_sa_changes(const ike::engine::IkeSaStatus& before,
                             const ike::engine::IkeSaStatus& after) {
    PropertyNames names;
    if (before.state != after.state) names.push_back("State");
    if (before.remote_spi != after.remote_spi) names.push_back("RemoteSpi");
    if (before.proposal != after.proposal) names.push_back("Proposal");
    if (before.local.address != after.local.address) names.push_back("Local");
    if (before.remote.address != after.remote.address) names.push_back("Remote");
    if (before.local.port != after.local.port) names.push_back("LocalPort");
    if (before.remote.port != after.remote.port) names.push_back("RemotePort");
    if (before.children.size() != after.children.size() ||
        !std::equal(before.children.begin(), before.children.end(), after.children.begin(),
                    [](auto& a, auto& b) { return a.spi_in == b.spi_in; }))
        names.push_back("Children");
    if (before.virtual_ips != after.virtual_ips) names.push_back("VirtualIps");
    if (before.dns != after.dns) names.push_back("Dns");
    if (before.dns_domains != after.dns_domains) names.push_back("DnsDomains");
    return names;
}

}  // namespace ipsecd::bus
