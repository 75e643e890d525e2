// Event dispatch: decoding, matching datagrams to IKE SAs and requests to responses,
// timers. The exchange steps themselves live in one file per exchange (exchanges.hpp).
#include "ike/v2/engine.hpp"

#include <algorithm>

#include "ike/v2/child_sa.hpp"
#include "ike/v2/core.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/fragmentation.hpp"
#include "ike/v2/protection.hpp"
#include "ike/wire/decode.hpp"

namespace ike::v2 {

namespace {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

ChildSa* find_child(IkeSa& sa, std::uint32_t spi_in) {
    for (auto& c : sa.children)
        if (c.spi_in == spi_in && c.state != ChildState::deleted) return &c;
    return nullptr;
}

// Events for an IKE SA (datagrams, timers, kernel failures) may change its timers: it is
// touched.
IkeSa* find_sa(Core& core, std::uint64_t spi) {
    auto it = core.sas.find(spi);
    if (it == core.sas.end()) return nullptr;
    core.touch(*it->second);
    return it->second.get();
}

void dispatch_response(Core& core, IkeSa& sa, const DatagramIn& in, const wire::Message& m) {
    if (!sa.pending.active() || m.header.message_id != sa.pending.message_id()) return;  // 2.3
    auto opened = open(sa, in.bytes, m);
    if (!opened) {
        core.log(LogLevel::debug, &sa, "dropped response: " + opened.error().message);
        return;
    }
    if (!*opened) return;  // a fragment, kept until the message is complete (RFC 7383)
    const Payloads& inner = **opened;
    core.log_received(&sa, in, m, inner);
    InFlight request = std::exchange(sa.request, {});
    sa.pending.clear();
    sa.last_heard = core.now;
    std::visit(Overloaded{
                   [&](sent::IkeAuth&) {
                       // Should IKE_AUTH fail now, one side rejected the other's authentication.
                       sa.failure = {FailureKind::authentication_failed};
                       process_ike_auth_response(core, sa, inner);
                       release_spi(core, sa, sa.first_child_spi);  // the first CHILD SA was refused
                   },
                   [&](sent::CreateChild& c) {
                       const std::uint32_t spi_in = c.child->spi_in;
                       process_create_child_response(core, sa, std::move(*c.child), inner);
                       release_spi(core, sa, spi_in);  // no CHILD SA came of it
                   },
                   [&](sent::RekeyIke& r) { process_ike_rekey_response(core, sa, std::move(r.fresh), inner); },
                   [&](sent::DeleteChild&) { process_informational_response(core, sa, request, inner); },
                   [&](sent::DeleteIke&) { process_informational_response(core, sa, request, inner); },
                   [&](sent::Liveness&) { process_informational_response(core, sa, request, inner); },
                   [&](auto&) {},  // IKE_SA_INIT is answered in on_datagram
               },
               request);
    send_waiting(core, sa);
}

// 2.23: behind a NAT, the peer's address is the one its latest request came from (a new,
// integrity-checked one: never a retransmit, which an attacker could replay). The
// responder's IKE SA takes the endpoints of IKE_AUTH, where its answers go (2.11): the NAT
// mapping of port 4500, or port 4500 itself, to which an initiator may move without a NAT
// (2.23; strongSwan does). Later, with the peer behind a NAT, its CHILD SAs' kernel SAs and
// policies follow it too (XFRM_MSG_MIGRATE): their UDP encapsulation would otherwise still
// send to a NAT mapping that is gone. A host behind a NAT itself does not follow, lest one
// forged packet break the connection, unless it is the responder (a static NAT in front).
void follow_peer(Core& core, IkeSa& sa, const DatagramIn& in) {
    if (in.local == sa.local && in.remote == sa.remote) return;
    if (sa.state == IkeState::half_open) {  // re-indexed, lest its entry outlive it
        core.unindex_half_open(sa);
        sa.local = in.local;
        sa.remote = in.remote;
        core.index_half_open(sa);
        return;
    }
    if (sa.state != IkeState::established || !sa.nat_remote || (sa.nat_local && sa.initiator)) return;
    core.log(LogLevel::info, &sa, "peer moved from " + sa.remote.str() + " to " + in.remote.str() + " (NAT rebinding)");
    sa.local = in.local;
    sa.remote = in.remote;
    move_children(core, sa);
}

void dispatch_request(Core& core, IkeSa& sa, const DatagramIn& in, const wire::Message& m) {
    const std::uint32_t id = m.header.message_id;
    switch (sa.ids.classify_request(id)) {
        case MessageIds::Incoming::retransmit:
            // 2.1: the same request again; our response was lost. Of a fragmented request only
            // fragment 1 asks for it again (RFC 7383 2.6.1). The answer goes where the request
            // came from (2.11): a NAT may have mapped the peer anew since the first copy, which
            // moves nothing (2.23: a retransmit may be a replay).
            if (const auto* cached = sa.responses.lookup(id); cached && !fragmentation::later_fragment(m))
                core.send(sa, in.local, in.remote, *cached);
            return;
        case MessageIds::Incoming::invalid: return;  // 2.3: outside the window, dropped
        case MessageIds::Incoming::fresh: break;
    }
    auto opened = open(sa, in.bytes, m);
    if (!opened) {
        core.log(LogLevel::debug, &sa, "dropped request: " + opened.error().message);
        return;
    }
    if (!*opened) return;  // a fragment, kept until the message is complete (RFC 7383)
    const Payloads& inner = **opened;
    core.log_received(&sa, in, m, inner);
    ++sa.ids.expected_request;
    sa.last_heard = core.now;
    follow_peer(core, sa, in);
    switch (m.header.exchange) {
        case wire::ExchangeType::ike_auth:
            if (sa.state == IkeState::half_open) respond_ike_auth(core, sa, id, inner);
            return;
        case wire::ExchangeType::informational: respond_informational(core, sa, id, inner); return;
        case wire::ExchangeType::create_child_sa: respond_create_child(core, sa, id, inner); return;
        case wire::ExchangeType::ike_sa_init: return;
    }
}

void on_datagram(Core& core, const DatagramIn& in) {
    auto decoded = wire::decode_message(in.bytes);
    if (!decoded) {
        core.log(LogLevel::debug, "", "dropped datagram from " + in.remote.str() + ": " + decoded.error().what);
        return;
    }
    const wire::Message& m = *decoded;
    const bool response = (m.header.flags & wire::flag::response) != 0;
    if (m.header.exchange == wire::ExchangeType::ike_sa_init) {
        if (!response) {
            respond_ike_sa_init(core, in, m);
        } else if (IkeSa* sa = find_sa(core, m.header.spi_i);
                   sa && sa->initiator && sa->state == IkeState::init_sent && sa->pending.active() &&
                   m.header.message_id == 0) {
            sa->pending.clear();
            sa->request = {};
            const wire::Notify* error = find_error(m.payloads);
            sa->failure = {error && error->type == wire::notify::no_proposal_chosen ? FailureKind::no_proposal_chosen
                                                                                   : FailureKind::other,
                           {}, static_cast<std::uint16_t>(error ? error->type : 0)};
            process_ike_sa_init_response(core, *sa, in, m);
        }
        return;
    }
    // 3.1: the I flag says the sender is the original initiator, so our SPI is the other.
    const bool from_initiator = (m.header.flags & wire::flag::initiator) != 0;
    IkeSa* sa = find_sa(core, from_initiator ? m.header.spi_r : m.header.spi_i);
    if (!sa || sa->initiator == from_initiator || sa->state == IkeState::closed) {
        core.log(LogLevel::debug, "", "dropped datagram from " + in.remote.str() + ": unknown IKE SA");
        return;
    }
    if (response)
        dispatch_response(core, *sa, in, m);
    else
        dispatch_request(core, *sa, in, m);
}

// Serves the IKE SAs whose deadline has come (the others have nothing due).
void on_tick(Core& core) {
    for (std::uint64_t spi : core.timers.due(core.now)) {
        IkeSa* found = find_sa(core, spi);
        if (!found || found->state == IkeState::closed) continue;
        IkeSa& sa = *found;
        core.touch(sa);
        switch (sa.pending.poll(core.now)) {
            case PendingRequest::Due::resend:
                core.log(LogLevel::debug, &sa, "retransmit " + std::to_string(sa.pending.retransmits()));
                core.send(sa, sa.pending.datagrams());
                break;
            case PendingRequest::Due::give_up:
                core.log(LogLevel::warning, &sa, "peer " + sa.remote.str() + " not responding, giving up");
                sa.failure = {FailureKind::timeout};
                enter_state(core, sa, IkeState::closed);
                continue;
            case PendingRequest::Due::nothing: break;
        }
        if (sa.state == IkeState::resolving && core.now >= sa.expires) {
            core.log(LogLevel::warning, &sa, "resolving " + sa.conn->remote.host + ": no answer, giving up");
            core.resolutions[sa.conn->remote.host].asked = false;  // the next attempt asks again
            sa.failure = {FailureKind::unresolved};
            enter_state(core, sa, IkeState::closed);
            continue;
        }
        if (sa.state == IkeState::half_open && core.now >= sa.expires) {
            core.log(LogLevel::debug, &sa, "half-open IKE SA timed out");
            enter_state(core, sa, IkeState::closed);
            continue;
        }
        if (sa.state == IkeState::rekeyed && core.now >= sa.expires) {
            core.log(LogLevel::info, &sa, "rekeyed IKE SA not deleted by the peer; closing it");
            enter_state(core, sa, IkeState::closed);
            continue;
        }
        if (sa.state == IkeState::established && !sa.pending.active() && core.now >= sa.rekey_at)
            send_ike_rekey(core, sa);
        if (sa.state == IkeState::established && !sa.pending.active())
            for (auto& c : sa.children)
                if (c.rekey_wanted && c.state == ChildState::installed && core.now >= c.rekey_not_before) {
                    c.rekey_wanted = false;
                    send_create_child(core, sa, *c.config, &c);
                    break;
                }
        if (auto due = liveness_due(sa); due && core.now >= *due) send_liveness_check(core, sa);
        if (auto due = keepalive_due(sa); due && core.now >= *due) send_keepalive(core, sa);
    }
    run_restarts(core);
    run_resolutions(core);
}

bool active(const IkeSa& sa) { return sa.state != IkeState::closed; }

void on_admin_up(Core& core, const std::string& name) {
    const policy::Connection* conn = core.find(name);
    if (!conn || conn->version != 2 || conn->manual) {
        core.log(LogLevel::error, name, "no IKEv2 connection named " + name);
        return;
    }
    core.operator_up.insert(name);
    if (IkeSa* sa = established_sa(core, *conn)) {
        // The children a `start: up` left out (trapped ones), or the peer refused, come
        // over the IKE SA there is.
        core.failures.erase(name);
        add_children(core, *sa, children_for_up(*conn));
        core.publish(*sa);
        return;
    }
    if (core.connection_state(*conn) != ConnectionState::down) {
        core.log(LogLevel::info, name, "already up or connecting");
        return;
    }
    initiate_up(core, *conn);  // its traps again after a `down`: fail closed while connecting
}

void on_admin_down(Core& core, const std::string& name) {
    const policy::Connection* conn = core.find(name);
    if (!conn) {
        core.log(LogLevel::error, name, "no connection named " + name);
        return;
    }
    core.operator_up.erase(name);
    remove_traps(core, *conn);
    forget_restarts(core, *conn);
    for (IkeSa* sa : core.sas_of(*conn)) {
        if (!active(*sa)) continue;  // closed by an earlier one's ending
        if (sa->state == IkeState::established)
            send_delete_ike(core, *sa);
        else if (sa->state != IkeState::deleting)
            enter_state(core, *sa, IkeState::closed);
    }
}

void on_expire(Core& core, const xfrm::Expire& e) {
    const auto [first, last] = core.by_child_spi.equal_range(e.sa.spi);
    const std::vector<std::pair<std::uint32_t, std::uint64_t>> owners(first, last);
    for (const auto& owner : owners) {
        IkeSa* sa = find_sa(core, owner.second);
        if (!sa) continue;
        for (auto& c : sa->children) {
            // By SPI and destination: a peer's SPI may equal one of ours (or a larval SA's).
            const bool ours = c.spi_in == e.sa.spi && e.sa.dst == c.local;
            if (!ours && (c.spi_out != e.sa.spi || e.sa.dst != c.remote)) continue;
            if (e.hard) {  // the kernel already removed that SA; the other one and the policies go
                c.expired_spi = e.sa.spi;
                enter_state(core, *sa, c, ChildState::deleted);
                prune_children(*sa);
                core.publish(*sa);
            } else if (c.state == ChildState::installed) {
                // Rekey now if the window is free, else at the next tick.
                if (sa->state == IkeState::established && !sa->pending.active())
                    send_create_child(core, *sa, *c.config, &c);
                else
                    c.rekey_wanted = true;
            }
            return;
        }
    }
    // A larval SA (reserved by ALLOCSPI) outlived the kernel's acquire timeout: the kernel
    // removed it, so it is neither deleted later nor completed (its CHILD SA gets a new SA).
    if (!e.hard) return;
    const auto [larval_first, larval_last] = core.by_larval_spi.equal_range(e.sa.spi);
    const std::vector<std::pair<std::uint32_t, std::uint64_t>> holders(larval_first, larval_last);
    for (const auto& holder : holders)
        if (IkeSa* sa = find_sa(core, holder.second); sa && e.sa.dst == sa->local.address && take_larval(core, *sa, e.sa.spi))
            return;
}

// A kernel effect of this IKE SA failed: run it with half its kernel state no longer.
void on_kernel_failed(Core& core, const KernelFailed& f) {
    IkeSa* sa = f.ike_spi ? find_sa(core, f.ike_spi) : nullptr;
    if (!sa || sa->conn->name != f.connection || sa->state == IkeState::closed) {
        core.log(LogLevel::error, f.connection, "kernel: " + f.what);
        return;
    }
    core.log(LogLevel::error, sa, "kernel: " + f.what + "; deleting the IKE SA");
    take_down(core, *sa);
}

}  // namespace

void send_waiting(Core& core, IkeSa& sa) {
    // A rekeyed IKE SA keeps its waiting requests for its successor (enter_state closed).
    while (!sa.pending.active() && !sa.waiting.empty() && sa.state != IkeState::closed &&
           sa.state != IkeState::rekeyed) {
        const Waiting next = sa.waiting.front();
        sa.waiting.pop_front();
        std::visit(Overloaded{
                       [&](const wanted::CreateChild& c) {
                           ChildSa* old = c.rekeyed_spi_in ? find_child(sa, c.rekeyed_spi_in) : nullptr;
                           // A rekey of a CHILD SA replaced or deleted meanwhile is moot.
                           if (sa.state != IkeState::established ||
                               (c.rekeyed_spi_in && (!old || old->state != ChildState::installed)))
                               return;
                           send_create_child(core, sa, *c.config, old);
                       },
                       [&](const wanted::DeleteChild& d) { send_delete_child_spi(core, sa, d.protocol, d.spi_in); },
                       [&](const sent::DeleteIke&) { send_delete_ike(core, sa); },
                   },
                   next);
    }
}

Engine::Engine(policy::Config config, crypto::Rng& rng, EngineOptions options)
    : core_(std::make_unique<Core>(std::move(config), rng, options)) {}

Engine::~Engine() = default;

Effects Engine::handle(Time now, const Event& event) {
    Core& core = *core_;
    return core.step(now, [&] {
        std::visit(Overloaded{
                       [&](const DatagramIn& d) { on_datagram(core, d); },
                       [&](const Tick&) { on_tick(core); },
                       [&](const KernelAcquire& a) { on_acquire(core, a.acquire); },
                       [&](const KernelExpire& e) { on_expire(core, e.expire); },
                       [&](const AdminUp& a) { on_admin_up(core, a.connection); },
                       [&](const AdminDown& a) { on_admin_down(core, a.connection); },
                       [&](const KernelFailed& f) { on_kernel_failed(core, f); },
                       [&](const HostResolved& h) { on_host_resolved(core, h); },
                       [&](const PeerAuthenticatedElsewhere& p) { forget_replaced_sas(core, p.what); },
                   },
                   event);
    });
}

namespace {
void consider(std::optional<Time>& next, std::optional<Time> t) {
    if (t && (!next || *t < *next)) next = t;
}
}  // namespace

// What on_tick does for `sa`, and when.
std::optional<Time> next_deadline(const Core& core, const IkeSa& sa) {
    if (sa.state == IkeState::closed) return std::nullopt;
    std::optional<Time> next;
    consider(next, sa.pending.deadline());
    if (sa.state == IkeState::half_open || sa.state == IkeState::rekeyed || sa.state == IkeState::resolving)
        consider(next, sa.expires);
    consider(next, liveness_due(sa));
    consider(next, keepalive_due(sa));
    if (sa.state == IkeState::established && !sa.pending.active()) {
        consider(next, sa.rekey_at);
        for (const auto& c : sa.children)
            if (c.rekey_wanted && c.state == ChildState::installed) consider(next, std::max(core.now, c.rekey_not_before));
    }
    return next;
}

std::optional<Time> Engine::next_wakeup() const {
    std::optional<Time> next = core_->timers.next();
    consider(next, next_restart(*core_));
    consider(next, next_resolution(*core_));
    return next;
}

std::vector<ConnectionStatus> Engine::status() const {
    auto out = core_->snapshot();
    // version: 1 connections are the IKEv1 engine's (ike/v1/engine.hpp).
    std::erase_if(out, [this](const ConnectionStatus& s) { return core_->find(s.name)->version == 1; });
    return out;
}

bool Engine::holds_ike_sas() const { return !core_->sas.empty(); }

std::vector<Lease> Engine::leases() const {
    std::vector<Lease> out;
    for (const auto& pool : core_->config.pools) {
        auto leases = core_->lease_book().leases(pool.name);
        out.insert(out.end(), leases.begin(), leases.end());
    }
    return out;
}

std::optional<ConnectionStatus> Engine::status(const std::string& connection) const {
    const policy::Connection* conn = core_->find(connection);
    if (!conn || conn->version == 1) return std::nullopt;
    return core_->status(*conn);
}

}  // namespace ike::v2
