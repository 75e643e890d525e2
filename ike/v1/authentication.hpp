// Phase-1 authentication (RFC 2409 5): who we are and how we prove it in MM5/MM6, and
// checking the same of the peer, by pre-shared key (HASH_I/HASH_R) or by signature (5.1:
// SIG_I/SIG_R over the same hashes, RSA or RFC 4754 ECDSA) with X.509 certificates from
// the daemon's engine::Credentials, validated as the IKEv2 engine does (crypto::certified_key).
#pragma once

#include <vector>

#include "base/result.hpp"
#include "ike/v1/core.hpp"
#include "ike/v1/protection.hpp"

namespace ike::v1 {

// The Authentication Method the connection's phase 1 uses: pre-shared key, or the signature
// method of our own key (RSA 3, ECDSA 9/10/11); an error when the key is missing or unusable.
base::Result<std::uint16_t> auth_method(const Core& core, const policy::Connection& c);

// SKEYID for the negotiated method: prf(PSK, Ni_b | Nr_b) or prf(Ni_b | Nr_b, g^xy) (5).
base::Result<base::SecretBytes> skeyid(const Core& core, const IsakmpSa& sa, const policy::Connection& c,
                                       const crypto::Prf& prf, base::ByteView g_xy);

// CERTREQ payloads for MM3/MM4 when the peer signs: one per trusted CA, naming its subject
// DN (RFC 2408 3.10), so that a peer sending its certificate only when asked sends it.
std::vector<wire::v1::Payload> certificate_requests(const Core& core, const policy::Connection& c);

// MM5/MM6 payloads authenticating our side: ID (the configured id, else the subject DN of
// our certificate when we sign, else the address in use), then HASH, or our CERT chain and SIG.
base::Result<std::vector<wire::v1::Payload>> prove(Core& core, const IsakmpSa& sa, const policy::Connection& c);

// The peer's identity when its ID, HASH or certificates and SIG in `msg` satisfy the
// connection; an error naming what failed.
base::Result<policy::Identity> verify(const Core& core, const IsakmpSa& sa, const policy::Connection& c,
                                      const Opened& msg);

}  // namespace ike::v1
