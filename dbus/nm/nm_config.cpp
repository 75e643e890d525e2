#include "dbus/nm/nm_config.hpp"

#include <cstring>

namespace nm {

std::uint32_t ip4_as_nm_u32(const net::Address& a) {
    std::uint32_t u;
    std::memcpy(&u, a.bytes.data(), sizeof u);
    return u;
}

namespace {

int append_bytes(sd_bus_message* m, const net::Address& a) {
    return sd_bus_message_append_array(m, 'y', a.bytes.data(), a.size());
}

int append_address_entry(sd_bus_message* m, const char* key, const net::Address& a) {
    if (a.family == net::Family::v4) return sd_bus_message_append(m, "{sv}", key, "u", ip4_as_nm_u32(a));
    int r;
    if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0) return r;
    if ((r = sd_bus_message_append(m, "s", key)) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'v', "ay")) < 0) return r;
    if ((r = append_bytes(m, a)) < 0) return r;
    if ((r = sd_bus_message_close_container(m)) < 0) return r;
    return sd_bus_message_close_container(m);
}

int append_ip4_routes(sd_bus_message* m, const IpConfig& c) {
    int r;
    if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0) return r;
    if ((r = sd_bus_message_append(m, "s", "routes")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'v', "aau")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'a', "au")) < 0) return r;
    for (const auto& route : c.routes) {
        // pref-src makes traffic to the remote selectors leave with our inner address, the
        // one the CHILD SA's local selector covers.
        const std::uint32_t fields[] = {ip4_as_nm_u32(route.address), route.length, 0, 0,
                                        ip4_as_nm_u32(c.address)};
        if ((r = sd_bus_message_append_array(m, 'u', fields, sizeof fields)) < 0) return r;
    }
    for (int i = 0; i < 3; ++i)
        if ((r = sd_bus_message_close_container(m)) < 0) return r;
    return 0;
}

int append_ip6_routes(sd_bus_message* m, const IpConfig& c) {
    int r;
    if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0) return r;
    if ((r = sd_bus_message_append(m, "s", "routes")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'v', "a(ayuayu)")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'a', "(ayuayu)")) < 0) return r;
    const auto no_next_hop = net::Address::any(net::Family::v6);
    for (const auto& route : c.routes) {
        if ((r = sd_bus_message_open_container(m, 'r', "ayuayu")) < 0) return r;
        if ((r = append_bytes(m, route.address)) < 0) return r;
        if ((r = sd_bus_message_append(m, "u", std::uint32_t{route.length})) < 0) return r;
        if ((r = append_bytes(m, no_next_hop)) < 0) return r;
        if ((r = sd_bus_message_append(m, "u", std::uint32_t{0})) < 0) return r;
        if ((r = sd_bus_message_close_container(m)) < 0) return r;
    }
    for (int i = 0; i < 3; ++i)
        if ((r = sd_bus_message_close_container(m)) < 0) return r;
    return 0;
}

// "dns": au of network-order IPv4 addresses, aay of IPv6 ones.
int append_dns(sd_bus_message* m, const IpConfig& c) {
    if (c.dns.empty()) return 0;
    const bool v4 = c.address.family == net::Family::v4;
    int r;
    if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0) return r;
    if ((r = sd_bus_message_append(m, "s", "dns")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'v', v4 ? "au" : "aay")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'a', v4 ? "u" : "ay")) < 0) return r;
    for (const auto& a : c.dns) {
        r = v4 ? sd_bus_message_append(m, "u", ip4_as_nm_u32(a)) : append_bytes(m, a);
        if (r < 0) return r;
    }
    for (int i = 0; i < 3; ++i)
        if ((r = sd_bus_message_close_container(m)) < 0) return r;
    return 0;
}

int append_domains(sd_bus_message* m, const IpConfig& c) {
    if (c.domains.empty()) return 0;
    int r;
    if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0) return r;
    if ((r = sd_bus_message_append(m, "s", "domains")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'v', "as")) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'a', "s")) < 0) return r;
    for (const auto& d : c.domains)
        if ((r = sd_bus_message_append(m, "s", d.c_str())) < 0) return r;
    for (int i = 0; i < 3; ++i)
        if ((r = sd_bus_message_close_container(m)) < 0) return r;
    return 0;
}

}  // namespace

int append_ip_config(sd_bus_message* m, const IpConfig& c) {
    int r;
    if ((r = sd_bus_message_open_container(m, 'a', "{sv}")) < 0) return r;
    if ((r = append_address_entry(m, "address", c.address)) < 0) return r;
    if ((r = sd_bus_message_append(m, "{sv}", "prefix", "u", std::uint32_t{c.address.max_prefix()})) < 0)
        return r;
    r = c.address.family == net::Family::v4 ? append_ip4_routes(m, c) : append_ip6_routes(m, c);
    if (r < 0) return r;
    if ((r = append_dns(m, c)) < 0) return r;
    if ((r = append_domains(m, c)) < 0) return r;
    if ((r = sd_bus_message_append(m, "{sv}", "never-default", "b", int{c.never_default})) < 0) return r;
    return sd_bus_message_close_container(m);
}

int append_generic_config(sd_bus_message* m, const GenericConfig& c) {
    int r;
    if ((r = sd_bus_message_open_container(m, 'a', "{sv}")) < 0) return r;
    if ((r = append_address_entry(m, "gateway", c.gateway)) < 0) return r;
    // Policy-based IPsec has no tunnel device: NM puts addresses and routes on the parent.
    if ((r = sd_bus_message_append(m, "{sv}", "tundev", "s", "_none_")) < 0) return r;
    if ((r = sd_bus_message_append(m, "{sv}", "has-ip4", "b", int{c.has_ip4})) < 0) return r;
    if ((r = sd_bus_message_append(m, "{sv}", "has-ip6", "b", int{c.has_ip6})) < 0) return r;
    if (c.mtu != 0 && (r = sd_bus_message_append(m, "{sv}", "mtu", "u", c.mtu)) < 0) return r;
    if (!c.banner.empty() && (r = sd_bus_message_append(m, "{sv}", "banner", "s", c.banner.c_str())) < 0)
        return r;
    return sd_bus_message_close_container(m);
}

}  // namespace nm
