// What drives an engine (IKEv2 or IKEv1): everything the outside world can tell it. The daemon turns
// socket reads, timer expiry, kernel notifications and operator requests into these.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "ike/engine/effects.hpp"
#include "net/address.hpp"
#include "xfrm/kernel.hpp"

namespace ike::engine {

// A UDP datagram received on one of our IKE sockets. On port 4500 the daemon strips the
// four-byte non-ESP marker (RFC 3948 2.2) before handing the bytes in.
struct DatagramIn {
    net::Endpoint local, remote;
    base::Bytes bytes;
};

// Time passed (the timer armed for next_wakeup() fired); `now` comes with every event.
struct Tick {};

// The kernel saw a packet for a trap policy without an SA (start: trap).
struct KernelAcquire {
    xfrm::Acquire acquire;
};

// An SA reached its soft (rekey) or hard (gone) lifetime.
struct KernelExpire {
    xfrm::Expire expire;
};

// Operator asked to bring a connection up or down (D-Bus Up/Down, ipsecctl).
struct AdminUp {
    std::string connection;
};
struct AdminDown {
    std::string connection;
};

// A kernel effect could not be applied (its KernelOwner and the error): the engine deletes
// that IKE SA cleanly rather than run it with half its kernel state.
struct KernelFailed {
    std::string connection;
    std::uint64_t ike_spi = 0;  // 0: the connection's trap policies
    std::string what;
};

// The answer to ResolveHost: the name's addresses in the resolver's order of preference
// (RFC 6724), or none and why ("Name or service not known").
struct HostResolved {
    std::string name;
    std::vector<net::Address> addresses;
    std::string error;
};

// Another shard's IKE SA authenticated its peer (PeerAuthenticated, effects.hpp): the IKE SAs
// it replaces here go as if it were this engine's own.
struct PeerAuthenticatedElsewhere {
    PeerAuthenticated what;
};

using Event = std::variant<DatagramIn, Tick, KernelAcquire, KernelExpire, AdminUp, AdminDown, KernelFailed, HostResolved,
                           PeerAuthenticatedElsewhere>;

}  // namespace ike::engine
