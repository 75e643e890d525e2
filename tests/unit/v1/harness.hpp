// Two peers in one process, each running both engines behind ike::engine::Engines (as the
// daemon does), joined by the in-memory network of the IKEv2 tests and driven by one fake
// clock (like tests/unit/v2/harness.hpp).
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "ike/crypto/rng.hpp"
#include "ike/engine/engines.hpp"
#include "ike/v1/engine.hpp"
#include "ike/wire/v1/constants.hpp"
#include "tests/unit/v2/network.hpp"
#include "xfrm/memory_kernel.hpp"
#include "xfrm/policy_ledger.hpp"

namespace ike::v1::test {

using v2::test::Network;

class Peer {
public:
    Peer(net::Endpoint endpoint, policy::Config config, std::uint64_t seed, EngineOptions options);

    const net::Endpoint& endpoint() const { return endpoint_; }
    engine::Engines& engine() { return *engine_; }
    const Effects& history() const { return history_; }
    // The in-memory kernel the engine's kernel effects are applied to, and how many of them
    // it refused (an SA added twice, a policy deleted when not there).
    xfrm::MemoryKernel& kernel() { return kernel_; }
    unsigned kernel_errors() const { return kernel_errors_; }
    // Called after each policy change reaches the kernel (empty: none), to see the policies
    // between any two effects of a batch.
    void on_policy_change(std::function<void()> check) { policy_changed_ = std::move(check); }
    void handle(Time now, const Event& event, Network& network);
    // The engine's start (traps, `start: up`).
    void start(Time now, Network& network);
    // A reload: the engine takes `config` as a diff.
    void reconfigure(Time now, policy::Config config, Network& network);
    engine::ConnectionStatus connection(const std::string& name) const;
    bool logged(const std::string& text) const;
    unsigned times_logged(const std::string& text) const;  // log lines holding `text`
    // Datagrams this peer's engine sent so far, of one exchange type.
    unsigned sent(wire::v1::ExchangeType exchange = wire::v1::ExchangeType::identity_protection) const;

private:
    void apply(Time now, const Effects& effects, Network& network);
    // Applies a policy change through the ledger; false for any other effect.
    bool apply_policy(const engine::Effect& e, const xfrm::Kernel::Done& count);

    net::Endpoint endpoint_;
    crypto::DeterministicRng rng_;
    std::unique_ptr<engine::Engines> engine_;
    Effects history_;
    xfrm::MemoryKernel kernel_;
    xfrm::PolicyLedger policies_{kernel_};  // as the daemon's: each engine's wishes apart
    unsigned kernel_errors_ = 0;
    std::function<void()> policy_changed_;
};

// How many effects of type T the peer's engine produced so far, and those effects.
template <class T>
unsigned count(const Peer& p) {
    return static_cast<unsigned>(std::count_if(p.history().begin(), p.history().end(),
                                               [](const engine::Effect& e) { return std::holds_alternative<T>(e); }));
}
template <class T>
std::vector<T> effects(const Peer& p) {
    std::vector<T> out;
    for (const auto& e : p.history())
        if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
    return out;
}

class Pair {
public:
    // alice at 192.0.2.1:500, bob at 192.0.2.2:500.
    Pair(policy::Config alice, policy::Config bob, EngineOptions options = {});

    Time now() const { return now_; }
    Network& network() { return network_; }
    Peer& alice() { return alice_; }
    Peer& bob() { return bob_; }

    void up(Peer& peer, const std::string& connection);
    void down(Peer& peer, const std::string& connection);
    void reconfigure(Peer& peer, policy::Config config);
    // The kernel tells `peer` that the IPsec SA with this inbound SPI and reqid expired.
    void expire(Peer& peer, std::uint32_t spi_in, std::uint32_t reqid, bool hard);
    // Ten minutes of simulated time: every Main Mode completes or gives up in it.
    void run();
    // Moves the clock to now + d, delivering and ticking on the way.
    void advance(engine::Duration d);
    // `check` runs after every event either peer handles (like tests/unit/v2/harness.hpp):
    // each moment between two events sees the kernels as they are then.
    void watch(std::function<void()> check) { watch_ = std::move(check); }

private:
    void step_until(Time until);
    void handle(Peer& peer, const Event& event);
    Peer& peer_at(const net::Endpoint& e);

    Time now_{std::chrono::hours(1)};
    Network network_;
    Peer alice_, bob_;
    std::function<void()> watch_;
};

// The "site" connection of tests/unit/v2/configs.hpp as an IKEv1 connection with one
// phase-1 proposal (strongSwan syntax).
policy::Config v1_site(bool alice_side, const std::string& ike_proposal = "aes256-sha256-modp2048",
                       const std::string& psk = "shared secret");

}  // namespace ike::v1::test
