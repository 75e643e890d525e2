// Starting connections and reload as a diff (DESIGN "Config is parsed into an immutable
// model and applied as a diff"): unchanged connections keep their SAs, policies and
// traffic; removed ones are taken down; changed ones are taken down and started again with
// the new settings; added ones are started as their `start:` says. New secrets apply to
// the next authentication (the exchanges read core.config.secrets then).
#include "ike/v2/child_sa.hpp"
#include "ike/v2/engine.hpp"
#include "ike/v2/exchanges.hpp"

namespace ike::v2 {

namespace {

// Points every record that refers to `from` or its children at `to`, an equal connection
// at another address (the engine keeps pointers into the configuration).
void repoint(Core& core, const policy::Connection& from, const policy::Connection& to) {
    auto child = [&](const policy::Child* c) -> const policy::Child* {
        return c ? &to.children[static_cast<std::size_t>(c - from.children.data())] : nullptr;
    };
    auto repoint_sa = [&](auto& self, IkeSa& sa) -> void {
        if (sa.conn != &from) return;
        sa.conn = &to;
        sa.first_child = child(sa.first_child);
        for (auto& c : sa.children) c.config = child(c.config);
        if (sa.child_request) sa.child_request->config = child(sa.child_request->config);
        if (sa.rekey) self(self, *sa.rekey);
    };
    for (auto& [spi, sa] : core.sas) repoint_sa(repoint_sa, *sa);
    if (auto node = core.census.extract(&from)) {
        node.key() = &to;
        core.census.insert(std::move(node));
    }
    for (auto& t : core.traps)
        if (t.conn == &from) {
            t.conn = &to;
            t.child = child(t.child);
        }
}

}  // namespace

void take_down(Core& core, IkeSa& sa) {
    for (auto& c : sa.children) enter_state(core, sa, c, ChildState::deleted);
    prune_children(sa);
    switch (sa.state) {
        case IkeState::established: send_delete_ike(core, sa); return;
        case IkeState::init_sent:
        case IkeState::auth_sent:
        case IkeState::half_open: enter_state(core, sa, IkeState::closed); return;
        case IkeState::rekeyed:    // its Delete is on its way
        case IkeState::deleting:
        case IkeState::closed: core.publish(sa); return;
    }
}

void take_down(Core& core, const policy::Connection& conn) {
    remove_traps(core, conn);
    for (auto& [spi, sa] : core.sas)
        if (sa->conn == &conn && sa->state != IkeState::closed) take_down(core, *sa);
}

void start_connection(Core& core, const policy::Connection& conn) {
    if (conn.version != 2 || conn.manual) return;
    install_traps(core, conn);
    const auto up = std::find_if(conn.children.begin(), conn.children.end(),
                                 [](const policy::Child& c) { return c.start == policy::Start::up; });
    if (up != conn.children.end() && core.connection_state(conn) == ConnectionState::down) {
        core.failures.erase(conn.name);
        initiate(core, conn, &*up);
    }
}

Effects Engine::start(Time now) {
    Core& core = *core_;
    return core.step(now, [&] {
        for (const auto& conn : core.config.connections) start_connection(core, conn);
    });
}

Effects Engine::reconfigure(Time now, policy::Config next) {
    Core& core = *core_;
    return core.step(now, [&] {
        const policy::Diff diff = policy::diff(core.config, next);
        core.log(LogLevel::info, "", "reconfigure: " + std::to_string(diff.added.size()) + " added, " +
                                         std::to_string(diff.removed.size()) + " removed, " +
                                         std::to_string(diff.changed.size()) + " changed, " +
                                         std::to_string(diff.unchanged.size()) + " unchanged");
        // Moving the vector keeps the old connections where the SAs point until repointed.
        const policy::Config before = std::exchange(core.config, std::move(next));
        for (const auto& conn : before.connections) {
            const policy::Connection* same = core.config.find(conn.name);
            if (same && *same == conn) {
                repoint(core, conn, *same);
                continue;
            }
            const policy::Connection& old = core.retired.emplace_back(conn);
            repoint(core, conn, old);
            take_down(core, old);
            if (!same) core.failures.erase(conn.name);
        }
        for (const auto* names : {&diff.added, &diff.changed})
            for (const auto& name : *names) start_connection(core, *core.config.find(name));
    });
}

}  // namespace ike::v2
