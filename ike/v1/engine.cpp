#include "ike/v1/engine.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "ike/engine/kernel_sa.hpp"
#include "ike/engine/policy_handover.hpp"
#include "ike/v1/core.hpp"
#include "ike/v1/nat_traversal.hpp"
#include "ike/wire/v1/codec.hpp"

namespace ike::v1 {

using engine::LogLevel;

// ---- Core helpers ----

void Core::log(LogLevel level, const std::string& connection, std::string message, std::uint64_t cookie) {
    std::string spi;
    if (cookie) {
        char buf[19];
        std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(cookie));
        spi = buf;
    }
    out.push_back(engine::Log{level, connection, std::move(message), std::move(spi)});
}

void Core::send(IsakmpSa& sa, base::Bytes bytes) {
    sa.last_out = bytes;
    transmit(sa, std::move(bytes));
}

void Core::transmit(const IsakmpSa& sa, base::Bytes bytes) {
    out.push_back(engine::SendDatagram{sa.local, sa.remote, std::move(bytes)});
}

std::uint32_t Core::new_spi() {
    for (;;) {
        std::uint32_t spi = 0;
        for (auto byte : random_bytes(4)) spi = spi << 8 | byte;
        if (spi >= 0x100) return spi;  // RFC 4303 2.1: 1-255 are reserved
    }
}

engine::IkeSaStatus Core::sa_status(const IsakmpSa& sa) const {
    const bool up = sa.state == MmState::established;
    engine::IkeSaStatus s{.version = 1,
                      .state = up ? "established" : "connecting",
                      .local_spi = sa.own_cookie(),
                      .remote_spi = sa.role == Role::initiator ? sa.cky_r : sa.cky_i,
                      .local = sa.local,
                      .remote = sa.remote};
    if (sa.state != MmState::sent_mm1) s.proposal = to_string(sa.suite);
    if (const auto* c = config.find(sa.connection)) s.host_config = c->host_config;
    if (up) s.established = sa.established_at, s.rekey_at = sa.successor ? sa.retire_at : sa.renew_at;
    for (const auto& ipsec : sa.ipsec_sas)
        s.children.push_back({.name = ipsec.child,
                              .mode = engine::kernel_mode(ipsec.suite.mode),
                              .protocol = ipsec.suite.kernel_proto(),
                              .spi_in = ipsec.spi_in,
                              .spi_out = ipsec.spi_out,
                              .proposal = policy::to_string(ipsec.suite.proposal),
                              .local_ts = {ipsec.local_ts},
                              .remote_ts = {ipsec.remote_ts},
                              .established = ipsec.installed_at,
                              .rekey_at = ipsec.installed_at + ipsec.rekey_after});
    return s;
}

namespace {

// An initiator is up once every child has its IPsec SAs; a responder once phase 1 is done
// (its peer decides which children to ask for).
bool children_up(const policy::Connection& c, const IsakmpSa& sa) {
    if (sa.role == Role::responder) return true;
    return std::all_of(c.children.begin(), c.children.end(), [&sa](const policy::Child& child) {
        return std::any_of(sa.ipsec_sas.begin(), sa.ipsec_sas.end(),
                           [&child](const IpsecSa& i) { return i.child == child.name; });
    });
}

}  // namespace

engine::ConnectionState Core::connection_state(const std::string& connection) const {
    const auto* c = config.find(connection);
    const auto failure = failures.find(connection);
    const bool child_failed = failure != failures.end() && !failure->second.child.empty();
    auto state = engine::ConnectionState::down;
    for (const auto& [cookie, sa] : sas) {
        if (sa.connection != connection) continue;
        if (sa.state == MmState::established && c && children_up(*c, sa)) return engine::ConnectionState::up;
        if (sa.state == MmState::established && child_failed) return engine::ConnectionState::partial;
        state = engine::ConnectionState::connecting;
    }
    // No SA, but ipsecd brings it back by itself: not down (DESIGN, status).
    return state == engine::ConnectionState::down && attempts_pending(*this, connection) ? engine::ConnectionState::connecting
                                                                                     : state;
}

void Core::publish(const IsakmpSa& sa, bool closed) {
    auto status = sa_status(sa);
    if (closed) status.state = "closed";
    out.push_back(engine::StatePublished{sa.connection, connection_state(sa.connection), std::move(status)});
}

void Core::remove(IsakmpSa& sa) {
    drop_quick_modes(*this, sa);
    IsakmpSa gone = std::move(sa);
    sas.erase(gone.own_cookie());
    auto* next = gone.ipsec_sas.empty() ? nullptr : heir(gone);
    if (next) {
        log(LogLevel::info, *next, std::to_string(gone.ipsec_sas.size()) + " IPsec SA(s) taken over from an ended ISAKMP SA");
        adopt_ipsec(*next, gone);
        publish(*next);  // first: the routes of its children stay held
    }
    publish(gone, true);
}

void Core::advance_reqid() {
    next_reqid = engine::next_free_reqid(
        next_reqid, [](std::uint32_t r) { return r + 1 < kReqidEndV1 ? r + 1 : kReqidBaseV1; }, reqids_wrapped,
        reqids_in_use, [this] {
            std::set<std::uint32_t> used;
            for (const auto& [cookie, sa] : sas) {
                for (const auto& ipsec : sa.ipsec_sas) used.insert(ipsec.reqid);
                for (const auto& [id, qm] : sa.quick_modes) used.insert(qm.reqid);
            }
            for (const auto& [id, held] : policies) used.insert(held.reqid);
            for (const auto& [reqid, trap] : traps) used.insert(reqid);
            for (const auto& [child, reqid] : handed_reqids) used.insert(reqid);
            return used;
        });
}

void Core::hold_policy(xfrm::Policy p, const engine::KernelOwner& who) {
    auto [it, added] = policies.try_emplace(p.id(), HeldPolicy{who.connection, 0});
    if (!added && it->second.reqid == p.templates.front().reqid) return;
    it->second.reqid = p.templates.front().reqid;
    if (added) out.push_back(engine::AddPolicy{std::move(p), who});
    else out.push_back(engine::UpdatePolicy{std::move(p), who});
}

void Core::release_policy(const xfrm::PolicyId& id, const engine::KernelOwner& who) {
    if (policies.erase(id)) out.push_back(engine::DeletePolicy{id, who});
}

IsakmpSa* Core::heir(const IsakmpSa& sa) {
    if (auto it = sas.find(sa.successor); sa.successor && it != sas.end()) return &it->second;
    IsakmpSa* best = nullptr;
    for (auto& [cookie, other] : sas) {
        if (&other == &sa || other.connection != sa.connection || other.remote.address != sa.remote.address) continue;
        if (!best || (other.state == MmState::established && best->state != MmState::established)) best = &other;
    }
    return best;
}

void adopt_ipsec(IsakmpSa& to, IsakmpSa& from) {
    for (auto& i : from.ipsec_sas) to.ipsec_sas.push_back(std::move(i));
    from.ipsec_sas.clear();
    // Newest first, as status lists them.
    std::stable_sort(to.ipsec_sas.begin(), to.ipsec_sas.end(),
                     [](const IpsecSa& a, const IpsecSa& b) { return a.installed_at > b.installed_at; });
}

base::Bytes Core::random_bytes(std::size_t n) {
    base::Bytes b(n);
    rng.fill(b);
    return b;
}

std::uint64_t Core::new_cookie() {
    for (;;) {
        std::uint64_t c = 0;
        for (auto byte : random_bytes(8)) c = c << 8 | byte;
        if (c != 0 && !sas.contains(c)) return c;
    }
}

// ---- dispatch ----

namespace {

using wire::v1::ExchangeType;

// The SA a datagram's cookies name: ours as initiator (CKY-I) or as responder (CKY-R); for
// a retransmitted MM1 (CKY-R zero), the responder SA it created.
IsakmpSa* find_sa(Core& core, const wire::v1::Header& h, const net::Endpoint& remote) {
    if (auto it = core.sas.find(h.cookie_i); it != core.sas.end() && it->second.role == Role::initiator) {
        auto& sa = it->second;
        return sa.cky_r == 0 || sa.cky_r == h.cookie_r ? &sa : nullptr;
    }
    if (h.cookie_r != 0) {
        auto it = core.sas.find(h.cookie_r);
        return it != core.sas.end() && it->second.role == Role::responder && it->second.cky_i == h.cookie_i
                   ? &it->second
                   : nullptr;
    }
    for (auto& [cookie, sa] : core.sas)
        if (sa.role == Role::responder && sa.cky_i == h.cookie_i && sa.remote == remote) return &sa;
    return nullptr;
}

void on_datagram(Core& core, Time now, const engine::DatagramIn& in) {
    auto m = wire::v1::decode_message(in.bytes);
    if (!m) return core.log(LogLevel::debug, "", "IKEv1 datagram from " + in.remote.str() + " dropped: " + m.error().what);
    const auto exchange = m->header.exchange;
    if (exchange == ExchangeType::identity_protection)
        return on_main_mode(core, now, find_sa(core, m->header, in.remote), in, *m);
    if (exchange == ExchangeType::quick_mode) {
        auto* sa = m->header.cookie_r ? find_sa(core, m->header, in.remote) : nullptr;
        if (!sa) return core.log(LogLevel::debug, "", "Quick Mode for unknown cookies from " + in.remote.str());
        return on_quick_mode(core, now, *sa, in, *m);
    }
    if (exchange == ExchangeType::informational) {
        auto* sa = find_sa(core, m->header, in.remote);
        if (!sa) return core.log(LogLevel::debug, "", "Informational for unknown cookies from " + in.remote.str());
        return on_informational(core, now, *sa, in, *m);
    }
    if (exchange == ExchangeType::aggressive)
        // RFC 2409 5 allows it; its PSK handshake sends a hash of the key in the clear
        // to anyone who asks, open to offline guessing: ipsecd speaks Main Mode only.
        return core.log(LogLevel::warning, "",
                        "IKEv1 Aggressive Mode from " + in.remote.str() +
                            " refused: its pre-shared key hash can be cracked offline; configure Main Mode");
    core.log(LogLevel::info, "",
             "IKEv1 exchange type " + std::to_string(unsigned(exchange)) + " from " + in.remote.str() +
                 " not supported, dropped");
}

void on_tick(Core& core, Time now) {
    std::vector<std::uint64_t> cookies;
    for (const auto& [cookie, sa] : core.sas) cookies.push_back(cookie);
    for (auto cookie : cookies) {
        if (!core.sas.contains(cookie)) continue;  // removed by an earlier SA's timer (renewal)
        auto& sa = core.sas.at(cookie);
        if (sa.state == MmState::established) {
            if (now < sa.expires) {
                // Each may remove the SA (a dead peer, a renewal done): the next one must not run.
                for (auto timers : {quick_mode_timers, dpd_timers, keepalive_timers, renewal_timers})
                    if (core.sas.contains(cookie)) timers(core, now, core.sas.at(cookie));
                continue;
            }
            if (core.heir(sa)) {
                core.log(LogLevel::info, sa, "ISAKMP SA lifetime reached: deleted, its renewal holds its IPsec SAs");
                delete_isakmp(core, sa);
                continue;
            }
            // Not renewed: its IPsec SAs stay in the kernel until their own hard lifetime,
            // their policies with them (fail closed).
            core.log(LogLevel::warning, sa, "ISAKMP SA lifetime reached without a renewal: forgotten");
            core.remove(sa);
        } else if (sa.role == Role::initiator) {
            switch (sa.pending.poll(now)) {
                case engine::PendingRequest::Due::nothing: break;
                case engine::PendingRequest::Due::resend: core.send(sa, sa.pending.datagrams().front()); break;
                case engine::PendingRequest::Due::give_up:
                    core.log(LogLevel::error, sa, "Main Mode failed: the peer did not answer");
                    core.failures[sa.connection] = engine::Failure{.kind = engine::FailureKind::timeout};
                    core.remove(sa);
                    break;
            }
        } else if (now >= sa.deadline) {
            core.log(LogLevel::info, sa, "Main Mode from " + sa.remote.str() + " not completed in time: forgotten");
            core.remove(sa);
        }
    }
}

void on_admin_up(Core& core, Time now, const std::string& name) {
    const auto* c = core.config.find(name);
    if (!c || c->version != 1) return core.log(LogLevel::error, name, "no IKEv1 connection of that name");
    install_traps(core, *c);  // again after a down: closed while connecting
    want_up(core, *c);
    for (auto& [cookie, sa] : core.sas) {
        if (sa.connection != name) continue;
        if (sa.state != MmState::established || sa.role != Role::initiator)
            return core.log(LogLevel::info, name, "already connecting");
        return start_children(core, now, sa, *c);
    }
    initiate_main_mode(core, now, *c);
}

void on_admin_down(Core& core, const std::string& name) {
    std::vector<std::uint64_t> cookies;
    for (const auto& [cookie, sa] : core.sas)
        if (sa.connection == name) cookies.push_back(cookie);
    core.operator_up.erase(name);
    forget_wanted(core, name);
    forget_traps(core, name);
    for (auto cookie : cookies) take_down(core, core.sas.at(cookie));
    // Policies kept after their pairs ended go too: the operator took the connection down.
    for (auto it = core.policies.begin(); it != core.policies.end();) {
        if (it->second.connection != name) {
            ++it;
            continue;
        }
        core.out.push_back(engine::DeletePolicy{it->first, {name, 0}});
        it = core.policies.erase(it);
    }
    core.failures.erase(name);
}

// start: traps installed, a `start: up` connection brought up as by the operator's Up.
void start_connection(Core& core, Time now, const policy::Connection& c) {
    install_traps(core, c);
    if (std::any_of(c.children.begin(), c.children.end(),
                    [](const policy::Child& child) { return child.start == policy::Start::up; }))
        on_admin_up(core, now, c.name);
}

void on_operator_up(Core& core, Time now, const std::string& name) {
    const auto* c = core.config.find(name);
    if (c && c->version == 1) core.operator_up.insert(name);
    on_admin_up(core, now, name);
}

// True if the operator's Up has the connection up or on its way: a reload that changes it does too.
bool up_for_operator(const Core& core, const std::string& name) {
    if (!core.operator_up.contains(name)) return false;
    using engine::ConnectionState;
    const auto s = core.connection_state(name);
    return s == ConnectionState::up || s == ConnectionState::partial || s == ConnectionState::connecting;
}

// A changed connection the operator had up, again with its new settings. Every child's
// policies are held first (DESIGN "Fail closed": a `start: none` child's too, which take over
// its old pair's in place) until a Quick Mode's pair takes them over.
void up_again(Core& core, Time now, const policy::Connection& c) {
    for (const auto& child : c.children) hold_child_policies(core, c, child);
    core.log(LogLevel::info, c.name, "changed by the reload while up for the operator: brought up again");
    on_operator_up(core, now, c.name);
}

// A kernel change of this ISAKMP SA's could not be applied: its IPsec SAs and itself are
// deleted (Deletes to the peer), their policies stay (fail closed) for the next attempt.
void on_kernel_failed(Core& core, const engine::KernelFailed& f) {
    auto it = f.ike_spi ? core.sas.find(f.ike_spi) : core.sas.end();
    if (it == core.sas.end() || it->second.connection != f.connection)
        return core.log(LogLevel::error, f.connection, "kernel: " + f.what);
    auto& sa = it->second;
    core.log(LogLevel::error, sa, "kernel: " + f.what + "; deleting the ISAKMP SA");
    while (sa.state == MmState::established && !sa.ipsec_sas.empty()) {
        const IpsecSa ipsec = sa.ipsec_sas.front();
        sa.ipsec_sas.erase(sa.ipsec_sas.begin());
        retire_ipsec(core, sa, ipsec, true, false);
    }
    delete_isakmp(core, sa);
}

bool is_v1(const policy::Config& config, const std::string& name) {
    const auto* c = config.find(name);
    return c && c->version == 1;
}

}  // namespace

Engine::Engine(policy::Config config, crypto::Rng& rng, EngineOptions options)
    : core_(std::make_unique<Core>(std::move(config), rng, options)) {}
Engine::~Engine() = default;

Effects Engine::start(Time now) {
    core_->out.clear();
    for (const auto& c : core_->config.connections)
        if (c.version == 1) start_connection(*core_, now, c);
    run_attempts(*core_, now);
    return std::move(core_->out);
}

Effects Engine::reconfigure(Time now, policy::Config next) { return reconfigure(now, std::move(next), {}); }

bool Engine::operator_has_up(const std::string& connection) const { return up_for_operator(*core_, connection); }

Effects Engine::reconfigure(Time now, policy::Config next, const std::set<std::string>& brought_up) {
    core_->out.clear();
    const policy::Diff diff = policy::diff(core_->config, next);
    // Taken down under the configuration they ran with, as the operator's down does; a
    // changed one's children keep their reqids.
    std::set<std::string> again = brought_up;  // connections an operator's Up had up
    for (const auto& name : diff.changed)
        if (is_v1(core_->config, name)) {
            hand_over_reqids(*core_, *core_->config.find(name));
            if (up_for_operator(*core_, name)) again.insert(name);
        }
    for (const auto* names : {&diff.removed, &diff.changed})
        for (const auto& name : *names)
            if (is_v1(core_->config, name)) on_admin_down(*core_, name);
    core_->config = std::move(next);
    for (const auto* names : {&diff.changed, &diff.added})
        for (const auto& name : *names) {
            if (!is_v1(core_->config, name)) continue;
            const auto& c = *core_->config.find(name);
            if (again.contains(name)) up_again(*core_, now, c);
            else start_connection(*core_, now, c);
        }
    core_->handed_reqids.clear();
    run_attempts(*core_, now);
    // A changed connection's policies for traffic it still covers are updated in place.
    return engine::hand_over_policies(std::move(core_->out));
}

Effects Engine::handle(Time now, const Event& event) {
    core_->out.clear();
    std::visit(
        [&](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, engine::DatagramIn>) on_datagram(*core_, now, e);
            if constexpr (std::is_same_v<E, engine::Tick>) on_tick(*core_, now);
            if constexpr (std::is_same_v<E, engine::AdminUp>) on_operator_up(*core_, now, e.connection);
            if constexpr (std::is_same_v<E, engine::AdminDown>) on_admin_down(*core_, e.connection);
            if constexpr (std::is_same_v<E, engine::KernelExpire>) on_ipsec_expire(*core_, now, e.expire);
            if constexpr (std::is_same_v<E, engine::KernelAcquire>) on_acquire(*core_, now, e.acquire);
            if constexpr (std::is_same_v<E, engine::KernelFailed>) on_kernel_failed(*core_, e);
        },
        event);
    run_attempts(*core_, now);
    return std::move(core_->out);
}

std::optional<Time> Engine::next_wakeup() const {
    std::optional<Time> next;
    auto consider = [&next](std::optional<Time> t) {
        if (t && (!next || *t < *next)) next = t;
    };
    consider(next_attempt(*core_));
    for (const auto& [cookie, sa] : core_->sas) {
        if (sa.state == MmState::established) {
            consider(sa.expires);
            consider(quick_mode_wakeup(sa));
            consider(renewal_wakeup(sa));
            consider(dpd_wakeup(*core_, sa));
            consider(keepalive_wakeup(sa));
        }
        else if (sa.role == Role::initiator)
            consider(sa.pending.deadline());
        else
            consider(sa.deadline);
    }
    return next;
}

void Engine::set_credentials(const engine::Credentials* credentials) { core_->options.credentials = credentials; }

std::vector<engine::ConnectionStatus> Engine::status() const {
    std::vector<engine::ConnectionStatus> out;
    for (const auto& c : core_->config.connections)
        if (c.version == 1) out.push_back(*status(c.name));
    return out;
}

std::optional<engine::ConnectionStatus> Engine::status(const std::string& connection) const {
    if (!is_v1(core_->config, connection)) return std::nullopt;
    engine::ConnectionStatus s{.name = connection, .state = core_->connection_state(connection)};
    for (const auto& [cookie, sa] : core_->sas)
        if (sa.connection == connection) s.ike_sas.push_back(core_->sa_status(sa));
    if (auto it = core_->failures.find(connection); it != core_->failures.end()) s.failure = it->second;
    return s;
}

}  // namespace ike::v1
