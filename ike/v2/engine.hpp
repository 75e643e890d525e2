// ike::v2::Engine: the IKEv2 protocol core, sans I/O (docs/DESIGN.md Part 1), one of the two
// engines behind ike::engine::Engine (ike/engine/engine.hpp; ike::engine::Engines drives both).
//
// The daemon owns the sockets, the clock, the kernel and the bus. It creates one Engine
// with the configuration and a random source, then:
//
//   Effects fx = engine.handle(now, DatagramIn{local, remote, bytes});   // per datagram
//   Effects fx = engine.handle(now, Tick{});        // when the timer for next_wakeup() fires
//   Effects fx = engine.handle(now, AdminUp{"site-b"});                   // D-Bus Up, start: up
//   Effects fx = engine.handle(now, KernelAcquire{acq}) / KernelExpire{exp}
//   Effects fx = engine.start(now);                  // once: start: up and start: trap
//   Effects fx = engine.reconfigure(now, config);    // reload, AddConnection, RemoveConnection
//
// and applies every effect in order (effects.hpp): SendDatagram over UDP, AddSa/UpdateSa/
// DeleteSa/AddPolicy/DeletePolicy through xfrm::Kernel, StatePublished to D-Bus, Log to the
// journal. After each call it re-arms a single timer at next_wakeup() (none = disarm).
//
// Guarantees: deterministic for a given configuration, Rng output and sequence of
// (now, event); no exceptions escape handle(); no I/O, no clock reads; a malformed or hostile
// datagram yields at most a Log effect (and, where RFC 7296 asks, a Notify answer).
// `now` must not go backwards between calls.
//
// Kernel failures: every kernel effect names its KernelOwner (connection, IKE SA). A daemon
// that fails to apply an AddSa/UpdateSa/AddPolicy feeds KernelFailed{owner, error} back once
// the batch is applied; the engine then takes that IKE SA down cleanly.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ike/crypto/rng.hpp"
#include "ike/policy/config.hpp"
#include "ike/v2/contacted_peers.hpp"
#include "ike/v2/lease_book.hpp"
#include "ike/v2/neutral.hpp"
#include "ike/wire/message.hpp"

namespace ike::v2 {

struct Core;  // the engine's state and the exchanges' shared context (core.hpp)

struct EngineOptions {
    RetransmitPolicy retransmit;
    // Above this many half-open IKE SAs the responder demands a COOKIE (RFC 7296 2.6).
    unsigned cookie_threshold = 64;
    // Hard bound on half-open IKE SAs: beyond it new IKE_SA_INIT requests are ignored.
    unsigned max_half_open = 4096;
    // A half-open responder SA not completed within this time is forgotten.
    Duration half_open_timeout{30000};
    // Our UDP ports (the daemon's --ike-port and --natt-port): IKE starts on ike_port and moves
    // to natt_port when a NAT is detected (RFC 7296 2.23); natt_port carries the non-ESP marker.
    std::uint16_t ike_port = 500;
    std::uint16_t natt_port = 4500;
    // Largest IKE datagram sent unfragmented once both sides support RFC 7383.
    std::size_t fragment_size = 1280;
    // The daemon's shard this engine is (docs/DESIGN.md "Several cores: shards"): the low byte
    // of every IKE SPI it chooses (the SPI's last on the wire) is index modulo count, random
    // otherwise, so the daemon's steering program hands the datagrams of its IKE SAs to it.
    // 1 <= count <= 256 (one byte tells them apart), index < count.
    struct Shard {
        unsigned index = 0;
        unsigned count = 1;
    } shard;
    // The leases of the address pools: the daemon gives every shard the same thread-safe
    // book (daemon/shared_leases.hpp), so that no address is leased twice and an identity
    // keeps its lease whichever shard its IKE SA lands on. Without one the engine keeps
    // its own.
    std::shared_ptr<LeaseBook> leases;
    // The peers contacted (INITIAL_CONTACT, contacted_peers.hpp): the daemon gives every
    // shard the same thread-safe one (daemon/shared_contacted_peers.hpp). Without one the
    // engine keeps its own.
    std::shared_ptr<ContactedPeers> contacted;
    // The least important Log effect emitted (the daemon's --log-level): lines below it are
    // neither built nor emitted, so that a busy responder formats none of its debug lines.
    LogLevel log_level = LogLevel::debug;
    // Certificates and keys of the connections that authenticate with public keys (auth:
    // pubkey); without them such connections fail authentication with a log line. Not
    // owned: like the Rng, it must outlive the engine.
    const Credentials* credentials = nullptr;
    // The host's source address towards a peer (the preferred source of the route to it, as
    // `ip route get` shows), for an initiator whose connection names no local address: RFC
    // 7296 2.23's NAT detection hashes the address packets really leave from. Like the
    // clock, a part of the environment the engine asks rather than reads; without it such
    // connections cannot initiate.
    std::function<base::Result<net::Address>(const net::Address& remote)> source_address;
    // Reserves the SPI of an inbound CHILD SA from `src` (the peer) to `dst` (us): the
    // kernel's XFRM_MSG_ALLOCSPI, which picks one no other SA of the host holds and keeps it
    // as a larval SA until the CHILD SA completes it (AddSa::larval). Injected like
    // source_address, so the engine stays deterministic and never draws an SPI that another
    // IKE daemon or a manual SA already uses; without it no CHILD SA can be created.
    std::function<base::Result<std::uint32_t>(const net::Address& src, const net::Address& dst, xfrm::Proto proto)>
        allocate_spi;
    // Tests only: rewrites each response's payloads before they are protected, to play a
    // peer that breaks the rules (a responder widening traffic selectors, RFC 7296 2.9).
    // It cannot live in the test harness: the harness sees only sealed datagrams, and
    // rewriting those would need the IKE SA's keys, a wider opening than this hook.
    std::function<void(wire::ExchangeType, std::vector<wire::Payload>&)> rewrite_response;
    // Tests only: rewrites the payloads of the IKE_SA_INIT request or response we send before
    // it is encoded, to play a peer without an extension (Apple's clients send no
    // SIGNATURE_HASH_ALGORITHMS, RFC 7427 4). Both AUTHs sign IKE_SA_INIT (2.15): changed in
    // flight, it would fail them.
    std::function<void(bool request, std::vector<wire::Payload>&)> rewrite_ike_sa_init;
};

class Engine final : public engine::Engine {
public:
    Engine(policy::Config config, crypto::Rng& rng, EngineOptions options = {});
    ~Engine() override;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Feeds one event; returns the effects to apply, in order.
    Effects handle(Time now, const Event& event) override;

    // When the engine next needs a Tick (retransmission, rekey, DPD, expiry); nullopt if
    // nothing is scheduled.
    std::optional<Time> next_wakeup() const override;

    // Starts the configuration given to the constructor: installs the trap policies of
    // `start: trap` children and initiates connections with a `start: up` child.
    Effects start(Time now) override;

    // Replaces the configuration as a diff (policy::diff): removed connections are taken
    // down (kernel state removed, INFORMATIONAL Delete to the peer), changed ones taken
    // down and started again with the new settings, added ones started; an unchanged
    // connection gets no effect at all. New secrets apply to the next authentication.
    Effects reconfigure(Time now, policy::Config next) override;
    // The same, and the added connections named in `brought_up` (the operator's Up had them
    // up or connecting on the IKEv1 engine until the reload changed their `version`) are
    // brought up again as a changed connection the operator had up is, their traffic held.
    Effects reconfigure(Time now, policy::Config next, const std::set<std::string>& brought_up);
    // True if the operator's Up (no Down since) has the connection up or connecting.
    bool operator_has_up(const std::string& connection) const;

    // Current state of every configured IKEv2 connection (also published as StatePublished
    // whenever it changes).
    std::vector<ConnectionStatus> status() const override;
    // One configured connection's (what `ipsecctl status NAME` shows), from its own IKE SAs:
    // the cost does not grow with the other connections' SAs. nullopt: no such IKEv2 connection.
    std::optional<ConnectionStatus> status(const std::string& connection) const override;

    // The leases of every pool, in configuration order, each pool's in address order.
    std::vector<Lease> leases() const;
    // Whether it holds an IKE SA in any state (the daemon tells another shard's
    // PeerAuthenticated only to shards that do).
    bool holds_ike_sas() const;

    // Replaces the credentials (EngineOptions::credentials; not owned); IKE SAs
    // authenticate with the ones set when their IKE_AUTH runs.
    void set_credentials(const Credentials* credentials) override;

private:
    std::unique_ptr<Core> core_;
};

}  // namespace ike::v2
