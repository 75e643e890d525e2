#include "dbus/nm/ip_config.hpp"

namespace nm {

net::Address host_address_in(const net::Prefix& p) {
    net::Address a = p.address;
    if (p.length + 1u >= a.max_prefix()) return a;
    for (auto i = a.size(); i-- > 0;)
        if (++a.bytes[i] != 0) break;
    return a;
}

namespace {

std::vector<net::Prefix> of_family(const std::vector<net::Prefix>& prefixes, net::Family f) {
    std::vector<net::Prefix> out;
    for (const auto& p : prefixes)
        if (p.address.family == f) out.push_back(p);
    return out;
}

std::vector<net::Address> addresses_of(const std::vector<net::Address>& addresses, net::Family f) {
    std::vector<net::Address> out;
    for (const auto& a : addresses)
        if (a.family == f) out.push_back(a);
    return out;
}

std::optional<net::Address> inner_address(const VpnData& vpn, const Negotiated& negotiated,
                                          net::Family f) {
    // The CHILD SA's local selectors are the virtual IPs: no other address is protected.
    if (!vpn.virtual_ips.empty()) {
        auto vips = addresses_of(negotiated.virtual_ips, f);
        return vips.empty() ? std::nullopt : std::optional(vips.front());
    }
    if (auto subnets = of_family(vpn.local_subnets, f); !subnets.empty())
        return host_address_in(subnets.front());
    if (vpn.local && vpn.local->family == f) return vpn.local;
    if (auto ts = of_family(negotiated.local_ts, f); !ts.empty()) return host_address_in(ts.front());
    if (negotiated.local_address && negotiated.local_address->family == f)
        return negotiated.local_address;
    return std::nullopt;
}

std::optional<IpConfig> build_for(const VpnData& vpn, const Negotiated& negotiated, net::Family f) {
    auto remote = of_family(negotiated.remote_ts.empty() ? vpn.remote_subnets : negotiated.remote_ts, f);
    auto address = inner_address(vpn, negotiated, f);
    if (remote.empty() || !address) return std::nullopt;
    IpConfig config{*address, {}, true, addresses_of(negotiated.dns, f), {}};
    for (const auto& p : remote) {
        if (p.length == 0) config.never_default = false;
        else config.routes.push_back(p);
    }
    // RFC 8598: the domains name what to resolve through the tunnel, not a search list.
    for (const auto& d : negotiated.dns_domains) config.domains.push_back("~" + d);
    return config;
}

}  // namespace

IpConfigs build_ip_configs(const VpnData& vpn, const Negotiated& negotiated) {
    return {build_for(vpn, negotiated, net::Family::v4), build_for(vpn, negotiated, net::Family::v6)};
}

}  // namespace nm
