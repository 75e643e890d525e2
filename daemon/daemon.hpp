// The daemon shell: one sd-event loop that owns the IKE sockets, the kernel (xfrm/), the
// engines' timer and the signals, and translates between them and the sans-I/O engines
// (ike/engine/engines.hpp: IKEv2 and IKEv1 behind one interface, which routes each event to
// the engine it concerns). Nothing protocol-specific happens here.
#pragma once

#include <systemd/sd-event.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "daemon/ike_socket.hpp"
#include "daemon/leftovers.hpp"
#include "daemon/log.hpp"
#include "daemon/mailbox.hpp"
#include "daemon/manual_sas.hpp"
#include "daemon/new_sa_spreader.hpp"
#include "daemon/options.hpp"
#include "daemon/resolver.hpp"
#include "daemon/routes.hpp"
#include "daemon/resolved_dns.hpp"
#include "daemon/shard.hpp"
#include "daemon/virtual_ips.hpp"
#include "ike/crypto/fast_key_erasure_rng.hpp"
#include "ike/engine/engines.hpp"
#include "xfrm/kernel.hpp"
#include "xfrm/policy_ledger.hpp"
#include "xfrm/routing.hpp"

namespace ipsecd {

class Daemon {
public:
    // Called with every IKE SA state the engines publish (the D-Bus layer listens here).
    using StateListener = std::function<void(const ike::engine::StatePublished&)>;

    Daemon(const Options& options, Logger& log);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Opens the sockets and the kernel and installs the configuration; nothing is sent yet.
    // `routing` (not owned, must outlive the daemon) tells the engine the source address of
    // the route to a peer, for connections that name no local address. With --threads N > 1,
    // `open_shard_kernel` gives each of the N - 1 other shards its own (daemon/shard.hpp).
    using OpenShardKernel = std::function<base::Result<ShardKernel>()>;
    base::Status start(ike::policy::Config config, std::unique_ptr<xfrm::Kernel> kernel,
                       xfrm::Routing& routing, int kernel_event_fd,
                       std::function<void()> dispatch_kernel_events, OpenShardKernel open_shard_kernel = {});
    // Brings up the `start: up` connections, then runs until SIGTERM/SIGINT. Returns the
    // exit code.
    int run();

    sd_event* event() const { return event_; }
    ike::engine::Engines& engines() { return *engines_; }
    // Both engines authenticate with `credentials` (not owned; kept until the next call).
    void set_credentials(const ike::engine::Credentials* credentials);
    xfrm::Kernel& kernel() { return *kernel_; }
    // The manually keyed connections' kernel state (the engine never sees them).
    const ManualSas& manual() const { return *manual_; }
    void set_state_listener(StateListener l) { state_listener_ = std::move(l); }
    // Tunnel routes follow every published IKE SA state; all removed at SIGTERM.
    void set_routes(Routes* routes) { routes_ = routes; }
    // A road warrior's virtual IPs follow every published IKE SA state; all removed at SIGTERM.
    void set_virtual_ips(VirtualIps* vips) { vips_ = vips; }
    void set_resolved_dns(ResolvedDns* dns) { dns_ = dns; }
    // SIGHUP and D-Bus Reload both land here.
    void set_reload_handler(std::function<void()> h) { reload_handler_ = std::move(h); }

    // Feeds one event to the engines (ike::engine::Engines routes it; with several shards, a
    // kernel event goes to the shard of its reqid, an operator's Down and a host name's
    // answer to every shard), applies the effects and re-arms the timer.
    void feed(const ike::engine::Event& event);
    // The first datagram the last feed() could not send, as text; empty when there was none.
    // (An operator's Up fails with it; the engine's own failures are typed, in its status.)
    const std::string& last_feed_error() const { return feed_error_; }
    // Starts the configuration given to start(): manual SAs, trap policies, `start: up`
    // initiations.
    void start_connections();
    // Hands the engines (and the manual SAs) a new configuration; each touches only what
    // changed (reload as a diff).
    base::Status reconfigure(ike::policy::Config config);
    // An engine time (steady clock) as seconds since the Unix epoch; 0 stays 0 (not known).
    static std::uint64_t wall_seconds(ike::engine::Time t);
    // The engines' current state of one connection (IKEv2: from its own SAs), and of all;
    // every shard's SAs, the state the shards' together (merged_state).
    ike::engine::ConnectionStatus status_of(const std::string& name) const;
    std::vector<ike::engine::ConnectionStatus> status() const;

private:
    static int on_datagram(sd_event_source*, int fd, uint32_t, void* self);
    static int on_kernel_event(sd_event_source*, int fd, uint32_t, void* self);
    static int on_timer(sd_event_source*, uint64_t, void* self);
    static int on_signal(sd_event_source*, const signalfd_siginfo* si, void* self);

    // The sockets of shard 0 in sockets_; each other shard's, by shard, in the result.
    base::Result<std::vector<std::vector<IkeSocket>>> open_sockets();
    base::Status start_shards(const ike::policy::Config& config, const ike::v2::EngineOptions& options,
                              std::vector<std::vector<IkeSocket>> sockets, const OpenShardKernel& open_kernel);
    // The shard an event from the main thread goes to (0: this thread's engines; nullopt: all).
    std::optional<unsigned> shard_for(const ike::engine::Event& event) const;
    // A turn of another shard's effects, an event's each (Shard::Deliver).
    void apply_from_shard(unsigned index, std::vector<ike::engine::Effects> turn);
    // Applies effects in order, then feeds back the kernel failures they met (KernelFailed)
    // and applies what the engine answers, and re-arms the timer.
    void apply_all(ike::engine::Effects effects);
    void apply(const ike::engine::Effect& effect);
    template <class T>
    void apply_now(const T& fx);  // an effect that is not a kernel change
    xfrm::Kernel::Done kernel_changed(const ike::engine::KernelOwner& owner, bool addition);
    void sa_added(const xfrm::Kernel::Done& on, const base::Status& r, const xfrm::Sa& sa);
    void send(const ike::engine::SendDatagram& d);
    IkeSocket* socket_for(const ike::engine::SendDatagram& d);  // logs when there is none
    void send_outbox();
    // Routes and virtual IPs follow one IKE SA's new state.
    void published(const ike::engine::StatePublished& fx);
    void tell_other_shards(const ike::engine::PeerAuthenticated& fx);
    // A connection's state as the shards' states together make it (one shard: its own).
    ike::engine::ConnectionState merged_state(unsigned shard, const ike::engine::StatePublished& fx);
    void note_error(const std::string& message);  // kept when it is the feed's first
    void rearm_timer();
    void shutdown();

    const Options& options_;
    Logger& log_;
    sd_event* event_ = nullptr;
    std::vector<IkeSocket> sockets_;
    std::vector<sd_event_source*> sources_;
    sd_event_source* timer_ = nullptr;
    std::unique_ptr<xfrm::Kernel> kernel_;
    // Every policy change goes through it: each engine's wishes kept apart (KernelOwner::engine).
    std::unique_ptr<xfrm::PolicyLedger> policies_;
    std::function<void()> dispatch_kernel_events_;
    ike::crypto::SystemRng kernel_rng_;
    ike::crypto::FastKeyErasureRng rng_{kernel_rng_};  // nonces, SPIs, IVs, keys without a system call each
    std::unique_ptr<ike::engine::Engines> engines_;  // shard 0's
    // Shards 1..N-1 (--threads), their effects applied here as they come through from_shards_;
    // each connection's last published state on each shard (shard 0 first), with several.
    std::unique_ptr<Mailbox> from_shards_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::unique_ptr<NewSaSpreader> spreader_;  // --spread-new-sas auto, with several
    std::map<std::string, std::vector<ike::engine::ConnectionState>> shard_states_;
    unsigned applying_shard_ = 0;  // whose effects apply() is applying
    std::unique_ptr<ManualSas> manual_;
    std::unique_ptr<Resolver> resolver_;  // host names in remote.address, off the loop
    ike::policy::Config started_;  // given to start(), installed by start_connections()
    StateListener state_listener_;
    Routes* routes_ = nullptr;
    VirtualIps* vips_ = nullptr;
    ResolvedDns* dns_ = nullptr;
    std::function<void()> reload_handler_;
    Leftovers leftovers_{log_};  // what a killed predecessor left in the kernel
    bool stopping_ = false;
    // Met while applying effects, each with the engine whose effect failed (KernelOwner::engine).
    std::vector<std::pair<std::uint32_t, ike::engine::KernelFailed>> kernel_failed_;
    std::string feed_error_;  // last_feed_error()
    // While a received burst is fed, the datagrams the engines send wait here (send_outbox).
    bool holding_sends_ = false;
    std::vector<ike::engine::SendDatagram> outbox_;
};

}  // namespace ipsecd
