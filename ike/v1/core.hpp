// The IKEv1 engine's state and the helpers its exchanges share (engine.hpp is the API).
#pragma once

#include <map>
#include <string>

#include "ike/crypto/rng.hpp"
#include "ike/policy/config.hpp"
#include "ike/v1/engine.hpp"
#include "ike/v1/isakmp_sa.hpp"
#include "ike/v2/engine.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::v1 {

struct Core {
    Core(policy::Config c, crypto::Rng& r, EngineOptions o) : config(std::move(c)), rng(r), options(o) {}

    policy::Config config;
    crypto::Rng& rng;
    EngineOptions options;
    std::map<std::uint64_t, IsakmpSa> sas;  // by our own cookie
    Effects out;                            // effects of the event being handled
    std::map<std::string, v2::Failure> failures;  // the last failed attempt per connection
    // The reqids of IKEv1 IPsec SAs: the engines' mark (v2::kReqidBase), in a half of its
    // range apart from the IKEv2 engine's.
    std::uint32_t next_reqid = v2::kReqidBase | 0x00800000u;

    void log(v2::LogLevel level, const std::string& connection, std::string message, std::uint64_t cookie = 0);
    void log(v2::LogLevel level, const IsakmpSa& sa, std::string message) {
        log(level, sa.connection, std::move(message), sa.own_cookie());
    }
    // Sends a Main Mode message to the peer and keeps it for replay (IsakmpSa::last_out).
    void send(IsakmpSa& sa, base::Bytes bytes);
    // Sends a phase-2 message (its exchange keeps it for replay).
    void transmit(const IsakmpSa& sa, base::Bytes bytes);
    v2::KernelOwner owner(const IsakmpSa& sa) const { return {sa.connection, sa.own_cookie()}; }
    std::uint32_t new_spi();
    // Publishes the SA's status (StatePublished); a removed SA is published as "closed".
    void publish(const IsakmpSa& sa, bool closed = false);
    void remove(IsakmpSa& sa);
    // A fresh non-zero cookie not in use (RFC 2408 2.5.3).
    std::uint64_t new_cookie();
    base::Bytes random_bytes(std::size_t n);

    v2::IkeSaStatus sa_status(const IsakmpSa& sa) const;
    v2::ConnectionState connection_state(const std::string& connection) const;
};

// main_mode.cpp
void initiate_main_mode(Core& core, Time now, const policy::Connection& connection);
// A Main Mode datagram (exchange type 2); `sa` is the SA its cookies name, if any.
void on_main_mode(Core& core, Time now, IsakmpSa* sa, const v2::DatagramIn& in, const wire::v1::Message& message);

// Starts a Quick Mode for each child of `c` without IPsec SAs or a negotiation under way.
void start_children(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c);

// quick_mode.cpp
void initiate_quick_mode(Core& core, Time now, IsakmpSa& sa, const policy::Child& child);
// A Quick Mode datagram (exchange type 32) on an ISAKMP SA.
void on_quick_mode(Core& core, Time now, IsakmpSa& sa, const v2::DatagramIn& in, const wire::v1::Message& message);
// Retransmissions and the end of finished exchanges; the earliest time either is due.
void quick_mode_timers(Core& core, Time now, IsakmpSa& sa);
std::optional<Time> quick_mode_wakeup(const IsakmpSa& sa);

// informational.cpp
void on_informational(Core& core, IsakmpSa& sa, const v2::DatagramIn& in, const wire::v1::Message& message);
// An operator's down: Deletes for its IPsec SAs and itself to the peer, kernel state removed.
void take_down(Core& core, IsakmpSa& sa);

}  // namespace ike::v1
