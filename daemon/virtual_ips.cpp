#include "daemon/virtual_ips.hpp"

#include <algorithm>
#include <cerrno>

namespace ipsecd {

namespace {

bool has(const std::vector<net::Address>& v, const net::Address& a) { return std::find(v.begin(), v.end(), a) != v.end(); }

}  // namespace

void VirtualIps::update(const std::string& connection, const ike::engine::IkeSaStatus& sa) {
    const Owner owner{connection, sa.local_spi};
    std::vector<net::Address> want;
    if (sa.virtual_ips_received && sa.host_config && sa.state != "closed") want = sa.virtual_ips;
    auto it = held_.find(owner);
    if (it == held_.end()) {
        if (want.empty()) return;
        it = held_.emplace(owner, std::vector<net::Address>{}).first;
    }
    for (const auto& a : std::vector<net::Address>(it->second))
        if (!has(want, a)) release(owner, a);
    for (const auto& a : want)
        if (!has(it->second, a)) hold(owner, a, sa.remote.address);
    if (it->second.empty()) held_.erase(it);
}

void VirtualIps::hold(const Owner& owner, const net::Address& address, const net::Address& peer) {
    const LogContext ctx{owner.first, {}};
    auto it = installed_.find(address);
    if (it == installed_.end()) {
        auto path = routing_.path_to(peer);
        if (!path) {
            log_.warning("virtual IP " + address.str() + " not on the host: " + path.error().message, ctx);
            return;
        }
        const xfrm::InterfaceAddress on{address, path->interface};
        auto st = routing_.add_address(on);
        if (!st && st.error().code != EEXIST) {
            log_.warning("virtual IP " + address.str() + " not on the host: " + st.error().message, ctx);
            return;
        }
        log_.info(std::string(st ? "added virtual IP " : "virtual IP already on the host, left there: ") +
                      xfrm::describe(on), ctx);
        it = installed_.emplace(address, Installed{on, st.ok(), {}}).first;
    }
    it->second.owners.insert(owner);
    held_[owner].push_back(address);
}

void VirtualIps::release(const Owner& owner, const net::Address& address) {
    if (auto h = held_.find(owner); h != held_.end()) std::erase(h->second, address);
    auto it = installed_.find(address);
    if (it == installed_.end() || (it->second.owners.erase(owner), !it->second.owners.empty())) return;
    if (it->second.added) {
        // Gone already with its interface: nothing left to undo.
        auto st = routing_.delete_address(it->second.address);
        if (st) log_.info("removed virtual IP " + xfrm::describe(it->second.address), {owner.first, {}});
        else if (st.error().code != EADDRNOTAVAIL) log_.warning(st.error().message, {owner.first, {}});
    }
    installed_.erase(it);
}

std::optional<int> VirtualIps::link_of(const std::string& connection, std::uint64_t local_spi) const {
    auto h = held_.find({connection, local_spi});
    if (h == held_.end()) return std::nullopt;
    for (const auto& a : h->second)
        if (auto it = installed_.find(a); it != installed_.end()) return it->second.address.interface;
    return std::nullopt;
}

void VirtualIps::remove_leftovers(std::uint32_t table) {
    auto left = routing_.marked_addresses();
    if (!left) return log_.warning("virtual IPs a previous ipsecd left stay: " + left.error().message);
    if (left->empty()) return;
    auto from_left = [&](const xfrm::Route& r) {
        return r.source && std::any_of(left->begin(), left->end(), [&](const auto& a) { return a.address == *r.source; });
    };
    if (auto routes = routing_.routes_in(table); !routes) log_.warning("routes a previous ipsecd left stay: " + routes.error().message);
    else
        for (const auto& r : *routes)
            if (from_left(r))
                if (auto st = routing_.delete_route(r); !st && st.error().code != ESRCH) log_.warning(st.error().message);
    for (const auto& a : *left) {
        auto st = routing_.delete_address(a);
        if (st) log_.info("removed virtual IP " + xfrm::describe(a) + " a previous ipsecd left");
        else if (st.error().code != EADDRNOTAVAIL) log_.warning(st.error().message);
    }
}

void VirtualIps::stop() {
    while (!held_.empty()) {
        auto [owner, addresses] = *held_.begin();
        for (const auto& a : addresses) release(owner, a);
        held_.erase(owner);
    }
}

}  // namespace ipsecd
