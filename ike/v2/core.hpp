// The engine's state and the context every exchange step works in. Internal to ike/v2:
// the daemon sees only engine.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ike/crypto/rng.hpp"
#include "ike/policy/config.hpp"
#include "ike/v2/effects.hpp"
#include "ike/v2/engine.hpp"
#include "ike/v2/ike_sa.hpp"

namespace ike::v2 {

struct Core {
    Core(policy::Config c, crypto::Rng& r, EngineOptions o);

    policy::Config config;
    crypto::Rng& rng;
    EngineOptions options;

    // IKE SAs by our own SPI.
    std::map<std::uint64_t, std::unique_ptr<IkeSa>> sas;
    // Responder half-open SAs by the initiator's SPI and address, for IKE_SA_INIT
    // retransmissions (which carry no responder SPI).
    std::map<std::pair<std::uint64_t, net::Endpoint>, std::uint64_t> half_open;
    base::Bytes cookie_secret;
    std::uint32_t next_reqid = 1;
    // IKE SAs per connection and state (closed ones are not counted), for the connection
    // state without walking every SA.
    std::map<const policy::Connection*, std::array<unsigned, 7>> census;
    // Our SPIs of IKE SAs closed during this event, dropped once it is handled.
    std::vector<std::uint64_t> closed;

    // Set for the duration of one handle() call.
    Time now{};
    Effects* out = nullptr;

    // ---- helpers shared by the exchanges ----
    std::uint64_t new_ike_spi();
    std::uint32_t new_child_spi();
    base::Bytes random_bytes(std::size_t n);
    void log(LogLevel level, const IkeSa* sa, std::string message);
    void log(LogLevel level, const std::string& connection, std::string message);
    void emit(Effect e) { out->push_back(std::move(e)); }
    void send(const IkeSa& sa, const Datagrams& datagrams);
    IkeSa& add_sa(std::unique_ptr<IkeSa> sa);
    // Publishes the state of one IKE SA and its connection (StatePublished).
    void publish(const IkeSa& sa);
    ConnectionState connection_state(const policy::Connection& conn) const;
    // Every connection with its IKE SAs, in configuration order.
    std::vector<ConnectionStatus> snapshot() const;
};

// "0x0000c1a5", "0x0123456789abcdef": SPIs as logs and status show them.
std::string hex_spi(std::uint32_t spi);
std::string hex_spi(std::uint64_t spi);
base::Bytes be32(std::uint32_t v);
std::uint32_t read_be32(base::ByteView b);  // 0 unless exactly 4 bytes
base::Bytes be64(std::uint64_t v);
std::uint64_t read_be64(base::ByteView b);  // 0 unless exactly 8 bytes

// The one place an IKE SA changes state (see ike_sa.hpp).
void enter_state(Core& core, IkeSa& sa, IkeState next);
// Drops the records of deleted CHILD SAs (not while iterating over sa.children).
void prune_children(IkeSa& sa);
// The one place a CHILD SA changes state.
void enter_state(Core& core, IkeSa& sa, ChildSa& child, ChildState next);

}  // namespace ike::v2
