#include "tests/unit/v2/policy_replay.hpp"

#include <algorithm>

#include "ike/engine/removal_order.hpp"

namespace ike::v2::test {

void replay_policies(PolicyTable table, const engine::Effects& batch, const std::function<void(const PolicyTable&)>& check) {
    check(table);
    for (const auto& e : engine::removals_after_published_state(batch)) {
        if (const auto* a = std::get_if<engine::AddPolicy>(&e)) table.try_emplace(a->policy.id(), a->policy);
        else if (const auto* u = std::get_if<engine::UpdatePolicy>(&e)) table[u->policy.id()] = u->policy;
        else if (const auto* d = std::get_if<engine::DeletePolicy>(&e)) table.erase(d->id);
        else continue;
        check(table);
    }
}

bool covers(const PolicyTable& table, xfrm::Dir dir, const char* src, const char* dst) {
    const auto from = *net::Address::parse(src), to = *net::Address::parse(dst);
    return std::any_of(table.begin(), table.end(), [&](const auto& entry) {
        const xfrm::PolicyId& id = entry.first;
        return id.dir == dir && id.selector.src.contains(from) && id.selector.dst.contains(to);
    });
}

}  // namespace ike::v2::test
