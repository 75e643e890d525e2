// Who we are and how we prove it, and checking the same of the peer (RFC 7296 2.15), with a
// pre-shared key or a certificate and a signature (RFC 7427's method 14 with peers that
// announce SIGNATURE_HASH_ALGORITHMS, else the key's method 1 or RFC 4754 method), as each
// end of the connection configures (mixed PSK / public key works in either direction).
#pragma once

#include <optional>
#include <vector>

#include "base/result.hpp"
#include "ike/policy/identity.hpp"
#include "ike/v2/core.hpp"
#include "ike/v2/payloads.hpp"

namespace ike::v2 {

// An ID payload's content, for IDi and IDr alike.
using IdData = wire::IdI;

// What we send in IKE_AUTH to authenticate: our ID (3.5: the configured id, a DN in DER;
// without one, the subject DN of our certificate when we authenticate with it, else the IKE
// address in use), the CERT payloads (public key only) and AUTH over our signed octets.
// `peer` selects the PSK. No AUTH when we authenticate with EAP (2.16: it follows the
// exchange). Error: why we cannot authenticate (for the log).
struct Proof {
    IdData id;
    std::vector<wire::Certificate> certificates;
    std::optional<wire::Authentication> auth;
};
base::Result<Proof> prove(Core& core, const IkeSa& sa, const policy::Identity& peer);

// Responder, IKE_AUTH (2.15, 3.5): moves the IKE SA to the connection among its
// candidates (IKE_SA_INIT) whose remote ID accepts IDi, preferring one that presents the
// IDr the initiator sent, then an exact remote ID over %any, then one expecting the peer's
// AUTH method, then configuration order. False, after a log line naming IDi, when no
// candidate accepts it.
bool select_connection(Core& core, IkeSa& sa, const Payloads& request);

// Initiator: the IDr naming the responder identity we want (3.5), unless any will do.
std::optional<wire::IdR> requested_peer_id(const IkeSa& sa);

// Our ID payload as `sa`'s connection presents it (see Proof).
base::Result<IdData> our_id(const Core& core, const IkeSa& sa);

// The ID payload the peer sent in `message` (IDi to a responder, IDr to an initiator) and
// the identity it names, if usable.
struct PeerId {
    IdData payload;
    policy::Identity identity;
};
std::optional<PeerId> peer_id(const IkeSa& sa, const Payloads& message);

// 2.16: AUTH after EAP, the MSK taking the place of the shared key: ours over the signed
// octets of our ID, and the check of the peer's over those of its ID.
wire::Authentication msk_auth(const IkeSa& sa, const IdData& ours, base::ByteView msk);
bool msk_auth_matches(const IkeSa& sa, const IdData& theirs, base::ByteView msk, const wire::Authentication& auth);

// Our identity as `sa`'s connection presents it (text as logs show it; empty if none).
std::string local_identity(const Core& core, const IkeSa& sa);

// The peer's identity when its ID, certificate chain and AUTH in `message` satisfy the
// connection; nullopt after logging the reason.
std::optional<policy::Identity> authenticate_peer(Core& core, const IkeSa& sa, const Payloads& message);

}  // namespace ike::v2
