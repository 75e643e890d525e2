// Two IKEv2 engines in one process (strongSwan's exchange_test_helper, absorbed): each
// with its own deterministic Rng and in-memory kernel, joined by the in-memory Network,
// driven by one fake clock. Tests script scenarios and inspect kernels and effects.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ike/crypto/rng.hpp"
#include "ike/v2/engine.hpp"
#include "tests/unit/v2/network.hpp"
#include "xfrm/memory_kernel.hpp"

namespace ike::v2::test {

class Peer {
public:
    Peer(std::string name, net::Endpoint endpoint, policy::Config config, std::uint64_t seed,
         EngineOptions options = {});

    const std::string& name() const { return name_; }
    const net::Endpoint& endpoint() const { return endpoint_; }
    Engine& engine() { return *engine_; }
    xfrm::MemoryKernel& kernel() { return kernel_; }
    // Every effect this peer's engine produced, in order (logs included).
    const Effects& history() const { return history_; }
    // Kernel effects the in-memory kernel refused (a policy added twice, an SA deleted twice).
    unsigned kernel_errors() const { return kernel_errors_; }

    // Feeds an event and applies its effects: kernel changes to the kernel, datagrams to
    // the network.
    void handle(Time now, const Event& event, Network& network);
    // Engine::start and Engine::reconfigure, their effects applied like handle()'s.
    void start(Time now, Network& network);
    void reconfigure(Time now, policy::Config config, Network& network);
    // The daemon restarts: a new engine with `config` and an empty kernel; the history stays.
    void restart(policy::Config config);

    // The peer's resolver (ResolveHost): each name answered at once from `hosts`, an unknown
    // one with "Name or service not known"; with answer_names(false) questions stay unanswered.
    void set_hosts(std::map<std::string, std::vector<net::Address>> hosts) { hosts_ = std::move(hosts); }
    void answer_names(bool on) { answer_names_ = on; }
    // The kernel hands out inbound SPIs only in [min, max] (the daemon's --spi-range): with
    // all of them held, an allocation fails as the kernel's does.
    void limit_spis(std::uint32_t min, std::uint32_t max) { spi_range_ = {min, max}; }

    // The engine's current view of a connection.
    ConnectionStatus connection(const std::string& name) const;
    // True if some Log effect's message contains `text`.
    bool logged(const std::string& text) const;

private:
    void apply(Time now, Effects effects, Network& network);
    void answer(Time now, const ResolveHost& question, Network& network);
    // `options` with SPIs reserved in this peer's kernel, unless the test brings its own.
    EngineOptions with_kernel_spis(EngineOptions options);

    std::string name_;
    net::Endpoint endpoint_;
    crypto::DeterministicRng rng_;
    std::uint64_t seed_;
    EngineOptions options_;
    std::unique_ptr<Engine> engine_;
    xfrm::MemoryKernel kernel_;
    Effects history_;
    unsigned kernel_errors_ = 0;
    std::map<std::string, std::vector<net::Address>> hosts_;
    bool answer_names_ = true;
    std::pair<std::uint32_t, std::uint32_t> spi_range_{0x100, 0xffffffff};
};

class Pair {
public:
    // alice at 192.0.2.1, bob at 192.0.2.2 (or the given addresses), both on port 500.
    // Rng seeds decide nonces and SPIs (and so which side wins a rekey collision).
    Pair(policy::Config alice, policy::Config bob, EngineOptions options = {},
         std::uint64_t alice_seed = 1, std::uint64_t bob_seed = 2,
         const char* alice_address = "192.0.2.1", const char* bob_address = "192.0.2.2");
    // Each with options of its own (one shard of a gateway, a road warrior).
    Pair(policy::Config alice, EngineOptions alice_options, policy::Config bob, EngineOptions bob_options,
         std::uint64_t alice_seed = 1, std::uint64_t bob_seed = 2);

    Time now() const { return now_; }
    Network& network() { return network_; }
    Peer& alice() { return alice_; }
    Peer& bob() { return bob_; }

    void up(Peer& peer, const std::string& connection);
    void down(Peer& peer, const std::string& connection);
    // Delivers datagrams and fires timers in time order until nothing is pending or
    // `limit` of simulated time has passed.
    void run(Duration limit = Duration{600000});
    // Moves the clock to now + d, delivering and ticking on the way.
    void advance(Duration d);
    // The kernel tells `peer` that the CHILD SA's inbound SA reached its soft lifetime.
    void soft_expire(Peer& peer, std::uint32_t spi_in);
    // `check` runs after every event either peer handles from now on: a packet sent at any
    // moment between two events sees the kernels as they are then.
    void watch(std::function<void()> check) { watch_ = std::move(check); }

private:
    void step_until(Time until);
    Peer& peer_at(const net::Endpoint& e);

    void handled() {
        if (watch_) watch_();
    }

    Time now_{};
    Network network_;
    Peer alice_, bob_;
    std::function<void()> watch_;
};

// RFC 7427 4: the IKE_SA_INIT request (in_request) or response the engines send leaves
// SIGNATURE_HASH_ALGORITHMS out, as Apple's clients do.
void omit_signature_hashes(EngineOptions& options, bool in_request);
// Appends the method of each AUTH payload in the IKE_AUTH responses the engines send.
void record_response_auth(EngineOptions& options, std::vector<AuthMethod>& methods);

}  // namespace ike::v2::test
