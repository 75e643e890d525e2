// Bringing a child back (strongSwan's close_action=start / dpd_action=restart): a `start:
// up` child until it is first up, and a close_action: restart child the peer closed (its
// Delete, the IKE SA's, DPD, a failed rekey), are attempted again with back-off until they
// are installed. The trap policies (trap.cpp) keep their traffic blocked all the while
// (DESIGN "Fail closed"); only an operator's down or a removal ends the attempts, and a
// password the gateway refused: it is not offered again by itself (directories lock an
// account after a few wrong ones; RFC 7296 2.21.2 leaves retrying to the initiator).
#include <algorithm>

#include "ike/v2/exchanges.hpp"

namespace ike::v2 {

namespace {

constexpr Duration kFirstDelay = std::chrono::seconds(1);
constexpr Duration kMaxDelay = std::chrono::seconds(60);

// `delay` and up to a fifth more, at random: peers restarting together do not stay in step.
Time after(Core& core, Duration delay) {
    std::uint32_t r = 0;
    core.rng.fill({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
    return core.now + delay + Duration{static_cast<Duration::rep>(r % (delay.count() / 5 + 1))};
}

std::string seconds(Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

bool same(const Restart& r, const policy::Connection& conn, const policy::Child& child) {
    return r.connection == conn.name && r.child == child.name;
}

// A CHILD SA of `child` carries its traffic (or is about to: a rekey's new one), other than `except`.
bool carried(const Core& core, const policy::Connection& conn, const policy::Child& child,
             const ChildSa* except = nullptr) {
    const auto mine = core.sas_of(conn);
    return std::any_of(mine.begin(), mine.end(), [&](const IkeSa* sa) {
        return std::any_of(sa->children.begin(), sa->children.end(), [&](const ChildSa& c) {
                   return &c != except && c.config == &child &&
                          (c.state == ChildState::installed || c.state == ChildState::rekeyed);
               });
    });
}

// The established IKE SA of `conn` a new CHILD SA can be created on, if any.
IkeSa* established(Core& core, const policy::Connection& conn) {
    for (IkeSa* sa : core.sas_of(conn))
        if (sa->state == IkeState::established) return sa;
    return nullptr;
}

// One attempt at bringing `child` up, or none while an exchange that could do it is out.
// False if the attempt has to wait.
bool attempt(Core& core, const policy::Connection& conn, const policy::Child& child) {
    switch (core.connection_state(conn)) {
        case ConnectionState::down:
            core.failures.erase(conn.name);
            initiate(core, conn, &child);
            return true;
        case ConnectionState::up:
        case ConnectionState::partial:
            if (IkeSa* sa = established(core, conn); sa && !sa->pending.active()) {
                send_create_child(core, *sa, child, nullptr);
                return true;
            }
            return false;
        case ConnectionState::connecting:
        case ConnectionState::closing: return false;
    }
    return false;
}

// Runs the attempt of one due restart; false once it is over (configuration gone, child up).
bool run(Core& core, Restart& r) {
    const policy::Connection* conn = core.find(r.connection);
    const policy::Child* child = conn ? conn->find_child(r.child) : nullptr;
    if (!child || carried(core, *conn, *child)) return false;
    if (password_refused(core, *conn)) {
        core.log(LogLevel::warning, conn->name,
                 "CHILD SA " + child->name + " not up (authentication failed): the password is not tried again "
                 "until a reload or an operator's up");
        return false;
    }
    // Why the last attempt failed, before the next one forgets it.
    const auto failure = core.failures.find(conn->name);
    const std::string why = failure != core.failures.end() && failure->second.kind != FailureKind::none
                                ? " (" + describe(failure->second) + ")" : "";
    if (!attempt(core, *conn, *child)) {
        r.at = after(core, std::min(r.delay, kFirstDelay));  // see again once the exchange is through
        return true;
    }
    ++r.attempts;
    core.log(LogLevel::info, conn->name,
             "CHILD SA " + child->name + " not up" + why + ": attempt " + std::to_string(r.attempts) + ", the next in " +
                 seconds(r.delay) + " unless it is up");
    r.at = after(core, r.delay);
    r.delay = std::min(r.delay * 2, kMaxDelay);
    return true;
}

}  // namespace

bool password_refused(const Core& core, const policy::Connection& conn) {
    const auto failure = core.failures.find(conn.name);
    return conn.local.auth == policy::Auth::eap_mschapv2 && failure != core.failures.end() &&
           failure->second.kind == FailureKind::authentication_failed;
}

void want_up(Core& core, const policy::Connection& conn, const policy::Child& child) {
    if (std::any_of(core.restarts.begin(), core.restarts.end(), [&](const Restart& r) { return same(r, conn, child); }))
        return;
    core.restarts.push_back({conn.name, child.name, after(core, kFirstDelay), kFirstDelay, 0});
}

void forget_restarts(Core& core, const policy::Connection& conn) {
    std::erase_if(core.restarts, [&](const Restart& r) { return r.connection == conn.name; });
}

bool restart_pending(const Core& core, const policy::Connection& conn) {
    return std::any_of(core.restarts.begin(), core.restarts.end(),
                       [&](const Restart& r) { return r.connection == conn.name; });
}

void child_installed(Core& core, const IkeSa& sa, const ChildSa& child) {
    release_guard(core, *child.config);
    auto it = std::find_if(core.restarts.begin(), core.restarts.end(),
                           [&](const Restart& r) { return same(r, *sa.conn, *child.config); });
    if (it == core.restarts.end()) return;
    if (it->attempts > 0)
        core.log(LogLevel::info, &sa, "CHILD SA " + child.config->name + " up again after " +
                                          std::to_string(it->attempts) + " attempt(s)");
    core.restarts.erase(it);
}

void child_lost(Core& core, const IkeSa& sa, const ChildSa& child) {
    const policy::Child& config = *child.config;
    if (!has_trap(core, config) || carried(core, *sa.conn, config, &child)) return;
    switch (config.on_close()) {
        case policy::CloseAction::restart:
            core.log(LogLevel::info, &sa, "CHILD SA " + config.name + " closed, its traffic blocked: restarting");
            want_up(core, *sa.conn, config);
            return;
        case policy::CloseAction::trap:
            core.log(LogLevel::info, &sa, "CHILD SA " + config.name + " closed, its traffic blocked: trapped");
            return;
        case policy::CloseAction::clear: remove_trap(core, config); return;
    }
}

void run_restarts(Core& core) {
    // By index: an attempt adds no restart, but a failed one could end in child_lost.
    for (std::size_t i = 0; i < core.restarts.size(); ++i) {
        if (core.now < core.restarts[i].at) continue;
        Restart r = core.restarts[i];
        if (!run(core, r)) r.at = Time::max();  // done: dropped below
        core.restarts[i] = std::move(r);
    }
    std::erase_if(core.restarts, [](const Restart& r) { return r.at == Time::max(); });
}

std::optional<Time> next_restart(const Core& core) {
    std::optional<Time> next;
    for (const auto& r : core.restarts)
        if (!next || r.at < *next) next = r.at;
    return next;
}

}  // namespace ike::v2
