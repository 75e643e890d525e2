#include "ike/policy/config.hpp"

#include <algorithm>
#include <map>
#include <string_view>

namespace ike::policy {

const Connection* Config::find(const std::string& name) const {
    auto it = std::find_if(connections.begin(), connections.end(),
                           [&](const Connection& c) { return c.name == name; });
    return it == connections.end() ? nullptr : &*it;
}

const Pool* Config::find_pool(const std::string& name) const {
    auto it = std::find_if(pools.begin(), pools.end(), [&](const Pool& p) { return p.name == name; });
    return it == pools.end() ? nullptr : &*it;
}

namespace {

// A connection whose pools were redefined changes too: its leases came from the old ranges.
bool same_pools(const Config& before, const Config& after, const Connection& c) {
    return std::all_of(c.pools.begin(), c.pools.end(), [&](const std::string& name) {
        const Pool* a = before.find_pool(name);
        const Pool* b = after.find_pool(name);
        return a && b && *a == *b;
    });
}

}  // namespace

Diff diff(const Config& before, const Config& after) {
    Diff d;
    // By name, not by Config::find: a reload of many connections stays O(n log n).
    std::map<std::string_view, const Connection*> old, now;
    for (const auto& c : before.connections) old.emplace(c.name, &c);
    for (const auto& c : after.connections) now.emplace(c.name, &c);
    for (const auto& c : after.connections) {
        auto it = old.find(c.name);
        (it == old.end() ? d.added : *it->second == c && same_pools(before, after, c) ? d.unchanged : d.changed)
            .push_back(c.name);
    }
    for (const auto& c : before.connections)
        if (!now.contains(c.name)) d.removed.push_back(c.name);
    d.secrets_changed = before.secrets != after.secrets || before.eap_secrets != after.eap_secrets;
    return d;
}

const base::SecretBytes* find_eap_password(const std::vector<EapSecret>& secrets, std::string_view id) {
    auto it = std::find_if(secrets.begin(), secrets.end(), [&](const EapSecret& s) { return s.id == id; });
    return it == secrets.end() ? nullptr : &it->password;
}

const Secret* find_psk(const std::vector<Secret>& secrets, const Identity& local,
                       const Identity& remote) {
    const Secret* best = nullptr;
    int best_score = 0;
    for (const auto& s : secrets) {
        auto lists = [&](const Identity& id) {
            return std::find(s.ids.begin(), s.ids.end(), id) != s.ids.end();
        };
        auto names = [&](const Identity& id) { return id.kind != IdKind::any && lists(id); };
        // strongSwan's best match: an identity named exactly outweighs "%any", which stands
        // for every identity (one PSK for many peers).
        int score = (names(remote) ? 4 : 0) + (names(local) ? 2 : 0) + (lists(Identity{}) ? 1 : 0);
        if (score > best_score) best = &s, best_score = score;
    }
    return best;
}

}  // namespace ike::policy
