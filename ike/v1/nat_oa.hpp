// NAT-OA (RFC 3947 5.2): behind a NAT, a transport-mode pair's client IDs and transport
// checksums name the addresses as each end sees them, which the NAT rewrites. So a Quick
// Mode that offers UDP-Encapsulated-Transport (QM1), or chose it (QM2), carries the two
// original addresses as its sender sees them: the initiator's, then the responder's (its
// own local address, and the peer's as the IKE datagrams show it). The peer's pair lets each
// side read the other's client IDs in its own view. Its other use, the fixup of transport
// checksums (RFC 3948 3.1.2), is the kernel's: Linux skips those checksums on an ESP-in-UDP
// transport SA's packets and ignores the template's encap_oa, so ipsecd does not pass it on.
#pragma once

#include <optional>
#include <vector>

#include "base/result.hpp"
#include "ike/v1/isakmp_sa.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::v1 {

// Whether a Quick Mode of `mode` on `sa` carries NAT-OA: a NAT is between the peers and the
// pair is transport mode (tunnel mode sends none, 5.2).
bool sends_nat_oa(const IsakmpSa& sa, policy::Mode mode);
// The pair `sender` (our role in the Quick Mode) sends: NAT-OAi, NAT-OAr.
std::vector<wire::v1::Payload> nat_oa_payloads(const IsakmpSa& sa, Role sender);

struct OriginalAddresses {
    net::Address initiator, responder;
};
// The peer's pair; none without NAT-OA payloads, an error unless there are two of one family.
base::Result<std::optional<OriginalAddresses>> original_addresses(const std::vector<wire::v1::Payload>& payloads);

// A client ID the peer sent, in our view: the host `id` names, when it is the address the
// peer saw (its NAT-OA of that end), is `ours` (the address we see); anything else stays.
net::Prefix as_we_see(const net::Prefix& id, const net::Address& theirs, const net::Address& ours);

}  // namespace ike::v1
