#include "ike/engine/policy_handover.hpp"

#include <iterator>
#include <map>
#include <utility>

namespace ike::engine {

Effects hand_over_policies(Effects effects) {
    Effects out;
    out.reserve(effects.size());
    // Held back, by the engine that deletes and the policy deleted: another engine's addition
    // of the policy stays one, beside this engine's wish (xfrm/policy_ledger.hpp).
    using Key = std::pair<std::uint32_t, xfrm::PolicyId>;
    std::map<Key, DeletePolicy> deleted;
    std::vector<Key> order;  // in the order they came
    Effects sas_deleted;
    for (auto& e : effects) {
        if (std::holds_alternative<DeleteSa>(e)) {
            sas_deleted.push_back(std::move(e));
            continue;
        }
        if (auto* d = std::get_if<DeletePolicy>(&e)) {
            Key key{d->owner.engine, d->id};
            if (deleted.insert_or_assign(key, std::move(*d)).second) order.push_back(std::move(key));
            continue;
        }
        if (auto* a = std::get_if<AddPolicy>(&e); a && deleted.erase({a->owner.engine, a->policy.id()})) {
            out.push_back(UpdatePolicy{std::move(a->policy), std::move(a->owner)});
            continue;
        }
        // An update replaces the policy the held deletion would have removed.
        if (auto* u = std::get_if<UpdatePolicy>(&e)) deleted.erase({u->owner.engine, u->policy.id()});
        out.push_back(std::move(e));
    }
    std::move(sas_deleted.begin(), sas_deleted.end(), std::back_inserter(out));
    for (const auto& id : order)
        if (auto node = deleted.extract(id)) out.push_back(std::move(node.mapped()));
    return out;
}

}  // namespace ike::engine
