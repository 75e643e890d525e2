// ipsecd::bus::Backend: what the D-Bus objects need from the daemon. The bus layer
// (dbus/bus.hpp) owns no connection state of its own beyond the last published snapshot;
// the daemon implements this interface on top of the engine, the config loader and the
// kernel, and tells the bus about changes through Bus::publish() and Bus::sync().
// Everything runs on the daemon's one event loop: no method here may block it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ike/v2/address_pool.hpp"
#include "ike/engine/effects.hpp"

namespace ipsecd::bus {

// Each reason is a D-Bus error name org.ipsecd1.Error.<Reason> (dbus/errors.hpp).
enum class Reason : std::uint8_t {
    no_such_connection,     // NoSuchConnection
    invalid_config,         // InvalidConfig: message is "FILE:LINE:COLUMN: message" line(s)
    not_transient,          // NotTransient: RemoveConnection of a connection from a file
    already_exists,         // AlreadyExists: AddConnection with a name in use
    authentication_failed,  // AuthenticationFailed: the peer or we rejected the AUTH
    no_proposal_chosen,     // NoProposalChosen: no common algorithms
    timeout,                // Timeout: the peer did not answer
    child_refused,          // ChildRefused: the peer refused a CHILD SA (message: child, notify)
    child_failed,           // ChildFailed: a CHILD SA could not be installed
    host_unresolved,        // HostUnresolved: the peer's host name (remote.address) did not resolve
    child_unacceptable,     // ChildUnacceptable: the peer's answer widened the selectors or changed the mode
    cancelled,              // Cancelled: Down (or a removal) interrupted a pending Up
    failed,                 // Failed: anything else
};

struct Error {
    Reason reason = Reason::failed;
    std::string message;  // readable, one line where possible; never a secret
};

template <class T>
using Result = base::Result<T, Error>;
using Status = base::Result<void, Error>;

inline base::Unexpected<Error> fail(Reason reason, std::string message) {
    return {Error{reason, std::move(message)}};
}

// One connection as the bus shows it: the engine's snapshot plus what only the config knows.
struct ConnectionSnapshot {
    ike::engine::ConnectionStatus status;
    std::string local_address;   // as configured: "192.0.2.1", "" when omitted (any)
    std::string remote_address;  // as configured: "192.0.2.2", "vpn.example.com", "%any"
    bool transient = false;      // added over D-Bus (AddConnection), not from a file
    // SA pairs of no IKE SA: a manually keyed connection's (daemon/manual_sas.hpp).
    std::vector<ike::engine::ChildStatus> child_sas;
    std::string manual_error;  // why the kernel refused a manually keyed connection's SAs
};

// The RemoteAddress property: remote_address, or for a host name the address it resolved to
// while an IKE SA is established (the NetworkManager plugin pins its gateway route there).
std::string remote_address(const ConnectionSnapshot& c);
// The same from `configured` (ConnectionSnapshot::remote_address) and `established`, which gives
// the peer's address of an established IKE SA of the connection, if any (asked for a host name).
std::string remote_address(const std::string& configured,
                           const std::function<std::optional<net::Address>()>& established);

// Times of an SA in seconds since the Unix epoch (CLOCK_REALTIME); 0 = not known / none.
struct SaTimes {
    std::uint64_t established = 0;
    std::uint64_t rekey = 0;  // when the next rekey is scheduled
};

// Live data of a CHILD SA, read from the kernel (xfrm::Kernel::get_sa of both SPIs).
struct ChildSaLive {
    std::uint64_t bytes_in = 0, bytes_out = 0, packets_in = 0, packets_out = 0;
    SaTimes times;
};

// Result of AddConnection.
struct AddedConnections {
    std::vector<std::string> names;  // in the order of the YAML
    bool owned_by_sender = false;    // `transient_owner: true`: remove when the sender leaves
};

// Completion of an asynchronous operation. Called exactly once, from the event loop
// (possibly before up()/down() returns). Safe to call after the Bus is gone.
using Done = std::function<void(Status)>;

class Backend {
public:
    virtual ~Backend() = default;

    // Every lease of every address pool (ListLeases, DESIGN Part 2 "Remote access").
    virtual std::vector<ike::v2::Lease> leases() = 0;
    // The names of all connections, in configuration order (files first, then transient ones).
    virtual std::vector<std::string> names() = 0;
    // One connection, from its own state (the cost does not grow with the SAs of the others);
    // nullopt for an unknown name.
    virtual std::optional<ConnectionSnapshot> connection(const std::string& name) = 0;

    // Read when a client asks for the property (not cached, not signalled). `connection` and
    // `ike` identify the SA as published (`ike` is empty, local_spi 0, for the child_sas of
    // a connection); an SA the backend no longer knows gives zeros.
    virtual SaTimes ike_sa_times(const std::string& connection,
                                 const ike::engine::IkeSaStatus& ike) = 0;
    virtual ChildSaLive child_sa_live(const std::string& connection,
                                      const ike::engine::IkeSaStatus& ike,
                                      const ike::engine::ChildStatus& child) = 0;

    // Bring a connection up / down; `done` runs when the operation is complete (IKE SA and
    // first CHILD SA established / everything deleted) or has failed. Unknown name:
    // done(fail(no_such_connection, ...)).
    virtual void up(const std::string& name, Done done) = 0;
    virtual void down(const std::string& name, Done done) = 0;

    // Re-read the configuration directory and apply it as a diff; returns the names of the
    // connections it changed (neither added nor removed). On any error nothing changes and
    // the error is invalid_config with every "FILE:LINE:COLUMN: message".
    virtual Result<std::vector<std::string>> reload() = 0;

    // Transient connections from YAML text in the file schema (plus top-level
    // `transient_owner: true`), validated like a file with "<bus>" as the file name.
    // `sender` is the caller's unique bus name (":1.42").
    virtual Result<AddedConnections> add_connection(const std::string& yaml,
                                                    const std::string& sender) = 0;
    // Bring a transient connection down and remove it: no_such_connection, not_transient.
    virtual Status remove_connection(const std::string& name) = 0;
    // A peer that added connections with `transient_owner: true` left the bus: remove them.
    virtual void owner_vanished(const std::string& sender) = 0;
};

}  // namespace ipsecd::bus
