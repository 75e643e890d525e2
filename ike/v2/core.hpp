// The engine's state and the context every exchange step works in. Internal to ike/v2:
// the daemon sees only engine.hpp.
#pragma once

#include "ike/v2/contacted_peers.hpp"
#include "ike/v2/lease_book.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ike/crypto/rng.hpp"
#include "ike/policy/config.hpp"
#include "ike/v2/neutral.hpp"
#include "ike/v2/engine.hpp"
#include "ike/v2/ike_sa.hpp"
#include "ike/v2/scheduler.hpp"
#include "ike/wire/message.hpp"

namespace ike::v2 {

// A `start: trap` child's policies in the kernel (trap.cpp): they send matching traffic to
// an SA of `reqid` that does not exist yet, so the kernel raises an acquire (RFC 4301 "on
// demand"). The CHILD SAs negotiated for it reuse the reqid and these policies.
struct Trap {
    const policy::Connection* conn = nullptr;
    const policy::Child* child = nullptr;
    std::uint32_t reqid = 0;
    std::vector<xfrm::Policy> policies;
    // A guard, not a `start:` trap: a reload brings a `start: none` child an operator had up
    // back with new settings, and its traffic stays blocked until the new CHILD SA is in,
    // which then holds the policies alone (close_action clear, as before).
    bool until_up = false;
};

// A child that should be up and is not: a `start: up` child until it is first installed,
// and one with close_action: restart after the peer closed it. restart.cpp re-initiates it
// with back-off (1 s doubling to 60 s, with jitter) until it is installed; its trap policies
// keep its traffic blocked meanwhile. By names: the configuration may be replaced meanwhile.
struct Restart {
    std::string connection, child;
    Time at{};        // next attempt
    Duration delay{};  // the back-off after that attempt
    unsigned attempts = 0;
};

// What is known of a host name in a connection's remote.address (resolve.cpp): the addresses
// of its last successful resolution (kept across a failed one), whether a ResolveHost is out,
// and, while no address is known, when to ask again (back-off as for restarts).
struct Resolution {
    std::vector<net::Address> addresses;
    bool asked = false;
    Time retry_at = Time::max();
    Duration delay{};
};

// The configuration the engine runs: connections are found by name without a walk, and a
// reconfiguration replaces it whole (reconfigure.cpp moves the SAs' records over).
struct Configuration {
    policy::Config config;
    // Connections removed or changed by a reconfiguration whose IKE SAs are still being
    // deleted; dropped once none refers to them (a list: their addresses must not move).
    std::list<policy::Connection> retired;
    // The connections of `config` by name (find): an event naming a connection (Up, Down, a
    // restart, a status request) does not walk the others.
    std::map<std::string_view, const policy::Connection*> by_name;

    const policy::Connection* find(std::string_view name) const;
    // Replaces the configuration and its index; returns the one replaced.
    policy::Config replace_config(policy::Config next);
};

// The IKE SAs and every index they are found by: by SPI, by connection, by CHILD SA SPI, by
// peer identity, by the policies their CHILD SAs hold. No lookup here walks every SA.
struct SaTable {
    // The fragment bytes all IKE SAs' reassemblies may hold together (RFC 7383 2.6.1 leaves
    // the bound to us): declared before `sas` so that it outlives every IKE SA.
    fragmentation::Budget reassembly_budget;
    // IKE SAs by our own SPI: hashed, every datagram and timer looks one up (a tree's walk
    // was 2% of a responder's CPU, issue 13). Walks that need an order sort (sas_between,
    // status).
    std::unordered_map<std::uint64_t, std::unique_ptr<IkeSa>> sas;
    // Responder half-open SAs by the initiator's SPI and address, for IKE_SA_INIT
    // retransmissions (which carry no responder SPI).
    std::map<std::pair<std::uint64_t, net::Endpoint>, std::uint64_t> half_open;
    // IKE SAs per connection and state (closed ones are not counted), for the connection
    // state without walking every SA.
    std::map<const policy::Connection*, std::array<unsigned, 8>> census;
    // Our SPIs of each connection's IKE SAs until they are dropped: what concerns one
    // connection never walks the others' SAs. Hashed, as the indexes by SPI below: a
    // responder for %any adds one per IKE SA, and a tree's walk at every one was 1.4% of its
    // CPU (issue 13); sas_of sorts.
    std::map<const policy::Connection*, std::unordered_set<std::uint64_t>> by_connection;
    // Our SPI of the IKE SA of each CHILD SA not deleted, by its inbound and its outbound
    // SPI (a kernel expiry names either); several peers may pick the same outbound SPI.
    std::unordered_multimap<std::uint32_t, std::uint64_t> by_child_spi;
    // Our SPI of the IKE SA of each larval SA (IkeSa::larval), by its SPI: a hard expiry of
    // one finds its IKE SA without walking every SA.
    std::unordered_multimap<std::uint32_t, std::uint64_t> by_larval_spi;
    // How many CHILD SAs not deleted of each connection hold each policy (index_child): a
    // CHILD SA's installation or removal asks whether another one holds its policies without
    // walking the connection's IKE SAs (a responder for %any has them all).
    std::map<const policy::Connection*, std::map<xfrm::PolicyId, unsigned>> held_policies;
    // Our SPIs of the established IKE SAs, by the hash of their two identities (ours and the
    // peer's, identities_key): INITIAL_CONTACT (2.4) finds the other IKE SAs between the same
    // two identities without walking every SA, nor every SA of a peer identity that many of
    // our identities share.
    std::unordered_multimap<std::size_t, std::uint64_t> by_identities;
    // Our SPIs of our IKE SAs whose IKE_AUTH request is out, by the peer it goes to
    // (peer_key): an IKE_AUTH asks whether another one carries INITIAL_CONTACT (2.4) without
    // walking every SA.
    std::multimap<std::string, std::uint64_t> authenticating;
    // Our SPIs of IKE SAs closed during this event, dropped once it is handled.
    std::vector<std::uint64_t> closed;
};

// The engine: its configuration and SA table (destroyed first: the SAs point into the
// configuration), the timers (scheduler.hpp), and what the exchanges share.
struct Core : Configuration, SaTable {
    Core(policy::Config c, crypto::Rng& r, EngineOptions o);

    std::vector<Trap> traps;
    std::vector<Restart> restarts;
    // By host name.
    std::map<std::string, Resolution> resolutions;
    // Peers (identity, and address for `remote.id: %any`) an IKE SA was established with:
    // only an IKE_AUTH to a peer not in it carries INITIAL_CONTACT (2.4, contacted_peers.hpp).
    // EngineOptions::contacted, else the engine's own.
    ContactedPeers& contacted() const { return *options.contacted; }
    // The last failed attempt per connection name, until an IKE SA is established.
    std::map<std::string, Failure> failures;
    // The connections an operator's Up brought up (or on their way), until their Down or
    // removal: a reload that changes one brings it up again with the new settings.
    std::set<std::string> operator_up;
    // During a reload: the reqids of a changed connection's children, by connection and child
    // name, which its new settings' traps take over (so do their CHILD SAs): a packet that
    // meets a policy of the old reqid once its SAs are gone raises an acquire that the new
    // CHILD SA fills (engine/policy_handover.hpp).
    std::map<std::pair<std::string, std::string>, std::uint32_t> handed_reqids;
    crypto::Rng& rng;
    EngineOptions options;
    // The leases of the address pools (config_payload.hpp): EngineOptions::leases, else the
    // engine's own.
    LeaseBook& lease_book() { return *options.leases; }

    base::Bytes cookie_secret;
    // RFC 7296 2.12: a responder's X25519 exponential serves every IKE_SA_INIT it answers
    // until one IKE SA set up with it closes, and is forgotten then ("delete the information
    // associated with the exponential only when some corresponding connection was closed"):
    // each closed SA's keys stay unrecoverable, and a key generation, half of a responder's
    // X25519 cost, is saved per SA. X25519 only: its clamped scalars leak nothing to invalid
    // peer values, which reuse would otherwise expose (RFC 6989).
    struct ReusedKe {
        std::shared_ptr<const crypto::KeyExchange> ke;
        std::uint64_t generation = 0;
    };
    ReusedKe reused_ke;
    // The exponential an IKE_SA_INIT responder answers `group` with (reused for X25519);
    // notes its generation in `sa`.
    base::Result<std::shared_ptr<const crypto::KeyExchange>> responder_ke(KeGroup group, IkeSa& sa);
    // The reqid the next trap or new CHILD SA takes: in this shard's class (engine/reqids.hpp),
    // in allocation order; `reqids_wrapped` once the class was exhausted and began again.
    std::uint32_t next_reqid;
    bool reqids_wrapped = false;
    std::set<std::uint32_t> reqids_in_use;  // at the last wrap (engine::next_free_reqid)
    // Each IKE SA's next deadline; rescheduled after every event for the SAs it touched.
    Scheduler timers;
    // Our SPIs of the IKE SAs this event sent for, published, changed state of or looked
    // up for a datagram, a tick or a kernel event (duplicates allowed).
    std::vector<std::uint64_t> touched;

    // Set for the duration of one handle() call.
    Time now{};
    Effects* out = nullptr;

    // Runs one engine call: `now` and the effect sink are set while `f` runs, closed IKE SAs
    // and retired connections nobody uses any more are dropped afterwards.
    template <class F>
    Effects step(Time t, F&& f) {
        Effects fx;
        now = std::max(now, t);
        out = &fx;
        f();
        finish();
        out = nullptr;
        return fx;
    }
    void finish();

    // ---- helpers shared by the exchanges ----
    std::uint64_t new_ike_spi();
    // The inbound SPI of a new CHILD SA of `child` on `sa`, reserved in the kernel
    // (EngineOptions::allocate_spi) and noted in sa.larval; an error if none could be had.
    base::Result<std::uint32_t> reserve_spi(IkeSa& sa, const policy::Child& child);
    base::Bytes random_bytes(std::size_t n);
    // How long after its start an SA of `lifetime` is rekeyed: up to 10% sooner, at random,
    // so that two peers with equal lifetimes do not start crossing rekeys every time
    // (RFC 7296 2.8.1: rekeys SHOULD be delayed by a random amount).
    Duration rekey_after(Duration lifetime);
    // True if a Log of `level` is emitted (EngineOptions::log_level): callers building a
    // costly line ask first.
    bool logs(LogLevel level) const { return level <= options.log_level; }
    void log(LogLevel level, const IkeSa* sa, std::string message);
    void log(LogLevel level, const std::string& connection, std::string message);
    void emit(Effect e) {
        // An answer is a handful of effects (datagram, kernel changes, state, log lines): room
        // for them at once, rather than moving every ~440-byte Effect at each doubling.
        if (out->empty()) out->reserve(8);
        out->push_back(std::move(e));
    }
    // `sa`'s timers may have changed: its deadline is recomputed once the event is handled.
    void touch(const IkeSa& sa) { touched.push_back(sa.local_spi()); }
    void send(const IkeSa& sa, const Datagrams& datagrams) { send(sa, sa.local, sa.remote, datagrams); }
    void send(const IkeSa& sa, const net::Endpoint& from, const net::Endpoint& to, const Datagrams& datagrams);
    // Sends the datagrams of a new message (not a retransmission) of `sa`, after its debug
    // line (log_message).
    void send_message(const IkeSa& sa, const wire::Header& header, std::span<const wire::Payload> payloads,
                      const Datagrams& datagrams);
    // One debug line per IKE message sent or received (issue 4: "debug level shows each
    // exchange"): "sending IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ] 192.0.2.1:500 ->
    // 192.0.2.2:500 (348 bytes)". `payloads`: the inner ones of an encrypted message.
    // Without an IKE SA (stateless answers, refused requests) the line names the SPIs.
    struct Traffic {
        net::Endpoint from, to;
        std::size_t bytes = 0;  // 0: unknown (a reassembled message)
        std::size_t datagrams = 1;
    };
    void log_message(const IkeSa* sa, bool sent, const wire::Header& header, std::span<const wire::Payload> payloads,
                     const Traffic& traffic);
    // The debug line of a message received in `in` (its last fragment, if it came in several).
    void log_received(const IkeSa* sa, const DatagramIn& in, const wire::Message& message,
                      std::span<const wire::Payload> payloads);
    KernelOwner owner(const IkeSa& sa) const { return {sa.conn->name, sa.local_spi()}; }
    // The reqid of a new CHILD SA for `child`: its trap's if it has one, else a fresh one.
    std::uint32_t reqid_for(const policy::Child& child);
    // next_reqid is taken: moves it on to the shard's following one not in use.
    void advance_reqid();
    IkeSa& add_sa(std::unique_ptr<IkeSa> sa);
    // Adds `child` of `sa` to by_child_spi and held_policies, or removes it.
    void index_child(const IkeSa& sa, const ChildSa& child);
    void unindex_child(const IkeSa& sa, const ChildSa& child);
    // Adds a responder's half-open `sa` to half_open by its peer's SPI and current address,
    // or removes it: only its own entry, which another IKE SA may have taken meanwhile.
    void index_half_open(const IkeSa& sa);
    void unindex_half_open(const IkeSa& sa);
    // The IKE SAs not closed established between `local_identity` and `peer_identity`
    // (by_identities), in SPI order.
    std::vector<IkeSa*> sas_between(const std::string& local_identity, const std::string& peer_identity) const;
    // The IKE SAs of `conn` not closed, in SPI order.
    std::vector<IkeSa*> sas_of(const policy::Connection& conn) const;
    // Moves an IKE SA to another connection (the responder's choice in IKE_AUTH).
    void change_connection(IkeSa& sa, const policy::Connection& conn);
    // Publishes the state of one IKE SA and its connection (StatePublished).
    void publish(const IkeSa& sa);
    ConnectionState connection_state(const policy::Connection& conn) const;
    // What status and StatePublished show: connection_state, but `connecting` rather than
    // `down` while ipsecd brings the connection back by itself (a restart is scheduled).
    ConnectionState published_state(const policy::Connection& conn) const;
    // True while an established IKE SA of `conn` is still creating the children it was
    // started with (the connection is not up until they are in).
    bool creating_children(const policy::Connection& conn) const;
    // Every connection with its IKE SAs, in configuration order.
    std::vector<ConnectionStatus> snapshot() const;
    // One connection with its IKE SAs (in SPI order), without walking the others.
    ConnectionStatus status(const policy::Connection& conn) const;
    // The connection's last failure (none once an IKE SA is established).
    Failure failure(const std::string& connection) const;
    // False for a connection removed or replaced by a reconfiguration (in `retired`).
    bool configured(const policy::Connection& conn) const;
};

// Who an initiator's IKE SA goes to: its configured peer identity, or its address when
// any identity will do (INITIAL_CONTACT, 2.4, is sent once per peer).
std::string peer_key(const IkeSa& sa);

// "0x0000c1a5", "0x0123456789abcdef": SPIs as logs and status show them.
std::string hex_spi(std::uint32_t spi);
std::string hex_spi(std::uint64_t spi);

// The larval SA of `spi` goes (DeleteSa) unless a CHILD SA was installed with it: a
// negotiation that reserved it is over. Rather than waiting for the kernel's acquire
// timeout, so that a peer failing many negotiations cannot pile up larval SAs.
void release_spi(Core& core, IkeSa& sa, std::uint32_t spi);
// Takes the larval SA of `spi` off sa.larval (its CHILD SA is being installed); false if
// `spi` was not reserved.
bool take_larval(Core& core, IkeSa& sa, std::uint32_t spi);

// A new CHILD SA of `sa` did not come up (`kind`: refused by the peer with `notify`, could not
// be installed, or we refused the peer's answer). Recorded as the connection's failure
// (status, Up's error).
void record_child_failure(Core& core, const IkeSa& sa, const policy::Child& child, FailureKind kind,
                          std::uint16_t notify = 0);

// The earliest moment `sa` needs the engine (engine.cpp's on_tick serves it); nullopt: never.
std::optional<Time> next_deadline(const Core& core, const IkeSa& sa);

// How long an initiation waits for its ResolveHost's answer before it counts as failed.
inline constexpr Duration kResolveTimeout{30000};

// How long an IKE SA replaced by a rekey waits for the Delete of its initiator (2.18).
inline constexpr Duration kRekeyedTimeout{60000};

// The one place an IKE SA changes state (see ike_sa.hpp).
void enter_state(Core& core, IkeSa& sa, IkeState next);
// Drops the records of deleted CHILD SAs (not while iterating over sa.children).
void prune_children(IkeSa& sa);
// The one place a CHILD SA changes state.
void enter_state(Core& core, IkeSa& sa, ChildSa& child, ChildState next);

// ---- trap.cpp (start: trap, and the fail-closed policies of start: up) ----
// Installs the trap policies of every `start: trap` or `start: up` child of `conn` not
// trapped yet.
void install_traps(Core& core, const policy::Connection& conn);
bool has_trap(const Core& core, const policy::Child& child);
// Brings the trap policies of `conn` in line with its peer's address (it became known or
// changed): same policies updated in place, new ones added before the old ones go.
void refresh_traps(Core& core, const policy::Connection& conn);
// The peer address `conn`'s trap policies send to, if any.
std::optional<net::Address> trapped_peer(const Core& core, const policy::Connection& conn);
// Removes them; policies a live CHILD SA also uses stay with that CHILD SA.
void remove_traps(Core& core, const policy::Connection& conn);
// The same for one child (close_action: clear).
void remove_trap(Core& core, const policy::Child& child);
// Puts a guard (Trap::until_up) on `child` unless it has a trap.
void guard_until_up(Core& core, const policy::Connection& conn, const policy::Child& child);
// `child`'s CHILD SA is installed: its guard goes, leaving the policies it shares to it.
void release_guard(Core& core, const policy::Child& child);
// True if a trap policy with this id is in the kernel (a CHILD SA must not add or remove it).
bool trapped(const Core& core, const xfrm::PolicyId& id);
// True if a live (not deleted) CHILD SA of `conn` has a policy with this id.
bool used_by_child(const Core& core, const policy::Connection& conn, const xfrm::PolicyId& id);
// The kernel's acquire: initiates the trapped connection unless it is already on its way.
void on_acquire(Core& core, const xfrm::Acquire& acquire);

// ---- restart.cpp (close_action: restart, and start: up until up) ----
// Schedules `child` to be brought up with back-off unless it already is.
void want_up(Core& core, const policy::Connection& conn, const policy::Child& child);
// An operator's down or a removal: no more attempts for `conn`.
void forget_restarts(Core& core, const policy::Connection& conn);
bool restart_pending(const Core& core, const policy::Connection& conn);
// The last attempt of `conn`, an EAP road warrior, failed authentication: neither the
// back-off nor the trap's acquires try its password again; a reload or an up does.
bool password_refused(const Core& core, const policy::Connection& conn);
// A CHILD SA went into the kernel: its restart is done, its guard (Trap::until_up) gone.
void child_installed(Core& core, const IkeSa& sa, const ChildSa& child);
// A CHILD SA is gone: what its close_action says, unless the operator took it down (its
// trap is gone then) or a rekey's successor carries its traffic.
void child_lost(Core& core, const IkeSa& sa, const ChildSa& child);
// Starts the attempts that are due; the earliest one not yet due.
void run_restarts(Core& core);
std::optional<Time> next_restart(const Core& core);

// ---- resolve.cpp (host names in remote.address) ----
// True if `conn`'s remote.address is a host name (neither an address nor %any).
bool by_name(const policy::Connection& conn);
// Asks for the resolution of `conn`'s host name unless an answer is awaited already.
void resolve(Core& core, const policy::Connection& conn);
// The address to reach `conn`'s peer at: remote.address, or the first resolved address of the
// family of local.address (any family without one); nullopt while unknown.
std::optional<net::Address> peer_address(const Core& core, const policy::Connection& conn);
// True if a peer at `address` may be `conn`'s: %any, remote.address, or one of the addresses
// its host name resolved to.
bool admits(const Core& core, const policy::Connection& conn, const net::Address& address);
void on_host_resolved(Core& core, const HostResolved& answer);
// Asks again for the names no address is known of, when due; the earliest one not yet due.
void run_resolutions(Core& core);
std::optional<Time> next_resolution(const Core& core);

// ---- keepalive.cpp (NAT keepalives, RFC 3948 2.3) ----
// When the next keepalive of an established IKE SA behind a NAT is due (else nullopt).
std::optional<Time> keepalive_due(const IkeSa& sa);
void schedule_keepalive(Core& core, IkeSa& sa);
void send_keepalive(Core& core, IkeSa& sa);

// ---- reconfigure.cpp ----
// Brings a connection up as its `start:` settings say (trap policies, initiation).
void start_connection(Core& core, const policy::Connection& conn);
// The operator's Up of a connection that is down: traps, the children_for_up initiated, the
// `start: up` ones wanted up until they are.
void initiate_up(Core& core, const policy::Connection& conn);
// The children an operator's Up brings up: every `start: up` and `start: trap` child, or the
// first child if none is marked.
std::vector<const policy::Child*> children_for_up(const policy::Connection& conn);
// A new IKE SA for `conn` carrying `children`: the first in IKE_AUTH, the others with
// CREATE_CHILD_SA once it is established.
void initiate_children(Core& core, const policy::Connection& conn, const std::vector<const policy::Child*>& children);
// Creates over the established `sa` each of `children` it neither has nor is negotiating.
void add_children(Core& core, IkeSa& sa, const std::vector<const policy::Child*>& children);
// The connection's established IKE SA that we may add CHILD SAs to, if any.
IkeSa* established_sa(Core& core, const policy::Connection& conn);
// Takes down an IKE SA now: its CHILD SAs' kernel state is removed at once, the peer told
// with an INFORMATIONAL Delete if the IKE SA is established.
void take_down(Core& core, IkeSa& sa);
// Removes the connection's trap policies and takes down each of its IKE SAs.
void take_down(Core& core, const policy::Connection& conn);

}  // namespace ike::v2
