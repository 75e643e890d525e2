// One IKEv2 engine on a thread of its own, a "shard" (docs/DESIGN.md "Several cores:
// shards"): shard `index` (1 or more) of the daemon's `count`; shard 0 is the daemon's own
// engines, on the main thread. It reads its member of each IKE socket group (the steering
// program hands it the datagrams of the IKE SAs whose SPI names it, shard_steering.hpp) and
// runs its engine's timer. The engine's effects go to the main thread, each event's in
// order (Deliver), which applies them as it applies its own: the kernel changes, the sends
// after them, the bus and the log stay on one thread. The engine is touched only on the
// shard's thread: what the main thread asks of it (a kernel event, an operator's Down, a
// reload, a status) is posted there.
#pragma once

#include <systemd/sd-event.h>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "daemon/ike_socket.hpp"
#include "daemon/mailbox.hpp"
#include "ike/crypto/fast_key_erasure_rng.hpp"
#include "ike/crypto/rng.hpp"
#include "ike/engine/effects.hpp"
#include "ike/engine/events.hpp"
#include "ike/v2/engine.hpp"
#include "xfrm/kernel.hpp"
#include "xfrm/routing.hpp"

namespace ipsecd {

// The owner of shard `index`'s kernel effects (KernelOwner::engine, the policy ledger's
// owner): shard 0's engines keep theirs (IKEv2 0, IKEv1 1), shard i ≥ 1 is 1 + i.
constexpr std::uint32_t shard_engine(unsigned index) { return index == 0 ? ike::engine::kIkev2Engine : 1 + index; }
// The shard whose engine owns `engine`'s effects; 0 for the main thread's two.
constexpr unsigned shard_of_engine(std::uint32_t engine) { return engine <= ike::engine::kIkev1Engine ? 0 : engine - 1; }

// What a shard's engine asks the kernel itself, while it handles an event: an inbound SPI
// (XFRM_MSG_ALLOCSPI) and the source address towards a peer. Its own sockets (netlink), or
// the in-memory model (which locks each call).
struct ShardKernel {
    std::unique_ptr<xfrm::Kernel> own;  // null: `spis` is shared
    xfrm::Kernel* spis = nullptr;
    std::unique_ptr<xfrm::Routing> routing;
};

// Another shard starts no connection: `start: up`, traps and an operator's Up are shard 0's
// (a connection's home); a shard answers peers and does with its own SAs what their
// close_action says (whose default follows `start`).
ike::policy::Config responder_config(ike::policy::Config config);

class Shard {
public:
    // Called on the shard's thread with a turn's effects, an event's each, in order.
    using Deliver = std::function<void(std::vector<ike::engine::Effects>)>;

    static base::Result<std::unique_ptr<Shard>> start(unsigned index, const ike::policy::Config& config,
                                                      ike::v2::EngineOptions options, std::vector<IkeSocket> sockets,
                                                      ShardKernel kernel, std::uint32_t spi_min, std::uint32_t spi_max,
                                                      Deliver deliver);
    // Stops the thread; the engine's state goes with it (the daemon has taken its SAs down).
    ~Shard();
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;

    unsigned index() const { return index_; }
    // Posted: the engine handles them after what came before; the effects are delivered.
    void post(ike::engine::Event event);
    void reconfigure(ike::policy::Config config);
    // These wait for the shard's thread.
    void set_credentials(const ike::engine::Credentials* credentials);
    std::optional<ike::engine::ConnectionStatus> status(const std::string& connection);
    std::vector<ike::engine::ConnectionStatus> status();
    // Returns once what was posted before is handled and its effects delivered.
    void settle();
    // Whether its engine held an IKE SA at the end of its last turn (from any thread).
    bool holds_ike_sas() const { return holds_ike_sas_.load(std::memory_order_relaxed); }

private:
    Shard(unsigned index, std::vector<IkeSocket> sockets, ShardKernel kernel, Deliver deliver);
    void run(std::promise<base::Status>& ready);
    base::Status watch();  // on the thread: the mailbox, the sockets
    // Runs `work` on the shard's thread, then delivers the turn's effects and re-arms the timer.
    void later(std::function<void()> work);
    // Runs `work` on the shard's thread and waits for its result.
    template <class F>
    auto call(F work) -> decltype(work());
    // On the thread: the engine's answer to one thing, delivered with the turn's others.
    void take(ike::engine::Effects effects);
    void deliver_turn();
    static int on_datagram(sd_event_source*, int fd, uint32_t, void* self);
    static int on_timer(sd_event_source*, uint64_t, void* self);
    void rearm_timer();

    const unsigned index_;
    std::vector<IkeSocket> sockets_;
    ShardKernel kernel_;
    Deliver deliver_;
    ike::crypto::SystemRng system_rng_;
    ike::crypto::FastKeyErasureRng rng_{system_rng_};
    std::unique_ptr<ike::v2::Engine> engine_;
    std::vector<ike::engine::Effects> turn_;  // this turn's effects, not yet delivered
    std::atomic<bool> holds_ike_sas_{false};
    // The thread's own (created and freed there).
    sd_event* event_ = nullptr;
    std::unique_ptr<Mailbox> mailbox_;
    std::vector<sd_event_source*> sources_;
    sd_event_source* timer_ = nullptr;
    std::thread thread_;
};

}  // namespace ipsecd
