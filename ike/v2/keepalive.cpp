// NAT keepalives (RFC 3948 2.3, RFC 7296 2.23): behind a NAT, a one-byte 0xff UDP datagram
// to the peer's port 4500 every 20 seconds keeps the NAT's mapping alive while neither IKE
// nor ESP has anything to send. The daemon sends it without the non-ESP marker.
#include "ike/v2/core.hpp"

namespace ike::v2 {

namespace {
constexpr Duration kKeepaliveInterval{20000};  // RFC 3948 2.3's suggested default
}  // namespace

std::optional<Time> keepalive_due(const IkeSa& sa) {
    if (sa.state != IkeState::established || !sa.nat_local) return std::nullopt;
    return sa.keepalive_at;
}

void schedule_keepalive(Core& core, IkeSa& sa) { sa.keepalive_at = core.now + kKeepaliveInterval; }

void send_keepalive(Core& core, IkeSa& sa) {
    core.emit(SendDatagram{sa.local, sa.remote, {0xff}, true});
    schedule_keepalive(core, sa);
}

}  // namespace ike::v2
