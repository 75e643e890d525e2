// start: trap (RFC 4301 4.4.1 "on demand" SAs; FreeS/WAN's %trap). The child's policies go
// into the kernel with a template but no SA, so the first matching packet makes the kernel
// raise an acquire, and that initiates the connection. The policies stay while the SA is
// negotiated, rekeyed or gone after a peer's Delete or DPD: traffic they cover is dropped,
// never sent in clear (DESIGN "Fail closed"). Only `down`, removal or close_action: clear
// takes them out. A `start: up` child gets the same policies, so that it too fails closed
// from the start; its acquires leave re-initiation to the restart back-off (restart.cpp).
// A guard (Trap::until_up) is such a trap for a `start: none` child a reload brings back
// up for the operator (reconfigure.cpp), until its CHILD SA is installed.
#include <algorithm>

#include "ike/v2/child_sa.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

bool has_trap(const Core& core, const policy::Child& child) {
    return std::any_of(core.traps.begin(), core.traps.end(), [&](const Trap& t) { return t.child == &child; });
}

bool used_by_child(const Core& core, const policy::Connection& conn, const xfrm::PolicyId& id) {
    auto of = core.held_policies.find(&conn);
    return of != core.held_policies.end() && of->second.contains(id);
}

namespace {

// "10.1.0.5/32 -> 10.2.0.9/32": the packet's flow as the kernel reports it.
std::string flow(const xfrm::Acquire& a) { return a.selector.src.str() + " -> " + a.selector.dst.str(); }

}  // namespace

namespace {

// The policies of `child`'s trap, to the peer's address when it is known. Without it (a host
// name not resolved yet): block policies for configured remote subnets, whose traffic is
// dropped rather than sent in clear, and none for a dynamic remote selector (the peer's own
// address, unknown: nothing is configured to protect yet).
base::Result<std::vector<xfrm::Policy>> trap_policies(const Core& core, const policy::Connection& conn,
                                                      const policy::Child& child, std::uint32_t reqid) {
    const auto remote = peer_address(core, conn);
    const auto proto = kernel_proto(child);
    const auto mode = kernel_mode(child.mode);
    auto local_ts = child.local_subnets;
    if (!remote) {
        if (local_ts.empty())
            local_ts = conn.local.address ? or_dynamic({}, *conn.local.address)
                                          : std::vector<net::Prefix>{{net::Address::any(net::Family::v4), 0},
                                                                     {net::Address::any(net::Family::v6), 0}};
        const net::Address any = net::Address::any(net::Family::v4);
        auto blocks = policies_for({local_ts, child.remote_subnets, any, any, proto, mode, reqid});
        for (auto& p : blocks) {
            p.templates.clear();
            p.action = xfrm::Action::block;
        }
        return blocks;
    }
    // Without subnets the local selector is the address the IKE SA will use (dynamic); the
    // template's source stays "any" without local.address.
    if (local_ts.empty()) {
        const auto source = local_address(core, conn, *remote);
        if (!source) return base::fail(source.error().message);
        local_ts = or_dynamic({}, *source);
    }
    const net::Address local = conn.local.address.value_or(net::Address::any(remote->family));
    return policies_for({local_ts, or_dynamic(child.remote_subnets, *remote), local, *remote, proto, mode, reqid});
}

// What a trap's policies do, for its log line.
std::string trapped_as(const policy::Connection& conn, const Trap& t) {
    const std::string n = " (" + std::to_string(t.policies.size()) + " policies)";
    if (t.policies.empty()) return "not trapped until " + conn.remote.host + " resolves (its selectors are the peer's address)";
    if (t.policies.front().templates.empty()) return "blocked until " + conn.remote.host + " resolves" + n;
    return "trapped" + n;
}

bool same_id(const xfrm::Policy& a, const xfrm::Policy& b) { return a.id() == b.id(); }

}  // namespace

namespace {
// A trap for `child`, or a guard (`until_up`), unless it has one. Its reqid is the one a
// reload hands over from the child's old settings, if any.
void install_trap(Core& core, const policy::Connection& conn, const policy::Child& child, bool until_up) {
    if (has_trap(core, child)) return;
    if (conn.remote.is_any()) {
        core.log(LogLevel::error, conn.name, "cannot trap CHILD SA " + child.name + ": the remote address is %any");
        return;
    }
    const auto handed = core.handed_reqids.find({conn.name, child.name});
    const bool fresh = handed == core.handed_reqids.end();
    const std::uint32_t reqid = fresh ? core.next_reqid : handed->second;
    auto policies = trap_policies(core, conn, child, reqid);
    if (!policies) {
        core.log(LogLevel::error, conn.name, "cannot trap CHILD SA " + child.name + ": " + policies.error().message);
        return;
    }
    if (fresh) core.advance_reqid();
    else core.handed_reqids.erase(handed);
    Trap trap{&conn, &child, reqid, std::move(*policies), until_up};
    for (const auto& p : trap.policies) core.emit(AddPolicy{p, {conn.name, 0}});
    core.log(LogLevel::info, conn.name,
             "CHILD SA " + child.name + " " + (until_up ? "held until it is up again: " : "") + trapped_as(conn, trap));
    core.traps.push_back(std::move(trap));
}
}  // namespace

void install_traps(Core& core, const policy::Connection& conn) {
    for (const auto& child : conn.children)
        if (child.start != policy::Start::none) install_trap(core, conn, child, false);
}

void guard_until_up(Core& core, const policy::Connection& conn, const policy::Child& child) {
    install_trap(core, conn, child, true);
}

void refresh_traps(Core& core, const policy::Connection& conn) {
    for (auto& t : core.traps) {
        if (t.conn != &conn) continue;
        auto next = trap_policies(core, conn, *t.child, t.reqid);
        if (!next) {  // the old policies stay: still closed
            core.log(LogLevel::error, conn.name, "cannot trap CHILD SA " + t.child->name + ": " + next.error().message);
            continue;
        }
        if (*next == t.policies) continue;
        // New ones first and in place: no moment in clear.
        for (const auto& p : *next) {
            const auto old = std::find_if(t.policies.begin(), t.policies.end(), [&](const auto& o) { return same_id(o, p); });
            if (old == t.policies.end()) core.emit(AddPolicy{p, {conn.name, 0}});
            else if (*old != p) core.emit(UpdatePolicy{p, {conn.name, 0}});
        }
        for (const auto& o : t.policies)
            if (std::none_of(next->begin(), next->end(), [&](const auto& p) { return same_id(o, p); }) &&
                !used_by_child(core, conn, o.id()))
                core.emit(DeletePolicy{o.id(), {conn.name, 0}});
        t.policies = std::move(*next);
        core.log(LogLevel::info, conn.name, "CHILD SA " + t.child->name + " " + trapped_as(conn, t));
    }
}

std::optional<net::Address> trapped_peer(const Core& core, const policy::Connection& conn) {
    for (const auto& t : core.traps)
        if (t.conn == &conn)
            for (const auto& p : t.policies)
                if (!p.templates.empty() && p.dir == xfrm::Dir::out) return p.templates.front().dst;
    return std::nullopt;
}

namespace {
// A policy a live CHILD SA shares is left to that CHILD SA, which removes it with its SAs.
void drop_policies(Core& core, const Trap& t) {
    for (const auto& p : t.policies)
        if (!used_by_child(core, *t.conn, p.id())) core.emit(DeletePolicy{p.id(), {t.conn->name, 0}});
}

void untrap(Core& core, const Trap& t) {
    drop_policies(core, t);
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

void release_guard(Core& core, const policy::Child& child) {
    const auto guard = std::find_if(core.traps.begin(), core.traps.end(),
                                    [&](const Trap& t) { return t.child == &child && t.until_up; });
    if (guard == core.traps.end()) return;
    drop_policies(core, *guard);
    core.traps.erase(guard);
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
    if (password_refused(core, conn)) {
        core.log(LogLevel::debug, conn.name, "kernel acquire after a failed authentication with our password: ignored");
        return;
    }
    core.log(LogLevel::info, conn.name, "kernel acquire for " + flow(acquire) + ": initiating");
    core.failures.erase(conn.name);
    initiate(core, conn, it->child);
}

}  // namespace ike::v2
