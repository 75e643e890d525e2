// ike::engine::Engine: what the daemon asks of a protocol engine, whichever IKE version it
// speaks (ike::v2::Engine, ike::v1::Engine; ike::engine::Engines drives both). Sans I/O:
// events in with the time, effects out, in the order they must be applied (effects.hpp);
// deterministic given the configuration, the random source and the sequence of (now, event);
// no exception escapes. `now` must not go backwards between calls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ike/engine/clock.hpp"
#include "ike/engine/credentials.hpp"
#include "ike/engine/effects.hpp"
#include "ike/engine/events.hpp"
#include "ike/policy/config.hpp"

namespace ike::engine {

class Engine {
public:
    virtual ~Engine() = default;

    // Starts the configuration given at construction: trap policies of `start: trap`
    // children installed, connections with a `start: up` child initiated.
    virtual Effects start(Time now) = 0;
    // Feeds one event; events that concern no connection of this engine yield at most a Log.
    virtual Effects handle(Time now, const Event& event) = 0;
    // Replaces the configuration as a diff (policy::diff): removed connections are taken
    // down (Delete to the peer, kernel state removed), changed ones taken down and started
    // again, added ones started; an unchanged connection keeps its SAs and gets no effect.
    // New secrets apply to the next authentication.
    virtual Effects reconfigure(Time now, policy::Config next) = 0;
    // The state of each of this engine's connections, and of one (nullopt: not this
    // engine's); also published as StatePublished whenever it changes.
    virtual std::vector<ConnectionStatus> status() const = 0;
    virtual std::optional<ConnectionStatus> status(const std::string& connection) const = 0;
    // When the engine next needs a Tick; nullopt if nothing is scheduled.
    virtual std::optional<Time> next_wakeup() const = 0;
    // Certificates and keys for public-key authentication (not owned; kept until the next
    // call): SAs authenticate with the ones set when their authentication runs.
    virtual void set_credentials(const Credentials* credentials) = 0;
};

}  // namespace ike::engine
