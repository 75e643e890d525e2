// ike::v1::Engine: IKEv1 (RFC 2409) sans I/O, driven like ike::v2::Engine (engine.hpp there):
// events in with the time, effects out (the same effect types, so the daemon applies both
// engines' effects alike), deterministic given the configuration, the Rng and the events.
//
// Implemented: Main Mode (RFC 2409 5, identity protection) with pre-shared keys, as
// initiator and responder, for connections with `version: 1`: the SA negotiation of
// phase1_proposal.hpp, KE + nonce, encrypted ID + HASH with the CBC IV chaining of Appendix
// B, retransmission by the initiator and replay of the last message by the responder, the
// negotiated lifetime (the ISAKMP SA is forgotten when it ends). Aggressive Mode is refused.
// Not yet: Quick Mode, Informational exchanges (Delete, DPD), NAT-T, signatures, rekeying.
#pragma once

#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "ike/crypto/rng.hpp"
#include "ike/policy/config.hpp"
#include "ike/v2/clock.hpp"
#include "ike/v2/effects.hpp"
#include "ike/v2/events.hpp"
#include "ike/v2/retransmit.hpp"

namespace ike::v1 {

using v2::Effects;
using v2::Time;

// The events this engine handles (the version-neutral ones of ike/v2/events.hpp).
using Event = std::variant<v2::DatagramIn, v2::Tick, v2::AdminUp>;

struct EngineOptions {
    v2::RetransmitPolicy retransmit;
    // A responder Main Mode not completed within this time is forgotten.
    v2::Duration half_open_timeout{30000};
    std::uint16_t ike_port = 500;
};

struct Core;

class Engine {
public:
    Engine(policy::Config config, crypto::Rng& rng, EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    Effects handle(Time now, const Event& event);
    std::optional<Time> next_wakeup() const;
    // Connections with `version: 1` only; `up` once an ISAKMP SA is established.
    std::vector<v2::ConnectionStatus> status() const;

private:
    std::unique_ptr<Core> core_;
};

}  // namespace ike::v1
