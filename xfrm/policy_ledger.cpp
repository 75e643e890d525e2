#include "xfrm/policy_ledger.hpp"

#include <algorithm>

namespace xfrm {

namespace {
auto of(PolicyLedger::Owner owner) {
    return [owner](const auto& wish) { return wish.owner == owner; };
}
}  // namespace

void PolicyLedger::want(Owner owner, const Policy& p, bool update, Kernel::Done done) {
    const std::lock_guard lock(mutex_);
    auto& wishes = wishes_[p.id()];
    std::erase_if(wishes, of(owner));
    wishes.push_back({owner, p});
    kernel_.queue_policy(p, update || wishes.size() > 1, std::move(done));
}

void PolicyLedger::drop(Owner owner, const PolicyId& id, Kernel::Done done) {
    const std::lock_guard lock(mutex_);
    auto it = wishes_.find(id);
    if (it == wishes_.end()) return done({});
    auto& wishes = it->second;
    const auto mine = std::find_if(wishes.begin(), wishes.end(), of(owner));
    if (mine == wishes.end()) return done({});
    const bool was_installed = mine + 1 == wishes.end();
    wishes.erase(mine);
    if (wishes.empty()) {
        wishes_.erase(it);
        return kernel_.queue_delete_policy(id, std::move(done));
    }
    if (!was_installed) return done({});
    kernel_.queue_policy(wishes.back().policy, true, std::move(done));
}

Status PolicyLedger::want_now(Owner owner, const Policy& p) {
    Status result;
    want(owner, p, false, [&result](const Status& s) { result = s; });
    kernel_.flush();
    if (result) return result;
    // Refused (another program's policy there, a bad template): the caller holds no wish,
    // so none is kept that a later drop would turn into a delete of what is not ours.
    const std::lock_guard lock(mutex_);
    if (auto it = wishes_.find(p.id()); it != wishes_.end()) {
        std::erase_if(it->second, of(owner));
        if (it->second.empty()) wishes_.erase(it);
    }
    return result;
}

Status PolicyLedger::drop_now(Owner owner, const PolicyId& id) {
    Status result;
    drop(owner, id, [&result](const Status& s) { result = s; });
    kernel_.flush();
    return result;
}

Status PolicyLedger::migrate(Owner owner, const Migration& m) {
    const std::lock_guard lock(mutex_);
    Status moved = kernel_.migrate(m);
    if (!moved) return moved;
    if (auto it = wishes_.find(m.policy); it != wishes_.end())
        if (auto mine = std::find_if(it->second.begin(), it->second.end(), of(owner)); mine != it->second.end())
            migrate_templates(mine->policy.templates, m);
    return moved;
}

std::map<PolicyId, Policy> PolicyLedger::installed() const {
    const std::lock_guard lock(mutex_);
    std::map<PolicyId, Policy> out;
    for (const auto& [id, wishes] : wishes_) out.emplace(id, wishes.back().policy);
    return out;
}

}  // namespace xfrm
