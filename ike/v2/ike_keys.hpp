// The keys of an IKE SA: from IKE_SA_INIT (RFC 7296 2.14) or from the IKE SA it rekeys
// (2.18), once the proposal, nonces, SPIs and our key exchange are in the record.
#pragma once

#include "base/result.hpp"
#include "ike/v2/ike_sa.hpp"

namespace ike::v2 {

// Computes g^ir with the peer's public value, derives SK_* and drops our private value.
// `rekeyed`: the IKE SA being replaced, whose SK_d and PRF seed SKEYSEED (2.18).
base::Status derive_keys(IkeSa& sa, base::ByteView peer_public, const IkeSa* rekeyed);

}  // namespace ike::v2
