// The octets an IKEv2 peer authenticates (RFC 7296 2.15):
//   <Signed Octets> = RealMessage | Nonce of the peer | prf(SK_p, RestOfIDPayload)
// For the initiator: message 1, Nr, SK_pi and IDi; for the responder: message 2, Ni, SK_pr, IDr.
#pragma once

#include "base/bytes.hpp"
#include "ike/crypto/prf.hpp"

namespace ike::crypto {

// rest_of_id_payload: the ID payload after its generic header (ID Type, RESERVED, data).
base::Bytes signed_octets(const Prf& prf, base::ByteView real_message, base::ByteView peer_nonce,
                          base::ByteView sk_p, base::ByteView rest_of_id_payload);

}  // namespace ike::crypto
