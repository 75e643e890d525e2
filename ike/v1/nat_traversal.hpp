// NAT traversal for IKEv1 (RFC 3947, RFC 3948): both sides announce it with the RFC 3947
// vendor ID in MM1/MM2; MM3/MM4 then carry NAT-D payloads, hash(CKY-I | CKY-R | IP | port)
// with the negotiated hash, the peer's endpoint first and ours second (3.2). When a hash
// does not match a NAT is between the peers: the initiator moves to port 4500 from MM5 on
// (4: IKE there carries the non-ESP marker, the daemon adds it), the responder follows the
// MM5 that arrives there, Quick Mode negotiates the UDP-Encapsulated modes (5.1: 3 tunnel,
// 4 transport) and the kernel SAs encapsulate ESP in UDP (RFC 3948); the side behind the
// NAT sends a keepalive every 20 s (RFC 3948 2.3). The draft versions' vendor IDs (their
// payload and mode numbers differ) are recognised and logged, not spoken.
#pragma once

#include <optional>
#include <vector>

#include "ike/v1/core.hpp"

namespace ike::v1 {

wire::v1::VendorId natt_vendor_id();
// Whether `payloads` (MM1 or MM2) announce RFC 3947; logs a draft-only peer.
bool announces_natt(Core& core, const IsakmpSa& sa, const std::vector<wire::v1::Payload>& payloads);

// The two NAT-D payloads of MM3/MM4: the peer's endpoint, then ours.
std::vector<wire::v1::Payload> nat_d_payloads(const IsakmpSa& sa);
// Compares the peer's NAT-D payloads with the endpoints the datagram `in` travelled
// between: sets IsakmpSa::nat_local (ours changed on the way) and nat_remote.
void detect_nat(Core& core, IsakmpSa& sa, const engine::DatagramIn& in, const std::vector<wire::v1::Payload>& payloads);
inline bool nat_between(const IsakmpSa& sa) { return sa.nat_local || sa.nat_remote; }

// Initiator, before MM5: both ends of the ISAKMP SA move to port 4500 when a NAT is between.
void float_ports(Core& core, IsakmpSa& sa);
// Responder: the endpoints an authenticated message arrived on (MM5 on port 4500).
void follow_ports(Core& core, IsakmpSa& sa, const engine::DatagramIn& in);

// The keepalive the side behind a NAT sends (RFC 3948 2.3), and when it is next due.
void keepalive_timers(Core& core, Time now, IsakmpSa& sa);
std::optional<Time> keepalive_wakeup(const IsakmpSa& sa);

}  // namespace ike::v1
