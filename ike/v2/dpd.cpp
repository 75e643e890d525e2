// Liveness checks (RFC 7296 2.4): when nothing authenticated arrived from the peer for the
// configured interval, an empty INFORMATIONAL request; if its retransmissions all go
// unanswered, the peer is dead and the IKE SA and its CHILD SAs are removed.
#include "ike/v2/exchanges.hpp"
#include "ike/v2/protection.hpp"

namespace ike::v2 {

std::optional<Time> liveness_due(const IkeSa& sa) {
    if (sa.state != IkeState::established || sa.pending.active() || sa.conn->ike.dpd.count() == 0)
        return std::nullopt;
    return sa.last_heard + std::chrono::duration_cast<Duration>(sa.conn->ike.dpd);
}

void send_liveness_check(Core& core, IkeSa& sa) {
    core.log(LogLevel::debug, &sa, "liveness check");
    send_request(core, sa, sent::Liveness{}, wire::ExchangeType::informational, {});
}

}  // namespace ike::v2
