// start: trap (RFC 4301 4.4.1 "on demand" SAs; FreeS/WAN's %trap). The child's policies go
// into the kernel with a template but no SA, so the first matching packet makes the kernel
// raise an acquire, and that initiates the connection. The policies stay while the SA is
// negotiated, rekeyed or gone after a peer's Delete or DPD: traffic they cover is dropped,
// never sent in clear (DESIGN "Fail closed"). Only `down`, removal or close_action: clear
// takes them out. A `start: up` child gets the same policies, so that it too fails closed
// from the start; its acquires leave re-initiation to the restart back-off (restart.cpp).
#include <algorithm>

#include "ike/v2/child_sa.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

bool has_trap(const Core& core, const policy::Child& child) {
    return std::any_of(core.traps.begin(), core.traps.end(), [&](const Trap& t) { return t.child == &child; });
}

namespace {

// True if a live CHILD SA of `conn` has a policy with this id.
bool used_by_child(const Core& core, const policy::Connection& conn, const xfrm::PolicyId& id) {
    for (const IkeSa* sa : core.sas_of(conn)) {
        for (const auto& c : sa->children) {
            if (c.state == ChildState::deleted) continue;
            const auto policies = policies_of(*sa, c);
            if (std::any_of(policies.begin(), policies.end(), [&](const xfrm::Policy& p) { return p.id() == id; }))
                return true;
        }
    }
    return false;
}

// "10.1.0.5/32 -> 10.2.0.9/32": the packet's flow as the kernel reports it.
std::string flow(const xfrm::Acquire& a) { return a.selector.src.str() + " -> " + a.selector.dst.str(); }

}  // namespace

void install_traps(Core& core, const policy::Connection& conn) {
    for (const auto& child : conn.children) {
        if (child.start == policy::Start::none || has_trap(core, child)) continue;
        if (!conn.remote.address) {
            core.log(LogLevel::error, conn.name, "cannot trap CHILD SA " + child.name + ": remote address is not an address");
            continue;
        }
        // Without subnets the local selector is the address the IKE SA will use (dynamic); the
        // template's source stays "any" without local.address.
        auto local_ts = child.local_subnets;
        if (local_ts.empty()) {
            const auto source = local_address(core, conn);
            if (!source) {
                core.log(LogLevel::error, conn.name, "cannot trap CHILD SA " + child.name + ": " + source.error().message);
                continue;
            }
            local_ts = or_dynamic({}, *source);
        }
        const net::Address local = conn.local.address.value_or(net::Address::any(conn.remote.address->family));
        Trap trap{&conn, &child, core.next_reqid++, {}};
        trap.policies = policies_for({local_ts, or_dynamic(child.remote_subnets, *conn.remote.address), local, *conn.remote.address,
                                      child.protocol == ProtocolId::ah ? xfrm::Proto::ah : xfrm::Proto::esp,
                                      child.mode == policy::Mode::transport ? xfrm::Mode::transport : xfrm::Mode::tunnel,
                                      trap.reqid});
        for (const auto& p : trap.policies) core.emit(AddPolicy{p, {conn.name, 0}});
        core.log(LogLevel::info, conn.name, "CHILD SA " + child.name + " trapped (" +
                                                std::to_string(trap.policies.size()) + " policies)");
        core.traps.push_back(std::move(trap));
    }
}

namespace {
void untrap(Core& core, const Trap& t) {
    // A policy a live CHILD SA shares is left to that CHILD SA, which removes it with its SAs.
    for (const auto& p : t.policies)
        if (!used_by_child(core, *t.conn, p.id())) core.emit(DeletePolicy{p.id(), {t.conn->name, 0}});
    core.log(LogLevel::info, t.conn->name, "CHILD SA " + t.child->name + " untrapped");
}
}  // namespace

void remove_traps(Core& core, const policy::Connection& conn) {
    for (const auto& t : core.traps)
        if (t.conn == &conn) untrap(core, t);
    std::erase_if(core.traps, [&](const Trap& t) { return t.conn == &conn; });
}

void remove_trap(Core& core, const policy::Child& child) {
    for (const auto& t : core.traps)
        if (t.child == &child) untrap(core, t);
    std::erase_if(core.traps, [&](const Trap& t) { return t.child == &child; });
}

bool trapped(const Core& core, const xfrm::PolicyId& id) {
    return std::any_of(core.traps.begin(), core.traps.end(), [&](const Trap& t) {
        return std::any_of(t.policies.begin(), t.policies.end(), [&](const xfrm::Policy& p) { return p.id() == id; });
    });
}

void on_acquire(Core& core, const xfrm::Acquire& acquire) {
    auto it = std::find_if(core.traps.begin(), core.traps.end(),
                           [&](const Trap& t) { return t.reqid == acquire.reqid; });
    if (it == core.traps.end()) {
        core.log(LogLevel::debug, "", "kernel acquire for " + flow(acquire) + " matches no trap");
        return;
    }
    const policy::Connection& conn = *it->conn;
    // 1.3.1: a trapped child of an up connection comes over its IKE SA.
    if (IkeSa* sa = established_sa(core, conn)) {
        core.log(LogLevel::info, conn.name, "kernel acquire for " + flow(acquire) + ": creating CHILD SA " + it->child->name);
        add_children(core, *sa, {it->child});
        return;
    }
    // One negotiation per trap: acquires for packets queued meanwhile change nothing.
    if (core.connection_state(conn) != ConnectionState::down) {
        core.log(LogLevel::debug, conn.name, "kernel acquire while the connection is on its way: ignored");
        return;
    }
    if (restart_pending(core, conn)) {
        core.log(LogLevel::debug, conn.name, "kernel acquire while a restart is scheduled: ignored");
        return;
    }
    core.log(LogLevel::info, conn.name, "kernel acquire for " + flow(acquire) + ": initiating");
    core.failures.erase(conn.name);
    initiate(core, conn, it->child);
}

}  // namespace ike::v2
