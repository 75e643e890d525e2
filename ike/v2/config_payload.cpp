#include "ike/v2/config_payload.hpp"

#include <algorithm>

namespace ike::v2 {

namespace {

using wire::CfgAttr;

bool has_attribute(const wire::Configuration& cp, CfgAttr type) {
    return std::any_of(cp.attributes.begin(), cp.attributes.end(),
                       [&](const wire::ConfigAttribute& a) { return a.type == type; });
}

base::Bytes address_bytes(const net::Address& a) { return {a.bytes.begin(), a.bytes.begin() + a.size()}; }

// 3.15.1: INTERNAL_IP6_ADDRESS is the address and a prefix length; a lease is one address.
wire::ConfigAttribute address_attribute(const net::Address& a) {
    if (a.family == net::Family::v4) return {CfgAttr::internal_ip4_address, address_bytes(a)};
    auto value = address_bytes(a);
    value.push_back(128);
    return {CfgAttr::internal_ip6_address, std::move(value)};
}

std::optional<net::Address> address_of(const wire::ConfigAttribute& a, net::Family family) {
    const std::size_t size = family == net::Family::v4 ? 4 : 16;
    if (a.value.size() < size) return std::nullopt;
    net::Address out{family, {}};
    std::copy_n(a.value.begin(), size, out.bytes.begin());
    return out;
}

std::string text_of(const std::vector<VirtualIp>& ips) {
    std::string out;
    for (const auto& ip : ips) out += (out.empty() ? "" : " ") + ip.address.str();
    return out;
}

// The first pool of the connection (in its order) with an address of `family` for the peer.
std::optional<VirtualIp> lease(Core& core, const IkeSa& sa, net::Family family) {
    for (const auto& name : sa.conn->pools) {
        const policy::Pool* pool = core.config.find_pool(name);
        if (!pool || pool->first.family != family) continue;
        if (auto a = core.lease_book().acquire(name, sa.peer_identity, core.now))
            return VirtualIp{a->address, name, a->generation};
    }
    return std::nullopt;
}

// The DNS servers and, when asked for (RFC 8598 4), the domains of the pools leased from;
// the IKE SA records what it handed out (status).
void add_dns(const Core& core, IkeSa& sa, const wire::Configuration& request, wire::Configuration& reply) {
    const bool domains = has_attribute(request, CfgAttr::internal_dns_domain);
    for (const auto& ip : sa.virtual_ips) {
        const policy::Pool& pool = *core.config.find_pool(ip.pool);  // leased from it just now
        for (const auto& dns : pool.dns) {
            reply.attributes.push_back({dns.family == net::Family::v4 ? CfgAttr::internal_ip4_dns : CfgAttr::internal_ip6_dns,
                                        address_bytes(dns)});
            sa.dns.push_back(dns);
        }
        if (domains)
            for (const auto& d : pool.domains) {
                reply.attributes.push_back({CfgAttr::internal_dns_domain, base::Bytes(d.begin(), d.end())});
                sa.domains.push_back(d);
            }
    }
}

}  // namespace

std::optional<wire::Configuration> config_request(const IkeSa& sa) {
    if (sa.conn->vips.empty()) return std::nullopt;
    wire::Configuration cp{wire::CfgType::request, {}};
    for (const auto family : sa.conn->vips) {
        const bool v4 = family == net::Family::v4;
        cp.attributes.push_back({v4 ? CfgAttr::internal_ip4_address : CfgAttr::internal_ip6_address, {}});
        cp.attributes.push_back({v4 ? CfgAttr::internal_ip4_dns : CfgAttr::internal_ip6_dns, {}});
    }
    cp.attributes.push_back({CfgAttr::internal_dns_domain, {}});
    return cp;
}

bool take_config_reply(Core& core, IkeSa& sa, const Payloads& response) {
    if (sa.conn->vips.empty()) return true;
    const auto* cp = find<wire::Configuration>(response);
    if (cp && cp->type == wire::CfgType::reply) {
        for (const auto& a : cp->attributes) {
            const bool v4 = a.type == CfgAttr::internal_ip4_address || a.type == CfgAttr::internal_ip4_dns;
            const auto family = v4 ? net::Family::v4 : net::Family::v6;
            const bool asked = std::find(sa.conn->vips.begin(), sa.conn->vips.end(), family) != sa.conn->vips.end();
            const bool address = a.type == CfgAttr::internal_ip4_address || a.type == CfgAttr::internal_ip6_address;
            const bool dns = a.type == CfgAttr::internal_ip4_dns || a.type == CfgAttr::internal_ip6_dns;
            if (address)
                if (auto ip = address_of(a, family); ip && asked && !ip->is_any()) sa.virtual_ips.push_back({*ip, ""});
            if (dns)
                if (auto ip = address_of(a, family)) sa.dns.push_back(*ip);
            if (a.type == CfgAttr::internal_dns_domain && !a.value.empty()) sa.domains.emplace_back(a.value.begin(), a.value.end());
        }
    }
    if (sa.virtual_ips.empty()) {
        core.log(LogLevel::error, &sa, "the peer assigned no virtual IP (CFG_REPLY without an address we asked for)");
        return false;
    }
    std::string dns, domains;
    for (const auto& a : sa.dns) dns += (dns.empty() ? "" : " ") + a.str();
    for (const auto& d : sa.domains) domains += (domains.empty() ? "" : " ") + d;
    core.log(LogLevel::info, &sa, "virtual IP " + text_of(sa.virtual_ips) + " assigned by the peer (DNS " +
                                      (dns.empty() ? "none" : dns) + ", domains " + (domains.empty() ? "none" : domains) + ")");
    return true;
}

ConfigAnswer answer_config_request(Core& core, IkeSa& sa, const Payloads& request) {
    if (sa.conn->pools.empty()) return {};
    const auto* cp = find<wire::Configuration>(request);
    const bool v4 = cp && cp->type == wire::CfgType::request && has_attribute(*cp, CfgAttr::internal_ip4_address);
    const bool v6 = cp && cp->type == wire::CfgType::request && has_attribute(*cp, CfgAttr::internal_ip6_address);
    if (!v4 && !v6) {
        core.log(LogLevel::warning, &sa, "the peer asked for no virtual IP: FAILED_CP_REQUIRED");
        return {std::nullopt, notify(wire::notify::failed_cp_required)};
    }
    // A family the pools do not serve is left out of the reply (Windows asks for both).
    for (const auto& [asked, family] : {std::pair{v4, net::Family::v4}, std::pair{v6, net::Family::v6}})
        if (asked)
            if (auto ip = lease(core, sa, family)) sa.virtual_ips.push_back(*ip);
    if (sa.virtual_ips.empty()) {
        std::string pools;
        for (const auto& p : sa.conn->pools) pools += (pools.empty() ? "" : ", ") + p;
        core.log(LogLevel::error, &sa, "no address left for " + sa.peer_identity + " in pools " + pools +
                                           ": INTERNAL_ADDRESS_FAILURE");
        return {std::nullopt, notify(wire::notify::internal_address_failure)};
    }
    wire::Configuration reply{wire::CfgType::reply, {}};
    for (const auto& ip : sa.virtual_ips) reply.attributes.push_back(address_attribute(ip.address));
    add_dns(core, sa, *cp, reply);
    core.log(LogLevel::info, &sa, "leased virtual IP " + text_of(sa.virtual_ips) + " to " + sa.peer_identity);
    return {std::move(reply), std::nullopt};
}

Selectors allowed_selectors(const IkeSa& sa, const policy::Child& child) {
    auto hosts = [&] {
        std::vector<net::Prefix> out;
        for (const auto& ip : sa.virtual_ips) out.push_back(net::Prefix::host(ip.address));
        return out;
    };
    Selectors out{or_dynamic(child.local_subnets, sa.local.address), or_dynamic(child.remote_subnets, sa.remote.address)};
    if (!sa.conn->pools.empty()) out.remote = hosts();
    if (!sa.conn->vips.empty()) {
        out.local = hosts();
        if (out.local.empty())
            for (const auto family : sa.conn->vips) out.local.push_back({net::Address::any(family), 0});
    }
    return out;
}

void hold_leases(Core& core, const IkeSa& sa) {
    for (const auto& ip : sa.virtual_ips)
        if (!ip.pool.empty()) core.lease_book().hold(ip.pool, ip.generation, sa.peer_identity, core.now);
}

void release_leases(Core& core, const IkeSa& sa) {
    for (const auto& ip : sa.virtual_ips)
        if (!ip.pool.empty()) core.lease_book().release(ip.pool, ip.generation, sa.peer_identity, core.now);
}

}  // namespace ike::v2
