// Fail closed for IKEv1 (DESIGN "Fail closed"): a `start: up` child's policies are in the
// kernel from the Up (start, or the operator's) to the operator's down, with a template and
// no SA until a Quick Mode installs its pair, so its traffic is dropped and never sent in
// clear; and the child is brought up, and brought back after the peer closed it (its
// Delete, the ISAKMP SA's, a dead peer, an ISAKMP SA that ended without renewal, a hard
// expiry), with back-off: strongSwan's close_action=start. Level-triggered: after each
// event the connection's missing children are looked for, whatever path lost them.
#include <algorithm>

#include "ike/v1/core.hpp"
#include "ike/engine/child_policies.hpp"
#include "ike/engine/kernel_sa.hpp"

namespace ike::v1 {

namespace {

using engine::LogLevel;

constexpr engine::Duration kFirstDelay = std::chrono::seconds(1);
constexpr engine::Duration kMaxDelay = std::chrono::seconds(60);

// `delay` and up to a fifth more, at random: peers restarting together do not stay in step.
Time after(Core& core, Time now, engine::Duration delay) {
    std::uint32_t r = 0;
    core.rng.fill({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
    return now + delay + engine::Duration{static_cast<engine::Duration::rep>(r % (delay.count() / 5 + 1))};
}

std::string seconds(engine::Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

// The policies a pair of `child` will have, sending to a reqid no SA has yet.
std::vector<xfrm::Policy> guard_policies(const policy::Connection& c, const policy::Child& child, std::uint32_t reqid) {
    if (!c.local.address || !c.remote.address) return {};  // --check requires both for IKEv1
    auto local = ts_or_host(child.local_subnets, *c.local.address);
    auto remote = ts_or_host(child.remote_subnets, *c.remote.address);
    if (!local || !remote) return {};
    const std::vector<net::Prefix> l{*local}, r{*remote};
    return engine::policies_for({l, r, *c.local.address, *c.remote.address, engine::kernel_proto(child),
                                 engine::kernel_mode(child.mode), reqid});
}

bool carried(Core& core, const std::string& connection, const std::string& child) {
    return core.find_ipsec(connection, [&child](const IpsecSa& i) { return i.child == child; }).ipsec != nullptr;
}

// The `start: up` children of `c` that should be up and are not.
std::vector<const policy::Child*> missing(Core& core, const policy::Connection& c, Core::Wanted& w) {
    std::vector<const policy::Child*> out;
    for (const auto& child : c.children) {
        if (child.start != policy::Start::up) continue;
        if (carried(core, c.name, child.name)) w.been_up.insert(child.name);
        else if (!w.been_up.contains(child.name) || child.on_close() == policy::CloseAction::restart)
            out.push_back(&child);
    }
    return out;
}

// One attempt: a Main Mode, or Quick Modes over an established ISAKMP SA; false while an
// exchange that could bring the children up is under way.
bool attempt(Core& core, Time now, const policy::Connection& c) {
    IsakmpSa* established = nullptr;
    for (auto& [cookie, sa] : core.sas) {
        if (sa.connection != c.name) continue;
        if (sa.state != MmState::established) return false;
        if (std::any_of(sa.quick_modes.begin(), sa.quick_modes.end(), [](const auto& q) { return !q.second.done; }))
            return false;
        established = &sa;
    }
    core.failures.erase(c.name);
    if (established) start_children(core, now, *established, c);
    else initiate_main_mode(core, now, c);
    return true;
}

void run(Core& core, Time now, const policy::Connection& c, Core::Wanted& w) {
    const auto gone = missing(core, c, w);
    if (gone.empty()) {
        if (w.attempts > 0)
            core.log(LogLevel::info, c.name, "CHILD SA " + w.child + " up again after " + std::to_string(w.attempts) +
                                                 " attempt(s)");
        w = {.been_up = std::move(w.been_up)};
        return;
    }
    if (w.at == Time::max()) {  // newly missing: the first attempt a second from now
        w.delay = kFirstDelay;
        w.at = after(core, now, kFirstDelay);
        return;
    }
    if (now < w.at) return;
    const auto failure = core.failures.find(c.name);
    const std::string why = failure != core.failures.end() && failure->second.kind != engine::FailureKind::none
                                ? " (" + engine::describe(failure->second) + ")" : "";
    if (!attempt(core, now, c)) {
        w.at = after(core, now, kFirstDelay);  // see again once the exchange is through
        return;
    }
    ++w.attempts;
    w.child = gone.front()->name;
    core.log(LogLevel::info, c.name,
             "CHILD SA " + gone.front()->name + " not up" + why + ": attempt " + std::to_string(w.attempts) +
                 ", the next in " + seconds(w.delay) + " unless it is up");
    w.at = after(core, now, w.delay);
    w.delay = std::min(w.delay * 2, kMaxDelay);
}

}  // namespace

std::uint32_t hold_child_policies(Core& core, const policy::Connection& c, const policy::Child& child) {
    const auto handed = core.handed_reqids.find({c.name, child.name});
    const bool fresh = handed == core.handed_reqids.end();
    const std::uint32_t reqid = fresh ? core.next_reqid : handed->second;
    auto policies = guard_policies(c, child, reqid);
    if (policies.empty()) return 0;
    if (auto held = core.policies.find(policies.front().id()); held != core.policies.end()) return held->second.reqid;
    for (auto& p : policies) core.hold_policy(std::move(p), engine::KernelOwner{c.name, 0});
    if (fresh) core.advance_reqid();
    else core.handed_reqids.erase(handed);
    return reqid;
}

void hand_over_reqids(Core& core, const policy::Connection& c) {
    auto hand = [&](const std::string& child, std::uint32_t reqid) { core.handed_reqids.try_emplace({c.name, child}, reqid); };
    for (const auto& [cookie, sa] : core.sas)
        if (sa.connection == c.name)
            for (const auto& i : sa.ipsec_sas) hand(i.child, i.reqid);
    for (const auto& [reqid, trap] : core.traps)
        if (trap.connection == c.name) hand(trap.child, reqid);
    for (const auto& child : c.children) {
        const auto policies = guard_policies(c, child, 0);
        if (policies.empty()) continue;
        if (auto held = core.policies.find(policies.front().id()); held != core.policies.end() && held->second.connection == c.name)
            hand(child.name, held->second.reqid);
    }
}

void want_up(Core& core, const policy::Connection& c) {
    bool any = false;
    for (const auto& child : c.children) {
        if (child.start != policy::Start::up) continue;
        any = true;
        const std::uint32_t reqid = hold_child_policies(core, c, child);
        if (reqid && child.on_close() == policy::CloseAction::trap) trap_child(core, c, child, reqid);
    }
    if (any) core.wanted.try_emplace(c.name);
}

void forget_wanted(Core& core, const std::string& connection) { core.wanted.erase(connection); }

void run_attempts(Core& core, Time now) {
    for (auto it = core.wanted.begin(); it != core.wanted.end();) {
        const auto* c = core.config.find(it->first);
        if (!c) {
            it = core.wanted.erase(it);
            continue;
        }
        run(core, now, *c, it->second);
        ++it;
    }
}

std::optional<Time> next_attempt(const Core& core) {
    std::optional<Time> next;
    for (const auto& [name, w] : core.wanted)
        if (w.at != Time::max() && (!next || w.at < *next)) next = w.at;
    return next;
}

bool attempts_pending(const Core& core, const std::string& connection) {
    const auto it = core.wanted.find(connection);
    return it != core.wanted.end() && it->second.at != Time::max();
}

}  // namespace ike::v1
