// The payloads that carry certificate material (RFC 7296 3.6 CERT, 3.7 CERTREQ) and the
// signature hash negotiation of RFC 7427 4 (SIGNATURE_HASH_ALGORITHMS in IKE_SA_INIT).
#pragma once

#include <optional>
#include <vector>

#include "ike/v2/core.hpp"
#include "ike/v2/payloads.hpp"

namespace ike::v2 {

// The hashes we verify signatures with, announced in IKE_SA_INIT. SHA-1 is left out
// (RFC 8247 4.1); "identity" stands for Ed25519 (RFC 8420).
wire::Notify signature_hashes_notify();
// The peer's SIGNATURE_HASH_ALGORITHMS list; empty when it sent none.
std::vector<HashAlgorithm> peer_signature_hashes(const Payloads& payloads);

// The credentials of the SA's connection, or nullptr if the daemon gave none.
const ConnectionCredentials* credentials_of(const Core& core, const IkeSa& sa);

// CERTREQ listing the CAs we trust for the peer (3.7: SHA-1 of each SubjectPublicKeyInfo,
// concatenated); nullopt unless the peer authenticates with a public key.
std::optional<wire::CertificateRequest> certificate_request(const Core& core, const IkeSa& sa);

// One CERT payload (X.509 Certificate - Signature, encoding 4) per certificate of our chain,
// end-entity first (3.6).
std::vector<wire::Certificate> certificate_payloads(const ConnectionCredentials& credentials);

}  // namespace ike::v2
