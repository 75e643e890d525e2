#include "daemon/routes.hpp"

#include <algorithm>
#include <cerrno>

namespace ipsecd {

namespace {

bool inside(const std::vector<net::Prefix>& prefixes, const net::Address& a) {
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const net::Prefix& p) { return p.contains(a); });
}

std::optional<net::Address> source_in(const std::vector<net::Prefix>& local_ts, const net::Address& ike_local,
                                      const std::vector<net::Address>& addresses) {
    if (inside(local_ts, ike_local)) return ike_local;
    for (const auto& a : addresses)
        if (inside(local_ts, a)) return a;
    return std::nullopt;
}

// The destinations plan_routes gives routes to, known without asking the kernel anything.
std::vector<net::Prefix> destinations(const ike::engine::IkeSaStatus& sa) {
    std::vector<net::Prefix> out;
    if (sa.state == "closed" || !sa.host_config) return out;
    for (const auto& child : sa.children)
        if (child.mode == xfrm::Mode::tunnel)
            for (const auto& ts : child.remote_ts)
                if (!ts.contains(sa.remote.address) && std::find(out.begin(), out.end(), ts) == out.end())
                    out.push_back(ts);
    return out;
}

}  // namespace

std::vector<xfrm::Route> plan_routes(const ike::engine::IkeSaStatus& sa, const xfrm::Path& to_peer,
                                     const std::vector<net::Address>& local_addresses, std::uint32_t table) {
    std::vector<xfrm::Route> out;
    const net::Address& peer = sa.remote.address;
    for (const auto& child : sa.children) {
        if (child.mode != xfrm::Mode::tunnel) continue;
        for (const auto& ts : child.remote_ts) {
            if (ts.contains(peer)) continue;
            if (std::any_of(out.begin(), out.end(), [&](const xfrm::Route& r) { return r.destination == ts; })) continue;
            const auto family = ts.address.family;
            xfrm::Route r{ts, table, to_peer.interface, std::nullopt, std::nullopt};
            if (to_peer.gateway && to_peer.gateway->family == family) r.gateway = to_peer.gateway;
            std::vector<net::Prefix> local_ts;
            std::copy_if(child.local_ts.begin(), child.local_ts.end(), std::back_inserter(local_ts),
                         [&](const net::Prefix& p) { return p.address.family == family; });
            r.source = source_in(local_ts, sa.local.address, local_addresses);
            out.push_back(r);
        }
    }
    return out;
}

void Routes::start() {
    for (auto family : {net::Family::v4, net::Family::v6}) {
        xfrm::Rule rule{family, kTable, kRulePriority};
        auto st = routing_.add_rule(rule);
        if (st) rules_.push_back(rule);
        else if (st.error().code != EEXIST) log_.warning(st.error().message + " (tunnel routes will not apply)");
    }
}

std::vector<xfrm::Route> Routes::wanted(const ike::engine::IkeSaStatus& sa, const LogContext& ctx) {
    if (destinations(sa).empty()) return {};
    auto path = routing_.path_to(sa.remote.address);
    auto addresses = routing_.local_addresses();
    if (!path || !addresses) {
        log_.warning("no tunnel routes: " + (path ? addresses.error() : path.error()).message, ctx);
        return {};
    }
    return plan_routes(sa, *path, *addresses, kTable);
}

void Routes::update(const std::string& connection, const ike::engine::IkeSaStatus& sa) {
    const Owner owner{connection, sa.local_spi};
    const LogContext ctx{connection, {}};
    // Most publications (rekeys, peers' deletes of other SAs) leave the routes as they are:
    // no route lookup and address dump for those.
    auto want = destinations(sa);
    auto& held = held_[owner];
    if (std::is_permutation(want.begin(), want.end(), held.begin(), held.end())) {
        if (held.empty()) held_.erase(owner);
        return;
    }
    auto routes = wanted(sa, ctx);
    for (const auto& dst : std::vector<net::Prefix>(held))
        if (std::none_of(routes.begin(), routes.end(), [&](const xfrm::Route& r) { return r.destination == dst; }))
            release(owner, dst);
    for (const auto& r : routes) {
        if (std::find(held.begin(), held.end(), r.destination) != held.end()) continue;
        auto it = installed_.find(r.destination);
        if (it == installed_.end()) {
            if (auto st = routing_.add_route(r); !st) {
                log_.warning(st.error().message, ctx);
                continue;
            }
            log_.debug("added route " + xfrm::describe(r), ctx);
            it = installed_.emplace(r.destination, Installed{r, {}}).first;
        }
        it->second.owners.insert(owner);
        held.push_back(r.destination);
    }
    if (held.empty()) held_.erase(owner);
}

void Routes::release(const Owner& owner, const net::Prefix& destination) {
    if (auto h = held_.find(owner); h != held_.end()) std::erase(h->second, destination);
    auto it = installed_.find(destination);
    if (it == installed_.end() || (it->second.owners.erase(owner), !it->second.owners.empty())) return;
    // Gone already when its interface went away: nothing left to undo.
    if (auto st = routing_.delete_route(it->second.route); !st && st.error().code != ESRCH)
        log_.warning(st.error().message, {owner.first, {}});
    installed_.erase(it);
}

void Routes::stop() {
    while (!held_.empty()) {
        auto [owner, destinations] = *held_.begin();
        for (const auto& d : destinations) release(owner, d);
        held_.erase(owner);
    }
    for (const auto& rule : rules_)
        if (auto st = routing_.delete_rule(rule); !st) log_.warning(st.error().message);
    rules_.clear();
}

}  // namespace ipsecd
