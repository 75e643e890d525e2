// start: trap for IKEv1 (RFC 4301 4.4.1 "on demand" SAs; FreeS/WAN's %trap), as for IKEv2
// (ike/v2/trap.cpp): the child's policies go into the kernel with a template but no SA, so
// the first packet they cover is dropped and makes the kernel raise an acquire, which brings
// the child up: a Quick Mode over the connection's ISAKMP SA, or Main Mode first. The
// policies stay while the pair is negotiated, rekeyed or gone after a peer's Delete or a
// dead peer (close_action trap: the next packet brings it back), until the operator's down.
#include "ike/v1/core.hpp"

namespace ike::v1 {

using engine::LogLevel;

namespace {

// "10.1.0.5/32 -> 10.2.0.9/32": the packet's flow as the kernel reports it.
std::string flow(const xfrm::Acquire& a) { return a.selector.src.str() + " -> " + a.selector.dst.str(); }

IsakmpSa* established_sa(Core& core, const std::string& connection) {
    for (auto& [cookie, sa] : core.sas)
        if (sa.connection == connection && sa.state == MmState::established && !sa.successor) return &sa;
    return nullptr;
}

bool negotiating(const IsakmpSa& sa, const std::string& child) {
    for (const auto& [mid, qm] : sa.quick_modes)
        if (qm.child == child && !qm.done) return true;
    return false;
}

bool installed(const IsakmpSa& sa, const std::string& child) {
    for (const auto& i : sa.ipsec_sas)
        if (i.child == child) return true;
    return false;
}

}  // namespace

void trap_child(Core& core, const policy::Connection& c, const policy::Child& child, std::uint32_t reqid) {
    if (!core.traps.try_emplace(reqid, Core::Trap{c.name, child.name}).second) return;
    core.log(LogLevel::info, c.name, "CHILD SA " + child.name + " trapped");
}

void install_traps(Core& core, const policy::Connection& c) {
    for (const auto& child : c.children) {
        if (child.start != policy::Start::trap) continue;
        if (const std::uint32_t reqid = hold_child_policies(core, c, child)) trap_child(core, c, child, reqid);
    }
}

void forget_traps(Core& core, const std::string& connection) {
    std::erase_if(core.traps, [&](const auto& t) { return t.second.connection == connection; });
}

void on_acquire(Core& core, Time now, const xfrm::Acquire& acquire) {
    const auto trap = core.traps.find(acquire.reqid);
    if (trap == core.traps.end())
        return core.log(LogLevel::debug, "", "kernel acquire for " + flow(acquire) + " matches no trap");
    const auto& [name, child_name] = trap->second;
    const policy::Connection* c = core.config.find(name);
    const policy::Child* child = c ? c->find_child(child_name) : nullptr;
    if (!child) return;
    // RFC 2409 5.5: either end of an ISAKMP SA may start a Quick Mode under it.
    if (IsakmpSa* sa = established_sa(core, name)) {
        if (installed(*sa, child_name) || negotiating(*sa, child_name))
            return core.log(LogLevel::debug, name, "kernel acquire while CHILD SA " + child_name + " is on its way: ignored");
        core.log(LogLevel::info, *sa, "kernel acquire for " + flow(acquire) + ": Quick Mode for " + child_name);
        return initiate_quick_mode(core, now, *sa, *child);
    }
    // One negotiation per trap: acquires for the packets queued meanwhile change nothing.
    for (const auto& [cookie, sa] : core.sas)
        if (sa.connection == name)
            return core.log(LogLevel::debug, name, "kernel acquire while Main Mode is on its way: ignored");
    if (attempts_pending(core, name))
        return core.log(LogLevel::debug, name, "kernel acquire while an attempt is scheduled: ignored");
    core.log(LogLevel::info, name, "kernel acquire for " + flow(acquire) + ": initiating Main Mode");
    core.failures.erase(name);
    initiate_main_mode(core, now, *c);
}

}  // namespace ike::v1
