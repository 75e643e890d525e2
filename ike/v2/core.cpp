#include "ike/v2/core.hpp"

#include <cassert>
#include <cstdio>

#include "ike/v2/child_sa.hpp"
#include "ike/v2/config_payload.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/message_summary.hpp"

namespace ike::v2 {
namespace {

// Core::by_identities' key; a collision only costs a comparison (sas_between checks both).
std::size_t identities_key(const std::string& local_identity, const std::string& peer_identity) {
    const std::hash<std::string> hash;
    return hash(local_identity) * 31 + hash(peer_identity);
}

std::size_t identities_key(const IkeSa& sa) { return identities_key(sa.local_identity, sa.peer_identity); }

}  // namespace

Core::Core(policy::Config c, crypto::Rng& r, EngineOptions o)
    : rng(r), options(o), cookie_secret(random_bytes(32)), next_reqid(engine::first_reqid(o.shard.index)) {
    assert(options.shard.count >= 1 && options.shard.count <= 256 && options.shard.index < options.shard.count);
    if (!options.leases) options.leases = std::make_shared<LocalLeaseBook>();
    if (!options.contacted) options.contacted = std::make_shared<LocalContactedPeers>();
    replace_config(std::move(c));
    options.leases->reconfigure(config.pools);
}

const policy::Connection* Configuration::find(std::string_view name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
}

policy::Config Configuration::replace_config(policy::Config next) {
    // Moving the vector keeps the old connections where the SAs point until repointed.
    policy::Config before = std::exchange(config, std::move(next));
    by_name.clear();
    for (const auto& c : config.connections) by_name.emplace(c.name, &c);
    return before;
}

base::Bytes Core::random_bytes(std::size_t n) {
    base::Bytes b(n);
    rng.fill(b);
    return b;
}

Duration Core::rekey_after(Duration lifetime) {
    const auto spread = static_cast<std::uint64_t>(lifetime.count() / 10);
    std::uint64_t r = 0;
    rng.fill({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
    return lifetime - Duration{static_cast<Duration::rep>(r % (spread + 1))};
}

std::uint64_t Core::new_ike_spi() {
    const auto [index, count] = options.shard;
    for (;;) {
        std::uint64_t spi = 0;
        rng.fill({reinterpret_cast<std::uint8_t*>(&spi), sizeof spi});
        // The low byte becomes index + count * k, k uniform: drawn again above the last whole
        // multiple of count (never with one shard, whose SPIs are as drawn).
        const unsigned low = spi & 0xff;
        if (low >= 256 / count * count) continue;
        spi = (spi & ~std::uint64_t{0xff}) | (low - low % count + index);
        if (spi != 0 && !sas.contains(spi)) return spi;  // 3.1: zero means "not yet known"
    }
}

base::Result<std::shared_ptr<const crypto::KeyExchange>> Core::responder_ke(KeGroup group, IkeSa& sa) {
    if (group != KeGroup::curve25519 || !reused_ke.ke) {
        auto ke = crypto::KeyExchange::create(group, rng);
        if (!ke) return base::fail(ke.error().message);
        if (group != KeGroup::curve25519) return std::shared_ptr<const crypto::KeyExchange>(std::move(*ke));
        reused_ke = {std::move(*ke), reused_ke.generation + 1};
    }
    sa.reused_ke = reused_ke.generation;
    return reused_ke.ke;
}

base::Result<std::uint32_t> Core::reserve_spi(IkeSa& sa, const policy::Child& child) {
    if (!options.allocate_spi) return base::fail("no SPI allocation (EngineOptions::allocate_spi)");
    const auto proto = kernel_proto(child);
    auto spi = options.allocate_spi(sa.remote.address, sa.local.address, proto);
    if (!spi) return base::fail("cannot reserve an inbound SPI: " + spi.error().message);
    sa.larval.push_back({sa.local.address, *spi, proto, std::nullopt});
    by_larval_spi.emplace(*spi, sa.local_spi());
    return *spi;
}

namespace {
std::vector<xfrm::SaId>::iterator find_larval(IkeSa& sa, std::uint32_t spi) {
    return std::find_if(sa.larval.begin(), sa.larval.end(), [&](const xfrm::SaId& id) { return id.spi == spi; });
}

void unindex_larval(Core& core, const IkeSa& sa, std::uint32_t spi) {
    auto [first, last] = core.by_larval_spi.equal_range(spi);
    for (auto it = first; it != last; ++it)
        if (it->second == sa.local_spi()) {
            core.by_larval_spi.erase(it);
            return;
        }
}
}  // namespace

bool take_larval(Core& core, IkeSa& sa, std::uint32_t spi) {
    const auto it = find_larval(sa, spi);
    if (it == sa.larval.end()) return false;
    sa.larval.erase(it);
    unindex_larval(core, sa, spi);
    return true;
}

void release_spi(Core& core, IkeSa& sa, std::uint32_t spi) {
    const auto it = find_larval(sa, spi);
    if (it == sa.larval.end()) return;
    core.emit(DeleteSa{*it, core.owner(sa)});
    sa.larval.erase(it);
    unindex_larval(core, sa, spi);
}

void Core::log(LogLevel level, const IkeSa* sa, std::string message) {
    if (!logs(level)) return;
    if (!sa) return log(level, std::string(), std::move(message));
    const std::string spi = hex_spi(sa->local_spi());
    emit(Log{level, sa->conn->name, "IKE SA " + spi + ": " + message, spi});
}

void Core::log(LogLevel level, const std::string& connection, std::string message) {
    if (!logs(level)) return;
    emit(Log{level, connection, std::move(message), {}});
}

void Core::send(const IkeSa& sa, const net::Endpoint& from, const net::Endpoint& to, const Datagrams& datagrams) {
    touch(sa);
    for (const auto& d : datagrams) emit(SendDatagram{from, to, d});
}

void Core::send_message(const IkeSa& sa, const wire::Header& header, std::span<const wire::Payload> payloads,
                        const Datagrams& datagrams) {
    std::size_t bytes = 0;
    for (const auto& d : datagrams) bytes += d.size();
    log_message(&sa, true, header, payloads, {sa.local, sa.remote, bytes, datagrams.size()});
    send(sa, datagrams);
}

void Core::log_message(const IkeSa* sa, bool sent, const wire::Header& header,
                       std::span<const wire::Payload> payloads, const Traffic& traffic) {
    if (!logs(LogLevel::debug)) return;
    std::string line = (sent ? "sending " : "received ") + message_summary(header, payloads) + " " +
                       traffic.from.str() + " -> " + traffic.to.str() + " (";
    if (traffic.datagrams > 1) line += std::to_string(traffic.datagrams) + " fragments" + (traffic.bytes ? ", " : "");
    if (traffic.bytes) line += std::to_string(traffic.bytes) + " bytes";
    line += ")";
    if (!sa) line = "IKE SA " + hex_spi(header.spi_i) + "_i " + hex_spi(header.spi_r) + "_r: " + line;
    log(LogLevel::debug, sa, std::move(line));
}

void Core::log_received(const IkeSa* sa, const DatagramIn& in, const wire::Message& message,
                        std::span<const wire::Payload> payloads) {
    const auto* fragment = message.payloads.empty() ? nullptr : std::get_if<wire::EncryptedFragment>(&message.payloads.back());
    if (fragment && fragment->total > 1)
        log_message(sa, false, message.header, payloads, {in.remote, in.local, 0, fragment->total});
    else
        log_message(sa, false, message.header, payloads, {in.remote, in.local, in.bytes.size(), 1});
}

void Core::finish() {
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (std::uint64_t spi : touched)
        if (auto it = sas.find(spi); it != sas.end()) timers.schedule(spi, next_deadline(*this, *it->second));
    touched.clear();
    for (std::uint64_t spi : closed) {
        if (auto it = sas.find(spi); it != sas.end()) {
            auto of = by_connection.find(it->second->conn);
            of->second.erase(spi);
            if (of->second.empty()) by_connection.erase(of);
            auto [first, last] = by_identities.equal_range(identities_key(*it->second));
            for (auto p = first; p != last; ++p)
                if (p->second == spi) {
                    by_identities.erase(p);
                    break;
                }
            if (it->second->reused_ke == reused_ke.generation) reused_ke.ke.reset();  // 2.12
            sas.erase(it);
        }
        timers.cancel(spi);
    }
    closed.clear();
    std::erase_if(retired, [&](const policy::Connection& r) {
        const bool used = by_connection.contains(&r);
        if (!used) census.erase(&r);
        return !used;
    });
}

void Core::index_child(const IkeSa& sa, const ChildSa& child) {
    by_child_spi.emplace(child.spi_in, sa.local_spi());
    by_child_spi.emplace(child.spi_out, sa.local_spi());
    auto& held = held_policies[sa.conn];
    for (const auto& p : policies_of(sa, child)) ++held[p.id()];
}

void Core::index_half_open(const IkeSa& sa) { half_open.emplace(std::pair{sa.spis.initiator, sa.remote}, sa.local_spi()); }

void Core::unindex_half_open(const IkeSa& sa) {
    if (auto it = half_open.find({sa.spis.initiator, sa.remote}); it != half_open.end() && it->second == sa.local_spi())
        half_open.erase(it);
}

void Core::unindex_child(const IkeSa& sa, const ChildSa& child) {
    for (std::uint32_t spi : {child.spi_in, child.spi_out}) {
        auto [first, last] = by_child_spi.equal_range(spi);
        for (auto it = first; it != last; ++it)
            if (it->second == sa.local_spi()) {
                by_child_spi.erase(it);
                break;
            }
    }
    // A policy's id depends on the CHILD SA's selectors only: the ids counted in are found.
    auto of = held_policies.find(sa.conn);
    if (of == held_policies.end()) return;
    for (const auto& p : policies_of(sa, child))
        if (auto it = of->second.find(p.id()); it != of->second.end() && --it->second == 0) of->second.erase(it);
    if (of->second.empty()) held_policies.erase(of);
}

std::vector<IkeSa*> Core::sas_between(const std::string& local_identity, const std::string& peer_identity) const {
    std::vector<IkeSa*> found;
    auto [first, last] = by_identities.equal_range(identities_key(local_identity, peer_identity));
    for (auto it = first; it != last; ++it)
        if (auto sa = sas.find(it->second); sa != sas.end() && sa->second->state != IkeState::closed &&
                                            sa->second->local_identity == local_identity &&
                                            sa->second->peer_identity == peer_identity)
            found.push_back(sa->second.get());
    // In SPI order, as a walk of `sas` would: the engine stays deterministic.
    std::sort(found.begin(), found.end(), [](const IkeSa* a, const IkeSa* b) { return a->local_spi() < b->local_spi(); });
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return found;
}

std::vector<IkeSa*> Core::sas_of(const policy::Connection& conn) const {
    std::vector<IkeSa*> found;
    auto of = by_connection.find(&conn);
    if (of == by_connection.end()) return found;
    for (std::uint64_t spi : of->second)
        if (IkeSa& sa = *sas.at(spi); sa.state != IkeState::closed) found.push_back(&sa);
    // In SPI order, as for sas_between: the engine stays deterministic.
    std::sort(found.begin(), found.end(), [](const IkeSa* a, const IkeSa* b) { return a->local_spi() < b->local_spi(); });
    return found;
}

std::uint32_t Core::reqid_for(const policy::Child& child) {
    for (const auto& t : traps)
        if (t.child == &child) return t.reqid;
    const std::uint32_t reqid = next_reqid;
    advance_reqid();
    return reqid;
}

void Core::advance_reqid() {
    const unsigned count = options.shard.count;
    next_reqid = engine::next_free_reqid(
        next_reqid, [count](std::uint32_t r) { return engine::following_reqid(r, count); }, reqids_wrapped,
        reqids_in_use, [this] {
            std::set<std::uint32_t> used;
            for (const auto& t : traps) used.insert(t.reqid);
            for (const auto& [spi, sa] : sas)
                for (const auto& c : sa->children)
                    if (c.state != ChildState::deleted) used.insert(c.reqid);
            for (const auto& [child, reqid] : handed_reqids) used.insert(reqid);
            return used;
        });
    assert(engine::shard_of_reqid(next_reqid, count) == options.shard.index);
}

IkeSa& Core::add_sa(std::unique_ptr<IkeSa> sa) {
    IkeSa& ref = *sa;
    ++census[ref.conn][static_cast<std::size_t>(ref.state)];
    ref.request_fragments.attach(reassembly_budget);
    ref.response_fragments.attach(reassembly_budget);
    touch(ref);
    by_connection[ref.conn].insert(ref.local_spi());
    sas.emplace(ref.local_spi(), std::move(sa));
    return ref;
}

namespace {
// Frees a container's storage (clear() and `= {}` keep the capacity).
template <class T>
void release(T& v) {
    T().swap(v);
}

std::string ike_state_name(IkeState s) {
    switch (s) {
        case IkeState::resolving:
        case IkeState::init_sent:
        case IkeState::auth_sent:
        case IkeState::half_open: return "connecting";
        case IkeState::established: return "established";
        case IkeState::rekeyed: return "rekeyed";
        case IkeState::deleting: return "deleting";
        case IkeState::closed: return "closed";
    }
    return "?";
}
}  // namespace

namespace {
IkeSaStatus status_of(const IkeSa& sa) {
    IkeSaStatus s;
    s.state = ike_state_name(sa.state);
    s.local_spi = sa.local_spi();
    s.remote_spi = sa.remote_spi();
    s.proposal = sa.proposal.transforms.empty() ? "" : policy::to_string(sa.proposal);
    s.local = sa.local;
    s.remote = sa.remote;
    s.established = sa.established_at;
    if (sa.state == IkeState::established) s.rekey_at = sa.rekey_at;
    for (const auto& ip : sa.virtual_ips) s.virtual_ips.push_back(ip.address);
    s.virtual_ips_received = sa.conn && !sa.conn->vips.empty();
    s.host_config = !sa.conn || sa.conn->host_config;
    s.dns = sa.dns;
    s.dns_domains = sa.domains;
    for (const auto& c : sa.children) {
        if (c.state != ChildState::installed) continue;
        s.children.push_back({c.config->name, c.mode,
                              c.config->protocol == ProtocolId::ah ? xfrm::Proto::ah : xfrm::Proto::esp,
                              c.spi_in, c.spi_out, policy::to_string(c.proposal), c.local_ts, c.remote_ts,
                              c.installed_at, c.installed_at + std::chrono::duration_cast<Duration>(c.config->lifetime)});
    }
    return s;
}
}  // namespace

ConnectionState Core::connection_state(const policy::Connection& conn) const {
    auto it = census.find(&conn);
    if (it == census.end()) return ConnectionState::down;
    const auto& n = it->second;
    auto count = [&](IkeState s) { return n[static_cast<std::size_t>(s)]; };
    if (count(IkeState::established) > 0) {
        const auto f = failures.find(conn.name);
        if (f != failures.end() && !f->second.child.empty()) return ConnectionState::partial;
        return creating_children(conn) ? ConnectionState::connecting : ConnectionState::up;
    }
    if (count(IkeState::resolving) + count(IkeState::init_sent) + count(IkeState::auth_sent) +
            count(IkeState::half_open) > 0)
        return ConnectionState::connecting;
    if (count(IkeState::deleting) > 0) return ConnectionState::closing;
    return ConnectionState::down;
}

ConnectionState Core::published_state(const policy::Connection& conn) const {
    const ConnectionState s = connection_state(conn);
    return s == ConnectionState::down && restart_pending(*this, conn) ? ConnectionState::connecting : s;
}

std::vector<ConnectionStatus> Core::snapshot() const {
    std::vector<ConnectionStatus> all;
    std::map<const policy::Connection*, std::size_t> index;
    for (const auto& c : config.connections) {
        index[&c] = all.size();
        all.push_back({c.name, published_state(c), {}, failure(c.name)});
    }
    // IKE SAs of retired connections (being deleted after a reconfiguration) are not shown.
    for (const auto& [spi, sa] : sas)
        if (auto it = index.find(sa->conn); sa->state != IkeState::closed && it != index.end())
            all[it->second].ike_sas.push_back(status_of(*sa));
    for (auto& c : all)  // in SPI order, as status(conn) lists them
        std::sort(c.ike_sas.begin(), c.ike_sas.end(),
                  [](const IkeSaStatus& a, const IkeSaStatus& b) { return a.local_spi < b.local_spi; });
    return all;
}

ConnectionStatus Core::status(const policy::Connection& conn) const {
    ConnectionStatus s{conn.name, published_state(conn), {}, failure(conn.name)};
    for (const IkeSa* sa : sas_of(conn)) s.ike_sas.push_back(status_of(*sa));
    return s;
}

Failure Core::failure(const std::string& connection) const {
    auto f = failures.find(connection);
    return f == failures.end() ? Failure{} : f->second;
}

bool Core::configured(const policy::Connection& conn) const {
    const std::less<const policy::Connection*> before;
    const auto* first = config.connections.data();
    return !before(&conn, first) && before(&conn, first + config.connections.size());
}

void Core::publish(const IkeSa& sa) {
    touch(sa);
    auto status = status_of(sa);
    // An IKE SA of a retired connection is not shown under the name (the snapshot hides it
    // too); the name's state is the configured connection's, if any.
    const policy::Connection* current = configured(*sa.conn) ? sa.conn : find(sa.conn->name);
    if (current != sa.conn) status.state = ike_state_name(IkeState::closed);
    emit(StatePublished{sa.conn->name, current ? published_state(*current) : ConnectionState::down, std::move(status),
                        failure(sa.conn->name)});
}

void Core::change_connection(IkeSa& sa, const policy::Connection& conn) {
    const policy::Connection& before = *sa.conn;
    const auto state = static_cast<std::size_t>(sa.state);
    --census[&before][state];
    ++census[&conn][state];
    auto of = by_connection.find(&before);
    of->second.erase(sa.local_spi());
    if (of->second.empty()) by_connection.erase(of);
    by_connection[&conn].insert(sa.local_spi());
    const auto live = [](const ChildSa& c) { return c.state != ChildState::deleted; };
    for (const auto& c : sa.children)
        if (live(c)) unindex_child(sa, c);
    sa.conn = &conn;
    for (const auto& c : sa.children)
        if (live(c)) index_child(sa, c);
    // For the connection it leaves, the IKE SA is gone.
    auto gone = status_of(sa);
    gone.state = ike_state_name(IkeState::closed);
    emit(StatePublished{before.name, published_state(before), std::move(gone), failure(before.name)});
    publish(sa);
}

void prune_children(IkeSa& sa) {
    std::erase_if(sa.children, [](const ChildSa& c) { return c.state == ChildState::deleted; });
}

std::string hex_spi(std::uint32_t spi) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", spi);
    return buf;
}

std::string hex_spi(std::uint64_t spi) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(spi));
    return buf;
}

namespace {
// An initiator's attempt that ends before the IKE SA was established is remembered as the
// connection's failure (status, D-Bus Up's error), and so is a responder's IKE SA the
// initiator refused after the IKE_AUTH exchange (2.21.2).
void record_failure(Core& core, const IkeSa& sa) {
    const bool attempt_failed = sa.initiator && sa.established_at == Time{};
    const FailureKind kind = sa.failure.kind;
    if (kind == FailureKind::none || !(attempt_failed || kind == FailureKind::authentication_failed)) return;
    core.failures[sa.conn->name] = sa.failure;
}
}  // namespace

void record_child_failure(Core& core, const IkeSa& sa, const policy::Child& child, FailureKind kind,
                          std::uint16_t notify) {
    core.failures[sa.conn->name] = {kind, child.name, notify};
    core.publish(sa);
}

bool Core::creating_children(const policy::Connection& conn) const {
    // Only connections that start children are walked: a responder's many IKE SAs are not.
    if (std::none_of(conn.children.begin(), conn.children.end(),
                     [](const policy::Child& c) { return c.start != policy::Start::none; }))
        return false;
    const auto mine = sas_of(conn);
    return std::any_of(mine.begin(), mine.end(), [&](const IkeSa* s) {
        const IkeSa& sa = *s;
        if (sa.state != IkeState::established) return false;
        const ChildRequest* r = sa.child_request();
        return !sa.more_children.empty() || (r && !r->rekeyed_spi_in) ||
               std::any_of(sa.waiting.begin(), sa.waiting.end(), [](const Waiting& w) {
                   const auto* c = std::get_if<wanted::CreateChild>(&w);
                   return c && !c->rekeyed_spi_in;
               });
    });
}

std::string peer_key(const IkeSa& sa) {
    const auto& id = sa.conn->remote.id;
    return (id.kind == policy::IdKind::any ? policy::Identity::of_address(sa.remote.address) : id).str();
}

namespace {

// Core::contacted without `sa`, closed (contacted_peers.hpp).
void forget_contact(Core& core, IkeSa& sa) {
    if (!sa.contact_address) return;
    core.contacted().closed(sa.peer_identity);
    core.contacted().closed(policy::Identity::of_address(*sa.contact_address).str());
    sa.contact_address.reset();
}

// Keeps Core::authenticating: our IKE SAs in auth_sent, by the peer they authenticate to.
void index_authenticating(Core& core, const IkeSa& sa, IkeState next) {
    if (!sa.initiator || (sa.state == IkeState::auth_sent) == (next == IkeState::auth_sent)) return;
    if (next == IkeState::auth_sent) {
        core.authenticating.emplace(peer_key(sa), sa.local_spi());
        return;
    }
    auto [first, last] = core.authenticating.equal_range(peer_key(sa));
    for (auto it = first; it != last; ++it)
        if (it->second == sa.local_spi()) {
            core.authenticating.erase(it);
            return;
        }
}

}  // namespace

void enter_state(Core& core, IkeSa& sa, IkeState next) {
    core.touch(sa);
    index_authenticating(core, sa, next);
    auto& census = core.census[sa.conn];
    if (sa.state != IkeState::closed) --census[static_cast<std::size_t>(sa.state)];
    if (next != IkeState::closed) ++census[static_cast<std::size_t>(next)];
    sa.state = next;
    switch (next) {
        case IkeState::resolving: sa.expires = core.now + kResolveTimeout; break;
        case IkeState::init_sent:
        case IkeState::auth_sent:
        case IkeState::half_open:
        case IkeState::deleting: break;
        case IkeState::rekeyed:
            // 2.18: its initiator deletes it; should that Delete never come, it ends anyway.
            sa.expires = core.now + kRekeyedTimeout;
            break;
        case IkeState::established:
            core.unindex_half_open(sa);
            sa.last_heard = core.now;
            // The IKE_SA_INIT material is not needed any more (and is most of the memory):
            // released, not cleared (`v = {}` keeps a vector's capacity).
            release(sa.init_request);
            release(sa.init_response);
            release(sa.offered);
            release(sa.child_offer);
            release(sa.candidates);
            release(sa.ni);  // 2.15: the nonces sign only the AUTHs, which are done
            release(sa.nr);
            release(sa.cookie);
            release(sa.peer_hashes);
            if (!sa.peer_identity.empty())
                core.by_identities.emplace(identities_key(sa), sa.local_spi());
            if (!sa.peer_identity.empty() && !sa.contact_address) {
                sa.contact_address = sa.remote.address;
                core.contacted().established(sa.peer_identity);
                core.contacted().established(policy::Identity::of_address(*sa.contact_address).str());
            }
            sa.rekey_at = core.now + core.rekey_after(std::chrono::duration_cast<Duration>(sa.conn->ike.lifetime));
            sa.established_at = core.now;
            sa.failure = {};
            // A refused child stays the connection's failure across an IKE rekey.
            if (auto f = core.failures.find(sa.conn->name); f != core.failures.end() && f->second.child.empty())
                core.failures.erase(f);
            schedule_keepalive(core, sa);
            break;
        case IkeState::closed:
            record_failure(core, sa);
            release_leases(core, sa);
            forget_contact(core, sa);
            core.closed.push_back(sa.local_spi());
            core.unindex_half_open(sa);
            sa.pending.clear();
            while (!sa.larval.empty()) release_spi(core, sa, sa.larval.back().spi);
            // After a rekey the CHILD SAs live on in the new IKE SA (2.18).
            if (auto it = core.sas.find(sa.successor); sa.successor && it != core.sas.end() &&
                                                       it->second->state == IkeState::established) {
                IkeSa& successor = *it->second;
                auto& moved = successor.children;
                for (const auto& c : sa.children)
                    if (c.state != ChildState::deleted) {
                        core.unindex_child(sa, c);
                        core.index_child(successor, c);
                    }
                moved.insert(moved.end(), std::make_move_iterator(sa.children.begin()),
                             std::make_move_iterator(sa.children.end()));
                sa.children.clear();
                // The requests still waiting (a new CHILD SA, a Delete) go with them.
                for (const Waiting& w : sa.waiting)
                    if (!std::holds_alternative<sent::DeleteIke>(w)) successor.waiting.push_back(w);
                sa.waiting.clear();
                send_waiting(core, successor);
                core.publish(successor);
            }
            for (auto& c : sa.children) enter_state(core, sa, c, ChildState::deleted);
            break;
    }
    core.publish(sa);
}

void enter_state(Core& core, IkeSa& sa, ChildSa& child, ChildState next) {
    core.touch(sa);
    const ChildState before = child.state;
    child.state = next;
    switch (next) {
        case ChildState::installed:
        case ChildState::rekeyed:
        case ChildState::deleting: break;
        case ChildState::deleted:
            if (before != ChildState::deleted) {
                core.unindex_child(sa, child);
                install_pending_outbound(core, sa, child);
                remove_child(core, sa, child);
                core.log(LogLevel::info, &sa, "CHILD SA " + child.config->name + " deleted");
                child_lost(core, sa, child);
            }
            break;
    }
}

}  // namespace ike::v2
