// Starting connections and reload as a diff (DESIGN "Config is parsed into an immutable
// model and applied as a diff"): unchanged connections keep their SAs, policies and
// traffic; removed ones are taken down; changed ones are taken down and started again with
// the new settings, and brought up again if an operator's Up had them up or connecting
// (whatever their `start:`); added ones are started as their `start:` says, but one that
// moves here from the IKEv1 engine (its `version` changed) is brought up again if the
// operator's Up had it up there. A changed connection's children keep their reqids. New
// secrets apply to the next authentication (the exchanges read core.config.secrets then).
#include "ike/engine/policy_handover.hpp"
#include "ike/v2/child_sa.hpp"
#include "ike/v2/config_payload.hpp"
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
        for (auto& c : sa.more_children) c = child(c);
        for (auto& c : sa.children) c.config = child(c.config);
        if (auto* c = std::get_if<sent::CreateChild>(&sa.request)) c->child->config = child(c->child->config);
        for (auto& w : sa.waiting)
            if (auto* c = std::get_if<wanted::CreateChild>(&w)) c->config = child(c->config);
        if (IkeSa* fresh = sa.rekeying()) self(self, *fresh);
    };
    // Only the connection's own IKE SAs: a reload costs nothing per SA of the others.
    if (auto of = core.by_connection.find(&from); of != core.by_connection.end())
        for (std::uint64_t spi : of->second) repoint_sa(repoint_sa, *core.sas.at(spi));
    auto rekey = [&](auto& index) {
        if (auto node = index.extract(&from)) {
            node.key() = &to;
            index.insert(std::move(node));
        }
    };
    rekey(core.census);
    rekey(core.by_connection);
    rekey(core.held_policies);
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
        case IkeState::resolving:
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
    forget_restarts(core, conn);
    for (IkeSa* sa : core.sas_of(conn))
        if (sa->state != IkeState::closed) take_down(core, *sa);
}

namespace {
// The `start: up` children: initiated now if the connection is down, wanted up until they are.
void bring_up(Core& core, const policy::Connection& conn) {
    std::vector<const policy::Child*> up;
    for (const auto& c : conn.children)
        if (c.start == policy::Start::up) up.push_back(&c);
    if (!up.empty() && core.connection_state(conn) == ConnectionState::down) {
        core.failures.erase(conn.name);
        initiate_children(core, conn, up);
    }
    for (const auto& child : conn.children)
        if (child.start == policy::Start::up) want_up(core, conn, child);
}
}  // namespace

void start_connection(Core& core, const policy::Connection& conn) {
    if (conn.version != 2 || conn.manual) return;
    resolve(core, conn);  // a host name: for the traps and to admit the peer as a responder
    install_traps(core, conn);
    bring_up(core, conn);
}

void initiate_up(Core& core, const policy::Connection& conn) {
    install_traps(core, conn);
    core.failures.erase(conn.name);
    initiate_children(core, conn, children_for_up(conn));
    for (const auto& child : conn.children)
        if (child.start == policy::Start::up) want_up(core, conn, child);
}

namespace {
// True if the operator's Up has `conn` up or on its way: a reload that changes it does too.
bool up_for_operator(const Core& core, const policy::Connection& conn) {
    if (!core.operator_up.contains(conn.name)) return false;
    const ConnectionState s = core.published_state(conn);
    return s == ConnectionState::up || s == ConnectionState::partial || s == ConnectionState::connecting;
}

// The reqids of `old`'s children (their traps', else their installed CHILD SAs') for the
// traps of its new settings (Core::handed_reqids).
void hand_over_reqids(Core& core, const policy::Connection& old) {
    for (const auto& t : core.traps)
        if (t.conn == &old) core.handed_reqids.try_emplace({old.name, t.child->name}, t.reqid);
    for (const IkeSa* sa : core.sas_of(old))
        for (const auto& c : sa->children)
            if (c.state == ChildState::installed) core.handed_reqids.try_emplace({old.name, c.config->name}, c.reqid);
}

// A changed connection the operator had up, again with its new settings. The children its
// Up brings up are held (DESIGN "Fail closed"): a `start: none` one's guard takes over the
// old CHILD SA's policies in place (hand_over_policies) until its new CHILD SA is in.
void up_again(Core& core, const policy::Connection& conn) {
    resolve(core, conn);
    install_traps(core, conn);
    for (const policy::Child* child : children_for_up(conn)) guard_until_up(core, conn, *child);
    initiate_up(core, conn);
    core.operator_up.insert(conn.name);
    core.log(LogLevel::info, conn.name, "changed by the reload while up for the operator: brought up again");
}
}  // namespace

std::vector<const policy::Child*> children_for_up(const policy::Connection& conn) {
    std::vector<const policy::Child*> out;
    for (const auto& c : conn.children)
        if (c.start == policy::Start::up || c.start == policy::Start::trap) out.push_back(&c);
    if (out.empty() && !conn.children.empty()) out.push_back(&conn.children.front());
    return out;
}

void initiate_children(Core& core, const policy::Connection& conn, const std::vector<const policy::Child*>& children) {
    IkeSa* sa = initiate(core, conn, children.empty() ? nullptr : children.front());
    if (!sa) core.failures[conn.name] = {FailureKind::cannot_initiate};
    if (sa && !children.empty()) sa->more_children.assign(children.begin() + 1, children.end());
}

namespace {
// True if `sa` has a CHILD SA for `child` or is creating one.
bool has_child(const IkeSa& sa, const policy::Child& child) {
    const auto creating = [&](const wanted::CreateChild& w) { return w.config == &child && !w.rekeyed_spi_in; };
    if (const ChildRequest* r = sa.child_request(); r && r->config == &child && !r->rekeyed_spi_in) return true;
    for (const auto& w : sa.waiting)
        if (const auto* c = std::get_if<wanted::CreateChild>(&w); c && creating(*c)) return true;
    return std::any_of(sa.children.begin(), sa.children.end(),
                       [&](const ChildSa& c) { return c.config == &child && c.state == ChildState::installed; });
}
}  // namespace

void add_children(Core& core, IkeSa& sa, const std::vector<const policy::Child*>& children) {
    for (const policy::Child* c : children)
        if (!has_child(sa, *c)) send_create_child(core, sa, *c, nullptr);
}

IkeSa* established_sa(Core& core, const policy::Connection& conn) {
    for (IkeSa* sa : core.sas_of(conn))
        if (sa->state == IkeState::established) return sa;
    return nullptr;
}

Effects Engine::start(Time now) {
    Core& core = *core_;
    return core.step(now, [&] {
        for (const auto& conn : core.config.connections) start_connection(core, conn);
    });
}

Effects Engine::reconfigure(Time now, policy::Config next) { return reconfigure(now, std::move(next), {}); }

bool Engine::operator_has_up(const std::string& connection) const {
    const policy::Connection* conn = core_->find(connection);
    return conn && up_for_operator(*core_, *conn);
}

Effects Engine::reconfigure(Time now, policy::Config next, const std::set<std::string>& brought_up) {
    Core& core = *core_;
    // A changed connection's policies for traffic it still covers are updated in place.
    return engine::hand_over_policies(core.step(now, [&] {
        const policy::Diff diff = policy::diff(core.config, next);
        core.log(LogLevel::info, "", "reconfigure: " + std::to_string(diff.added.size()) + " added, " +
                                         std::to_string(diff.removed.size()) + " removed, " +
                                         std::to_string(diff.changed.size()) + " changed, " +
                                         std::to_string(diff.unchanged.size()) + " unchanged");
        const policy::Config before = core.replace_config(std::move(next));
        core.lease_book().reconfigure(core.config.pools);
        std::set<std::string> again = brought_up;  // connections an operator's Up had up
        for (const auto& conn : before.connections) {
            const policy::Connection* same = core.find(conn.name);
            if (same && *same == conn) {
                repoint(core, conn, *same);
                resolve(core, *same);  // each reload refreshes the addresses of a host name
                if (password_refused(core, *same)) {  // the password may be new: its traffic or start: up try it
                    core.failures.erase(same->name);
                    bring_up(core, *same);
                }
                continue;
            }
            const policy::Connection& old = core.retired.emplace_back(conn);
            repoint(core, conn, old);
            if (same) hand_over_reqids(core, old);
            if (same && up_for_operator(core, old)) again.insert(conn.name);
            else core.operator_up.erase(conn.name);
            take_down(core, old);
            if (!same) core.failures.erase(conn.name);
        }
        for (const auto* names : {&diff.added, &diff.changed})
            for (const auto& name : *names) {
                const policy::Connection& conn = *core.find(name);
                if (again.contains(name)) up_again(core, conn);
                else start_connection(core, conn);
            }
        core.handed_reqids.clear();
    }));
}

}  // namespace ike::v2
