#include "daemon/daemon.hpp"

#include <signal.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "base/bytes.hpp"
#include "daemon/engine_timer.hpp"
#include "daemon/shared_contacted_peers.hpp"
#include "daemon/shared_leases.hpp"
#include "ike/engine/removal_order.hpp"
#include "ike/engine/reqids.hpp"
#include "ike/v1/engine.hpp"

namespace ipsecd {

namespace {

LogLevel to_level(ike::engine::LogLevel l) {
    switch (l) {
    case ike::engine::LogLevel::error: return LogLevel::error;
    case ike::engine::LogLevel::warning: return LogLevel::warning;
    case ike::engine::LogLevel::info: return LogLevel::info;
    case ike::engine::LogLevel::debug: return LogLevel::debug;
    }
    return LogLevel::info;
}

ike::engine::LogLevel to_engine_level(LogLevel l) {
    switch (l) {
    case LogLevel::error: return ike::engine::LogLevel::error;
    case LogLevel::warning: return ike::engine::LogLevel::warning;
    case LogLevel::info: return ike::engine::LogLevel::info;
    case LogLevel::debug: return ike::engine::LogLevel::debug;
    }
    return ike::engine::LogLevel::debug;
}

// Another shard's kernel effects carry it as their owner (KernelOwner::engine): its policy
// wishes are its own in the ledger, and a failure goes back to it.
ike::engine::Effects owned_by(std::uint32_t engine, ike::engine::Effects effects) {
    for (auto& e : effects)
        std::visit(
            [engine](auto& fx) {
                if constexpr (requires { fx.owner.engine; }) fx.owner.engine = engine;
            },
            e);
    return effects;
}

// How much of a connection a state says is there: the shards' states together are the
// most of them (an IKE SA up on one shard is the connection up, whatever the others hold).
int rank(ike::engine::ConnectionState s) {
    using ike::engine::ConnectionState;
    switch (s) {
    case ConnectionState::down: return 0;
    case ConnectionState::closing: return 1;
    case ConnectionState::connecting: return 2;
    case ConnectionState::up: return 3;
    case ConnectionState::partial: return 4;
    }
    return 0;
}

// `from`'s IKE SAs and state into `into`, the same connection's on another shard.
void merge(ike::engine::ConnectionStatus& into, ike::engine::ConnectionStatus from) {
    for (auto& sa : from.ike_sas) into.ike_sas.push_back(std::move(sa));
    if (rank(from.state) > rank(into.state)) into.state = from.state;
    if (into.failure == ike::engine::Failure{}) into.failure = from.failure;
}

// The connection a kernel effect belongs to, for the log line of its failure.
template <class T>
std::string fx_connection(const T& fx) {
    if constexpr (requires { fx.owner; })
        return fx.owner.connection;
    else
        return {};
}

}  // namespace

Daemon::Daemon(const Options& options, Logger& log) : options_(options), log_(log) {}

Daemon::~Daemon() {
    spreader_.reset();
    shards_.clear();  // their threads deliver to from_shards_
    from_shards_.reset();
    resolver_.reset();  // its event source before the loop
    for (auto* s : sources_) sd_event_source_disable_unref(s);
    if (timer_) sd_event_source_disable_unref(timer_);
    if (event_) sd_event_unref(event_);
}

base::Result<std::vector<std::vector<IkeSocket>>> Daemon::open_sockets() {
    std::vector<std::vector<IkeSocket>> others(options_.threads - 1);
    for (auto family : {net::Family::v4, net::Family::v6}) {
        for (auto [port, natt] : {std::pair{options_.ike_port, false}, {options_.natt_port, true}}) {
            auto s = IkeSocket::open_group(family, port, natt, options_.threads);
            if (!s) {
                // A host without IPv6 still runs IKE over IPv4; IPv4 is required.
                if (family == net::Family::v6 && s.error().code == EAFNOSUPPORT) {
                    log_.warning("IPv6 unavailable, IKE over IPv4 only: " + s.error().message);
                    break;
                }
                return base::fail(s.error().message, s.error().code);
            }
            sockets_.push_back(std::move((*s)[0]));
            for (std::size_t i = 1; i < s->size(); ++i) others[i - 1].push_back(std::move((*s)[i]));
        }
    }
    for (auto& s : sockets_) {
        sd_event_source* src = nullptr;
        int r = sd_event_add_io(event_, &src, s.fd(), EPOLLIN, on_datagram, this);
        if (r < 0) return base::fail(std::string("watching the IKE socket: ") + std::strerror(-r), -r);
        sources_.push_back(src);
    }
    return others;
}

base::Status Daemon::start(ike::policy::Config config, std::unique_ptr<xfrm::Kernel> kernel,
                           xfrm::Routing& routing, int kernel_event_fd,
                           std::function<void()> dispatch_kernel_events, OpenShardKernel open_shard_kernel) {
    int r = sd_event_default(&event_);
    if (r < 0) return base::fail(std::string("creating the event loop: ") + std::strerror(-r), -r);
    sigset_t mask;
    sigemptyset(&mask);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, sig);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
        sd_event_source* src = nullptr;
        if ((r = sd_event_add_signal(event_, &src, sig, on_signal, this)) < 0)
            return base::fail(std::string("watching signals: ") + std::strerror(-r), -r);
        sources_.push_back(src);
    }
    // WATCHDOG=1 pings at half of WatchdogSec while the loop turns (no-op without systemd).
    sd_event_set_watchdog(event_, 1);
    auto shard_sockets = open_sockets();
    if (!shard_sockets) return base::Unexpected{shard_sockets.error()};

    kernel_ = std::move(kernel);
    policies_ = std::make_unique<xfrm::PolicyLedger>(*kernel_);
    leftovers_.read(*kernel_);
    dispatch_kernel_events_ = std::move(dispatch_kernel_events);
    kernel_->set_event_handler([this](const xfrm::Event& ev) {
        if (auto* acq = std::get_if<xfrm::Acquire>(&ev)) feed(ike::engine::KernelAcquire{*acq});
        else if (auto* exp = std::get_if<xfrm::Expire>(&ev)) feed(ike::engine::KernelExpire{*exp});
    });
    if (kernel_event_fd >= 0) {
        sd_event_source* src = nullptr;
        if ((r = sd_event_add_io(event_, &src, kernel_event_fd, EPOLLIN, on_kernel_event, this)) < 0)
            return base::fail(std::string("watching kernel events: ") + std::strerror(-r), -r);
        sources_.push_back(src);
    }
    ike::v2::EngineOptions engine_options;
    engine_options.ike_port = options_.ike_port;
    engine_options.natt_port = options_.natt_port;
    engine_options.log_level = to_engine_level(log_.level());
    engine_options.shard = {0, options_.threads};
    // One book for every shard: no address leased twice, an identity's lease on any shard.
    if (options_.threads > 1) {
        engine_options.leases = std::make_shared<SharedLeases>();
        engine_options.contacted = std::make_shared<SharedContactedPeers>();
    }
    // The kernel's answer to `ip route get PEER`: the address its packets would leave from.
    engine_options.source_address = [&routing](const net::Address& remote) -> base::Result<net::Address> {
        auto path = routing.path_to(remote);
        if (!path) return base::Unexpected{path.error()};
        if (!path->source) return base::fail("the route to " + remote.str() + " names no source address");
        return *path->source;
    };
    auto resolver = Resolver::create(event_, [this](ike::engine::HostResolved answer) { feed(std::move(answer)); });
    if (!resolver) return base::fail(resolver.error().message);
    resolver_ = std::move(*resolver);
    // Inbound SPIs come from the kernel (XFRM_MSG_ALLOCSPI): never one another SA holds.
    engine_options.allocate_spi = [this](const net::Address& src, const net::Address& dst, xfrm::Proto proto) {
        return kernel_->alloc_spi(src, dst, proto, 0, options_.spi_min, options_.spi_max);
    };
    manual_ = std::make_unique<ManualSas>(*kernel_, *policies_, log_);
    started_ = config;
    ike::v1::EngineOptions v1_options;
    v1_options.ike_port = options_.ike_port;
    v1_options.natt_port = options_.natt_port;
    if (auto st = start_shards(config, engine_options, std::move(*shard_sockets), open_shard_kernel); !st) return st;
    engines_ = std::make_unique<ike::engine::Engines>(std::move(config), rng_, std::move(engine_options), v1_options);
    return {};
}

base::Status Daemon::start_shards(const ike::policy::Config& config, const ike::v2::EngineOptions& options,
                                  std::vector<std::vector<IkeSocket>> sockets, const OpenShardKernel& open_kernel) {
    if (sockets.empty()) return {};
    if (!open_kernel) return base::fail("--threads: no kernel for the other shards");
    auto box = Mailbox::create(event_);
    if (!box) return base::Unexpected{box.error()};
    from_shards_ = std::move(*box);
    shard_states_.clear();
    for (unsigned index = 1; index <= sockets.size(); ++index) {
        auto kernel = open_kernel();
        if (!kernel) return base::fail("shard " + std::to_string(index) + ": " + kernel.error().message);
        ike::v2::EngineOptions o = options;
        o.shard = {index, options_.threads};
        auto deliver = [this, index](std::vector<ike::engine::Effects> turn) {
            from_shards_->post([this, index, turn = std::move(turn)]() mutable { apply_from_shard(index, std::move(turn)); });
        };
        auto shard = Shard::start(index, config, std::move(o), std::move(sockets[index - 1]), std::move(*kernel),
                                  options_.spi_min, options_.spi_max, std::move(deliver));
        if (!shard) return base::Unexpected{shard.error()};
        shards_.push_back(std::move(*shard));
    }
    if (!options_.spread_new_sas_always) {
        auto spreader = NewSaSpreader::start(event_, sockets_, options_.threads, log_);
        if (!spreader) return base::Unexpected{spreader.error()};
        spreader_ = std::move(*spreader);
    }
    log_.info("IKEv2 on " + std::to_string(options_.threads) + " threads" +
              (spreader_ ? ", new IKE SAs on the first until it is busy" : ", new IKE SAs on every one"));
    return {};
}

void Daemon::set_credentials(const ike::engine::Credentials* credentials) {
    engines_->set_credentials(credentials);
    for (auto& shard : shards_) shard->set_credentials(credentials);
}

int Daemon::run() {
    int r = sd_event_loop(event_);
    if (r < 0) {
        log_.error(std::string("event loop failed: ") + std::strerror(-r));
        return 1;
    }
    return r;
}

void Daemon::feed(const ike::engine::Event& event) {
    feed_error_.clear();
    if (shards_.empty()) return apply_all(engines_->handle(now_monotonic(), event));
    const auto to = shard_for(event);
    if (to && *to != 0) return shards_[*to - 1]->post(event);
    apply_all(engines_->handle(now_monotonic(), event));
    if (!to)
        for (auto& shard : shards_) shard->post(event);
}

// A kernel event names the reqid of its policy or SA, whose shard allocated it
// (engine/reqids.hpp); an expiry of a larval SA (reqid 0: EngineOptions::allocate_spi) goes
// to every shard: the one that reserved the SPI finds it. An operator's Down and a host
// name's answer go to every shard too; an Up only to shard 0, every connection's home.
// nullopt: every shard.
std::optional<unsigned> Daemon::shard_for(const ike::engine::Event& event) const {
    using namespace ike::engine;
    if (std::holds_alternative<AdminDown>(event) || std::holds_alternative<HostResolved>(event)) return std::nullopt;
    std::uint32_t reqid = 0;
    if (const auto* a = std::get_if<KernelAcquire>(&event)) reqid = a->acquire.reqid;
    else if (const auto* e = std::get_if<KernelExpire>(&event)) reqid = e->expire.reqid;
    else return 0;
    if (reqid >= kReqidFirstV2 && reqid < kReqidEndV2) return shard_of_reqid(reqid, options_.threads);
    if (std::holds_alternative<KernelExpire>(event) && !is_engine_reqid(reqid)) return std::nullopt;
    return 0;
}

void Daemon::apply_from_shard(unsigned index, std::vector<ike::engine::Effects> turn) {
    const bool held = std::exchange(holding_sends_, true);
    applying_shard_ = index;
    for (auto& effects : turn) apply_all(owned_by(shard_engine(index), std::move(effects)));
    applying_shard_ = 0;
    holding_sends_ = held;
    if (!held) send_outbox();
}

void Daemon::start_connections() {
    manual_->apply(std::exchange(started_, {}));
    apply_all(engines_->start(now_monotonic()));
    leftovers_.drop_unused(*kernel_);
}

base::Status Daemon::reconfigure(ike::policy::Config config) {
    manual_->apply(config);
    for (auto& shard : shards_) shard->reconfigure(config);
    apply_all(engines_->reconfigure(now_monotonic(), std::move(config)));
    return {};
}

std::uint64_t Daemon::wall_seconds(ike::engine::Time t) {
    if (t == ike::engine::Time{}) return 0;
    const auto age = ike::engine::Clock::now() - t;
    const auto wall = std::chrono::system_clock::now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(age);
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count();
    return s < 0 ? 0 : static_cast<std::uint64_t>(s);
}

void Daemon::apply_all(ike::engine::Effects effects) {
    for (const auto& effect : ike::engine::removals_after_published_state(std::move(effects))) apply(effect);
    kernel_->flush();
    // Not re-entrant: the engine hears of failures once the batch that met them is done.
    while (!kernel_failed_.empty()) {
        auto failed = std::move(kernel_failed_);
        kernel_failed_.clear();
        for (auto& [engine, f] : failed) {
            if (const unsigned shard = shard_of_engine(engine); shard != 0) {
                shards_[shard - 1]->post(std::move(f));
                continue;
            }
            for (const auto& effect :
                 ike::engine::removals_after_published_state(engines_->handle(now_monotonic(), std::move(f))))
                apply(effect);
        }
        kernel_->flush();
    }
    rearm_timer();
}

std::vector<ike::engine::ConnectionStatus> Daemon::status() const {
    auto all = engines_->status();
    if (shards_.empty()) return all;
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < all.size(); ++i) index.emplace(all[i].name, i);
    for (const auto& shard : shards_)
        for (auto& theirs : shard->status()) {
            if (auto it = index.find(theirs.name); it != index.end()) {
                merge(all[it->second], std::move(theirs));
            } else {
                index.emplace(theirs.name, all.size());
                all.push_back(std::move(theirs));
            }
        }
    return all;
}

ike::engine::ConnectionStatus Daemon::status_of(const std::string& name) const {
    auto status = engines_->status(name).value_or(ike::engine::ConnectionStatus{name, ike::engine::ConnectionState::down, {}, {}});
    for (const auto& shard : shards_)
        if (auto theirs = shard->status(name)) merge(status, std::move(*theirs));
    return status;
}

void Daemon::note_error(const std::string& message) {
    if (feed_error_.empty()) feed_error_ = message;
}

IkeSocket* Daemon::socket_for(const ike::engine::SendDatagram& d) {
    for (auto& s : sockets_)
        if (s.family() == d.remote.address.family && s.port() == d.local.port) return &s;
    log_.warning("no IKE socket for " + d.local.str() + " -> " + d.remote.str());
    note_error("no IKE socket for " + d.local.str() + " -> " + d.remote.str());
    return nullptr;
}

void Daemon::send(const ike::engine::SendDatagram& d) {
    if (holding_sends_) return outbox_.push_back(d);
    auto* s = socket_for(d);
    if (!s) return;
    if (auto st = s->send(d.local, d.remote, d.bytes, !d.keepalive); !st) {
        log_.warning(st.error().message);
        note_error(st.error().message);
    }
}

// The answers to a burst of datagrams, one sendmmsg per socket, each socket's in the order the
// engines sent them.
void Daemon::send_outbox() {
    const auto out = std::exchange(outbox_, {});
    std::vector<std::vector<IkeSocket::Outgoing>> per_socket(sockets_.size());
    for (const auto& d : out)
        if (auto* s = socket_for(d))
            per_socket[static_cast<std::size_t>(s - sockets_.data())].push_back({d.local, d.remote, d.bytes, !d.keepalive});
    for (std::size_t i = 0; i < sockets_.size(); ++i)
        for (const auto& e : sockets_[i].send_burst(per_socket[i])) log_.warning(e.message);
}

// Kernel changes are queued: a run of them (a CHILD SA's SAs and policies) shares sends
// (xfrm/request_queue.hpp). Every other effect but a log line waits until what is queued is
// in the kernel: no datagram, route or published state goes ahead of the SAs and policies
// before it. Policies go through the ledger (xfrm/policy_ledger.hpp): an engine's delete
// leaves a policy the other engine still wants.
void Daemon::apply(const ike::engine::Effect& effect) {
    std::visit(
        [this](const auto& fx) {
            using T = std::decay_t<decltype(fx)>;
            if constexpr (std::is_same_v<T, ike::engine::AddSa>) {
                auto on = kernel_changed(fx.owner, true);
                if (fx.larval) return sa_added(on, xfrm::complete_larval(*kernel_, fx.sa), fx.sa);
                kernel_->queue_sa(fx.sa, false, [this, on, sa = fx.sa](const auto& r) { sa_added(on, r, sa); });
            } else if constexpr (std::is_same_v<T, ike::engine::UpdateSa>) {
                kernel_->queue_sa(fx.sa, true, kernel_changed(fx.owner, true));
            } else if constexpr (std::is_same_v<T, ike::engine::DeleteSa>) {
                kernel_->queue_delete_sa(fx.id, kernel_changed(fx.owner, false));
            } else if constexpr (std::is_same_v<T, ike::engine::AddPolicy>) {
                leftovers_.add_policy(*policies_, fx.owner.engine, fx.policy, kernel_changed(fx.owner, true));
            } else if constexpr (std::is_same_v<T, ike::engine::DeletePolicy>) {
                policies_->drop(fx.owner.engine, fx.id, kernel_changed(fx.owner, false));
            } else if constexpr (std::is_same_v<T, ike::engine::UpdatePolicy>) {
                policies_->want(fx.owner.engine, fx.policy, true, kernel_changed(fx.owner, true));
            } else {
                if constexpr (!std::is_same_v<T, ike::engine::Log>) kernel_->flush();
                apply_now(fx);
            }
        },
        effect);
}

// A failed addition leaves an IKE SA with half its kernel state: the engine takes it down
// (after the batch, apply_all). A failed removal is only logged (the state is gone either way).
xfrm::Kernel::Done Daemon::kernel_changed(const ike::engine::KernelOwner& owner, bool addition) {
    return [this, owner, addition](const base::Status& r) {
        if (r) return;
        log_.error(r.error().message, {owner.connection, {}});
        if (addition) kernel_failed_.push_back({owner.engine, {owner.connection, owner.ike_spi, r.error().message}});
    };
}

// An SA added: the leftover SAs it replaces go.
void Daemon::sa_added(const xfrm::Kernel::Done& on, const base::Status& r, const xfrm::Sa& sa) {
    on(r);
    if (r) leftovers_.added_sa(*kernel_, sa);
}

template <class T>
void Daemon::apply_now(const T& fx) {
    base::Status st;
    if constexpr (std::is_same_v<T, ike::engine::SendDatagram>) {
        send(fx);
    } else if constexpr (std::is_same_v<T, ike::engine::MigrateSa>) {
        // Logged only: an SA that did not move still protects, towards the old mapping.
        st = policies_->migrate(fx.owner.engine, fx.migration);
    } else if constexpr (std::is_same_v<T, ike::engine::ResolveHost>) {
        resolver_->resolve(fx);
    } else if constexpr (std::is_same_v<T, ike::engine::StatePublished>) {
        published(fx);
        if (shards_.empty()) {
            if (state_listener_) state_listener_(fx);
        } else if (state_listener_) {
            auto merged = fx;
            merged.state = merged_state(applying_shard_, fx);
            state_listener_(merged);
        }
    } else if constexpr (std::is_same_v<T, ike::engine::Log>) {
        log_.log(to_level(fx.level), fx.message, {fx.connection, fx.ike_spi});
    } else if constexpr (std::is_same_v<T, ike::engine::PeerAuthenticated>) {
        tell_other_shards(fx);
    }
    if (!st) log_.error(st.error().message, {fx_connection(fx), {}});
}

// A route's source must be an address of the host: a virtual IP goes on before the routes
// that use it and off after them. Its DNS configuration follows it on its link.
void Daemon::published(const ike::engine::StatePublished& fx) {
    const bool closed = fx.ike_sa.state == "closed";
    if (vips_ && !closed) vips_->update(fx.connection, fx.ike_sa);
    if (dns_) dns_->update(fx.connection, fx.ike_sa, vips_ ? vips_->link_of(fx.connection, fx.ike_sa.local_spi) : std::nullopt);
    if (routes_) routes_->update(fx.connection, fx.ike_sa);
    if (vips_ && closed) vips_->update(fx.connection, fx.ike_sa);
}

// The IKE SAs a new one replaces (INITIAL_CONTACT, an identity connecting again) may be on
// any shard: each other one that holds IKE SAs deletes its own, after what it was doing (the
// policy ledger keeps the new SA's policies whatever the order). One that held none at the
// end of its last turn is not woken: what it takes on later is newer than this one.
void Daemon::tell_other_shards(const ike::engine::PeerAuthenticated& fx) {
    const ike::engine::PeerAuthenticatedElsewhere elsewhere{fx};
    for (auto& shard : shards_)
        if (shard->index() != applying_shard_ && shard->holds_ike_sas()) shard->post(elsewhere);
    if (applying_shard_ != 0)
        from_shards_->post([this, elsewhere] { apply_all(engines_->handle(now_monotonic(), elsewhere)); });
}

ike::engine::ConnectionState Daemon::merged_state(unsigned shard, const ike::engine::StatePublished& fx) {
    auto& states = shard_states_[fx.connection];
    states.resize(shards_.size() + 1, ike::engine::ConnectionState::down);
    states[shard] = fx.state;
    return *std::max_element(states.begin(), states.end(), [](auto a, auto b) { return rank(a) < rank(b); });
}

void Daemon::rearm_timer() { rearm_engine_timer(event_, timer_, engines_->next_wakeup(), on_timer, this); }

int Daemon::on_datagram(sd_event_source*, int fd, uint32_t, void* p) {
    auto* self = static_cast<Daemon*>(p);
    for (auto& s : self->sockets_) {
        if (s.fd() != fd) continue;
        // One wakeup serves what is queued, a burst per system call, but at most
        // kMaxDatagramsPerWakeup: a flood on one socket cannot starve the others, the timer or
        // the bus, which sd-event dispatches before this socket's next turn.
        for (std::size_t taken = 0; taken < kMaxDatagramsPerWakeup; taken += IkeSocket::kBurst) {
            auto burst = s.receive();
            if (!burst) {
                self->log_.warning(burst.error().message);
                break;
            }
            // The answers wait for the burst's end (after the kernel changes before them, as
            // always) and go out together: one system call, one wakeup of the other side.
            self->holding_sends_ = true;
            for (auto& dg : burst->datagrams)
                self->feed(ike::engine::DatagramIn{dg.local, dg.remote, std::move(dg.data)});
            self->holding_sends_ = false;
            self->send_outbox();
            if (!burst->more) break;
        }
    }
    return 0;
}

int Daemon::on_kernel_event(sd_event_source*, int, uint32_t, void* p) {
    auto* self = static_cast<Daemon*>(p);
    if (self->dispatch_kernel_events_) self->dispatch_kernel_events_();
    return 0;
}

int Daemon::on_timer(sd_event_source*, uint64_t, void* p) {
    static_cast<Daemon*>(p)->feed(ike::engine::Tick{});
    return 0;
}

int Daemon::on_signal(sd_event_source*, const signalfd_siginfo* si, void* p) {
    auto* self = static_cast<Daemon*>(p);
    if (si->ssi_signo == SIGHUP) {
        self->log_.info("SIGHUP: reloading the configuration");
        if (self->reload_handler_) self->reload_handler_();
        return 0;
    }
    self->shutdown();
    return 0;
}

// SIGTERM: delete every IKE/CHILD SA (INFORMATIONAL delete to peers), remove what we put
// in the kernel, exit 0 (DESIGN Part 2).
void Daemon::shutdown() {
    if (stopping_) return;
    stopping_ = true;
    sd_notify(0, "STOPPING=1\nSTATUS=deleting SAs");
    for (const auto& c : status()) feed(ike::engine::AdminDown{c.name});
    // The other shards' deletions (their INFORMATIONALs, their kernel state) before the exit.
    for (auto& shard : shards_) shard->settle();
    if (from_shards_) from_shards_->run_pending();
    manual_->remove_all();
    if (auto st = kernel_->flush_owned(); !st) log_.error(st.error().message);
    leftovers_.drop_all(*kernel_);
    if (routes_) routes_->stop();
    if (vips_) vips_->stop();
    if (dns_) dns_->stop();
    log_.info("stopped");
    sd_event_exit(event_, 0);
}

}  // namespace ipsecd
