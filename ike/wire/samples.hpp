// Representative, real-looking messages built with the codec's own types: the seed corpus
// of the fuzzers, the workload of `ipsecd-bench codec` and fixtures of the unit tests.
// Deterministic (fixed SPIs, patterned key shares and nonces); not part of the daemon.
#pragma once

#include <vector>

#include "ike/wire/message.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::wire::samples {

// n bytes counting up from `seed` (stand-ins for key shares, nonces, hashes, ciphertext).
Bytes pattern(std::size_t n, std::uint8_t seed);

// IKE_SA_INIT request: SA (AEAD and CBC+HMAC proposals), KE x25519, Nonce, NAT detection,
// fragmentation and signature hash notifies, a Vendor ID (RFC 7296 1.2).
Message ike_sa_init_request();
Message ike_sa_init_response();
// The inner chain of an IKE_AUTH request: IDi, CERTREQ, AUTH, CP, SA (ESP), TSi, TSr and
// status notifies (RFC 7296 1.2, 1.3).
std::vector<Payload> ike_auth_inner();
// An IKE_AUTH request with an opaque SK payload standing for that chain encrypted.
Message ike_auth_request();
// An INFORMATIONAL request with one SKF fragment (RFC 7383).
Message informational_fragment();
// Inner chains exercising the remaining payloads: Delete, CERT, IDr, EAP, CP reply.
std::vector<Payload> informational_inner();

namespace v1 {
// Main Mode message 1: SA (IKE proposal with TV and TLV attributes), NAT-T and DPD VIDs.
wire::v1::Message main_mode_sa();
// Main Mode message 3: KE, NONCE, NAT-D x2.
wire::v1::Message main_mode_ke();
// Quick Mode message 1 plaintext: HASH, SA (ESP), NONCE, ID x2, NAT-OA.
std::vector<wire::v1::Payload> quick_mode_inner();
// An encrypted Quick Mode message.
wire::v1::Message quick_mode_encrypted();
// Informational plaintext: HASH, N (R-U-THERE), D; and CERT, CR, SIG.
std::vector<wire::v1::Payload> informational_inner();
}  // namespace v1

}  // namespace ike::wire::samples
