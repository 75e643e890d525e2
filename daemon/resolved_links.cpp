#include "daemon/resolved_links.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <set>

namespace ipsecd {

namespace {

template <typename T>
void add_once(std::vector<T>& to, const std::vector<T>& from) {
    for (const auto& x : from)
        if (std::find(to.begin(), to.end(), x) == to.end()) to.push_back(x);
}

}  // namespace

LinkDns link_dns_of(const std::vector<net::Address>& servers, const std::vector<std::string>& domains) {
    LinkDns out{servers, {}};
    for (const auto& d : domains) out.domains.push_back({d, true});
    return out;
}

std::vector<std::pair<int, std::vector<std::uint8_t>>> set_link_dns_args(const std::vector<net::Address>& servers) {
    std::vector<std::pair<int, std::vector<std::uint8_t>>> out;
    for (const auto& a : servers)
        out.emplace_back(a.family == net::Family::v4 ? AF_INET : AF_INET6,
                         std::vector<std::uint8_t>(a.bytes.begin(), a.bytes.begin() + a.size()));
    return out;
}

std::vector<std::pair<std::string, bool>> set_link_domains_args(const std::vector<LinkDomain>& domains) {
    std::vector<std::pair<std::string, bool>> out;
    for (const auto& d : domains) out.emplace_back(d.name, d.routing_only);
    return out;
}

std::vector<int> ResolvedLinks::hold(const Owner& owner, int link, const LinkDns& dns) {
    std::vector<int> changed;
    if (auto it = owners_.find(owner); it != owners_.end()) {
        if (it->second == std::pair{link, dns}) return {};
        changed.push_back(it->second.first);
        owners_.erase(it);
    }
    if (link > 0 && !dns.empty()) {
        owners_[owner] = {link, dns};
        if (changed.empty() || changed[0] != link) changed.push_back(link);
    }
    return changed;
}

std::optional<LinkDns> ResolvedLinks::wanted(int link) const {
    std::optional<LinkDns> out;
    for (const auto& [owner, held] : owners_) {
        if (held.first != link) continue;
        if (!out) out = before_.at(link);
        add_once(out->servers, held.second.servers);
        add_once(out->domains, held.second.domains);
    }
    return out;
}

bool ResolvedLinks::held(int link) const {
    return std::any_of(owners_.begin(), owners_.end(), [&](const auto& o) { return o.second.first == link; });
}

std::vector<int> ResolvedLinks::links() const {
    std::set<int> out;
    for (const auto& [owner, held] : owners_) out.insert(held.first);
    for (const auto& [link, before] : before_) out.insert(link);
    return {out.begin(), out.end()};
}

}  // namespace ipsecd
