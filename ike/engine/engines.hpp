// ike::engine::Engines: the IKEv2 and the IKEv1 engine behind one ike::engine::Engine, so that
// the daemon drives one object whatever version a connection speaks. Each event goes to the
// engine it concerns:
//   - a datagram by the major version in its header (RFC 2408 3.1 / RFC 7296 3.1: 1 or 2);
//   - an operator's Up or Down by the version of the connection it names;
//   - a kernel acquire or expiry by the reqid of the policy or SA (engine::reqids.hpp, the
//     IKEv1 half: v1::is_v1_reqid);
//   - a kernel failure to the engine that emitted the kernel effect: the one running the
//     failed effect's connection (only additions fail back, and only the engine running a
//     connection adds kernel state for it);
//   - a host name's resolution to the IKEv2 engine (IKEv1 connections name addresses);
//   - another shard's PeerAuthenticatedElsewhere to the IKEv2 engine (which emits them);
//   - a Tick to both.
// A reload goes to both; a connection whose `version` it changes moves from the one to the
// other, and one an operator's Up had up there is brought up again here. Effects come back
// in the order the engines emitted them, the IKEv1 engine's policy effects marked as its
// (KernelOwner::engine: the daemon's policy ledger keeps each engine's wishes apart, as a
// moving connection's policies are wanted by both for a moment); status merges both views.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ike/crypto/rng.hpp"
#include "ike/engine/engine.hpp"
#include "ike/v1/engine.hpp"
#include "ike/v2/engine.hpp"

namespace ike::engine {

class Engines final : public Engine {
public:
    Engines(policy::Config config, crypto::Rng& rng, v2::EngineOptions v2_options, v1::EngineOptions v1_options);
    ~Engines() override;
    Engines(const Engines&) = delete;
    Engines& operator=(const Engines&) = delete;

    Effects start(Time now) override;
    Effects handle(Time now, const Event& event) override;
    Effects reconfigure(Time now, policy::Config next) override;
    // IKEv2 connections first, then IKEv1 ones, each in configuration order.
    std::vector<ConnectionStatus> status() const override;
    std::optional<ConnectionStatus> status(const std::string& connection) const override;
    std::optional<Time> next_wakeup() const override;
    void set_credentials(const Credentials* credentials) override;

    // The leases of the address pools (IKEv2 configuration payloads only).
    std::vector<v2::Lease> leases() const { return v2_->leases(); }

private:
    Engine& engine_for(const Event& event);
    Engine& engine_of(const std::string& connection);
    void note_versions(const policy::Config& config);

    std::unique_ptr<v2::Engine> v2_;
    std::unique_ptr<v1::Engine> v1_;
    std::set<std::string> v1_connections_;  // the names of the `version: 1` connections
};

}  // namespace ike::engine
