// What an engine (IKEv2 or IKEv1) asks of the world, in the order it must happen. The daemon
// applies them one by one: sends datagrams, performs kernel changes through xfrm::Kernel,
// publishes state on D-Bus and writes log lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "ike/engine/clock.hpp"
#include "net/address.hpp"
#include "xfrm/kernel.hpp"

namespace ike::engine {

// Send over UDP from `local` to `remote`. On port 4500 the daemon prepends the non-ESP
// marker (RFC 3948 2.2), except for a NAT keepalive (RFC 3948 2.3), sent as the one byte.
struct SendDatagram {
    net::Endpoint local, remote;
    base::Bytes bytes;
    bool keepalive = false;
};

// Whose kernel state a kernel effect changes, so that a failure to apply it can be fed
// back as KernelFailed (events.hpp). ike_spi 0: the connection's trap policies.
struct KernelOwner {
    std::string connection;
    std::uint64_t ike_spi = 0;
    // The engine that emitted it, the owner of its policy wishes (xfrm/policy_ledger.hpp):
    // kIkev2Engine unless Engines marks it its IKEv1 engine's.
    std::uint32_t engine = 0;
};
inline constexpr std::uint32_t kIkev2Engine = 0, kIkev1Engine = 1;

// Kernel changes, carrying xfrm's own types (keys are SecretBytes inside xfrm::Sa).
struct AddSa {
    xfrm::Sa sa;
    KernelOwner owner;
    // An inbound SA whose SPI EngineOptions::allocate_spi reserved: it completes that larval
    // SA (xfrm::complete_larval) instead of adding a new one.
    bool larval = false;
};
struct UpdateSa {
    xfrm::Sa sa;
    KernelOwner owner;
};
struct DeleteSa {
    xfrm::SaId id;
    KernelOwner owner;
};
struct AddPolicy {
    xfrm::Policy policy;
    KernelOwner owner;
};
struct DeletePolicy {
    xfrm::PolicyId id;
    KernelOwner owner;
};
// Replaces the policy of the same id in place (never a moment without it): a trap whose
// peer address changed or became known (resolve.cpp).
struct UpdatePolicy {
    xfrm::Policy policy;
    KernelOwner owner;
};

// Moves a CHILD SA's kernel SAs and policies to new endpoints (xfrm::Migration): the peer
// behind a NAT appeared at another address or port (RFC 7296 2.23). One per policy.
struct MigrateSa {
    xfrm::Migration migration;
    KernelOwner owner;
};

// Resolve a host name (a connection's remote.address, resolve.cpp) without blocking; the
// answer comes back as HostResolved (events.hpp). `family`: only that family's addresses
// (the family of local.address); nullopt: both.
struct ResolveHost {
    std::string name;
    std::optional<net::Family> family;
};

// ---- state snapshot for `ipsecctl status` and the D-Bus objects (DESIGN Part 2) ----
// up: an IKE SA is established and every child Up asked for is installed; partial: an IKE
// SA is established but such a child was refused or failed (the connection's failure names it).
enum class ConnectionState : std::uint8_t { down, connecting, up, partial, closing };

struct ChildStatus {
    std::string name;
    xfrm::Mode mode = xfrm::Mode::tunnel;
    xfrm::Proto protocol = xfrm::Proto::esp;
    std::uint32_t spi_in = 0, spi_out = 0;
    std::string proposal;  // "aes256gcm16"
    std::vector<net::Prefix> local_ts, remote_ts;
    // Byte/packet counters live in the kernel: the daemon reads them with get_sa(spi).
    Time established{};  // engine time (steady clock) the SAs were installed
    Time rekey_at{};     // when the kernel's soft lifetime asks for a rekey
};

struct IkeSaStatus {
    int version = 2;
    std::string state;  // "connecting", "established", "deleting", "closed" (gone)
    std::uint64_t local_spi = 0, remote_spi = 0;
    std::string proposal;  // "aes256gcm16-prfsha256-x25519"
    net::Endpoint local, remote;
    std::vector<ChildStatus> children;
    // Leased to the peer (gateway) or received from it (road warrior), RFC 7296 3.15.
    std::vector<net::Address> virtual_ips;
    // Road warrior: virtual_ips are ours, for the daemon to put on the host (and dns and
    // dns_domains to hand to the host's resolver).
    bool virtual_ips_received = false;
    // The connection's `host_config`: false leaves the virtual IPs, routes and DNS to
    // another program (the daemon puts none of them on the host).
    bool host_config = true;
    // DNS servers and domains (RFC 8598) received with the virtual IPs (road warrior) or
    // handed out with them (gateway).
    std::vector<net::Address> dns;
    std::vector<std::string> dns_domains;
    Time established{};  // engine time (steady clock); zero while connecting
    Time rekey_at{};     // when the configured IKE lifetime is reached; zero while connecting
};

// Why the last attempt to bring a connection up failed (none once an IKE SA is established).
enum class FailureKind : std::uint8_t {
    none,
    authentication_failed,  // either side rejected the other's AUTH
    no_proposal_chosen,     // no common IKE algorithms
    timeout,                // the peer did not answer
    child_refused,          // the peer refused a CHILD SA (its error notify says why)
    child_failed,           // a CHILD SA the peer agreed to could not be installed
    child_widened,          // the responder widened our traffic selectors (RFC 7296 2.9): deleted
    child_mode_refused,     // the responder chose a mode we did not ask for (1.3.1): deleted
    cannot_initiate,        // no IKE SA could be started (no address, no route to the peer)
    unresolved,             // the peer's host name (remote.address) did not resolve
    other,
};

// A failure as a typed value, from the engine to the daemon and the bus (never log text).
struct Failure {
    FailureKind kind = FailureKind::none;
    std::string child;         // the CHILD SA it concerns; empty: the IKE SA
    std::uint16_t notify = 0;  // the peer's IKEv2 error notify type (RFC 7296 3.10.1); 0: none
    bool operator==(const Failure&) const = default;
};

// One line for people: "child 'net' refused by the peer: TS_UNACCEPTABLE".
std::string describe(const Failure& f);

struct ConnectionStatus {
    std::string name;
    ConnectionState state = ConnectionState::down;
    std::vector<IkeSaStatus> ike_sas;
    Failure failure;
};

// One IKE SA changed state (or its CHILD SAs changed): its new status and the state and
// failure of its connection after the change. Per IKE SA, so a responder with thousands of
// peers on one connection publishes in constant time, and the daemon and the bus update
// only that SA's objects; Engine::status() gives the full picture.
struct StatePublished {
    std::string connection;
    ConnectionState state = ConnectionState::down;
    // State "closed": the IKE SA is gone, or no longer shown under this name (its connection
    // was removed or replaced by a reconfiguration and the SA is being deleted).
    IkeSaStatus ike_sa;
    Failure failure;
};

enum class LogLevel : std::uint8_t { error, warning, info, debug };

// One log line with its context; never carries a secret.
struct Log {
    LogLevel level = LogLevel::info;
    std::string connection;  // empty when no connection is known yet
    std::string message;
    std::string ike_spi;  // "0x…", our SPI of the IKE SA it is about; empty if none
};

// An IKE SA authenticated its peer, replacing the IKE SAs between the same two identities
// (RFC 7296 2.4 INITIAL_CONTACT) or, on a remote-access connection, the same peer's of the
// connection (DESIGN Part 2 "Remote access"). Emitted only by a shard of several
// (EngineOptions::shard.count > 1), whose others may hold those IKE SAs: the daemon hands it
// to each of them as PeerAuthenticatedElsewhere (events.hpp).
struct PeerAuthenticated {
    std::string connection;  // the new IKE SA's
    std::string local_identity, peer_identity;
    bool initial_contact = false;  // received: not only the connection's IKE SAs go
    std::uint64_t ike_spi = 0;     // our SPI of the new IKE SA, which stays
    // When it was established: another shard deletes only its IKE SAs established no later.
    // Two logins of one peer on two shards at once each announce theirs; the older one goes
    // on both, instead of each deleting the other's.
    Time established_at{};
};

using Effect = std::variant<SendDatagram, AddSa, UpdateSa, DeleteSa, AddPolicy, DeletePolicy, UpdatePolicy, MigrateSa,
                            ResolveHost, StatePublished, Log, PeerAuthenticated>;
using Effects = std::vector<Effect>;

std::string to_string(ConnectionState s);  // "down", "connecting", "up", "partial", "closing"
std::string to_string(LogLevel l);         // "error", "warning", "info", "debug"

}  // namespace ike::engine
