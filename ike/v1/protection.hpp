// Encryption of IKEv1 messages after the key exchange (RFC 2409 Appendix B): CBC under the
// ISAKMP SA's key, the IV chained per exchange. Phase 1 chains across Main Mode; each
// phase-2 exchange (Quick Mode, Informational) starts from hash(last phase-1 block | M-ID)
// and chains within its Message ID.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/result.hpp"
#include "ike/v1/isakmp_sa.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::v1 {

// The first payload of type T, if any.
template <class T>
const T* first_of(const std::vector<wire::v1::Payload>& payloads) {
    for (const auto& p : payloads)
        if (auto* t = std::get_if<T>(&p)) return t;
    return nullptr;
}

// The message with `payloads` encrypted under `iv`; `iv` becomes its last ciphertext block.
base::Bytes seal(const IsakmpSa& sa, wire::v1::ExchangeType exchange, std::uint32_t message_id, base::Bytes& iv,
                 const std::vector<wire::v1::Payload>& payloads);

struct Opened {
    base::SecretBytes plaintext;  // with the cipher padding
    std::vector<wire::v1::Payload> payloads;
    base::Bytes next_iv;  // the IV after this message; commit it only once its HASH verified
};
// Decrypts and decodes an encrypted message under `iv`.
base::Result<Opened> open(const IsakmpSa& sa, base::ByteView iv, const wire::v1::Message& m);

// The first IV of a phase-2 exchange: hash(last phase-1 ciphertext block | M-ID), truncated.
base::Result<base::Bytes> phase2_iv(const IsakmpSa& sa, std::uint32_t message_id);

// The Message ID in network order, as the phase-2 hashes take it (RFC 2409 5.5).
std::array<std::uint8_t, 4> be32(std::uint32_t v);

// Phase-2 messages start with a HASH over prf(SKEYID_a, M-ID | `extra` | the payloads after
// it) (RFC 2409 5.5 HASH(1) and HASH(2) with extra = Ni_b, 5.7 for Informational): returns
// HASH followed by `rest`.
std::vector<wire::v1::Payload> with_hash(const IsakmpSa& sa, std::uint32_t message_id, base::ByteView extra,
                                         std::vector<wire::v1::Payload> rest);
// Checks that HASH comes first and matches the rest of the message as it travelled.
base::Result<void> check_hash(const IsakmpSa& sa, std::uint32_t message_id, base::ByteView extra, const Opened& m);
// Constant-time comparison of a received HASH payload with the expected value.
bool hash_equals(const wire::v1::Payload& received, base::ByteView expected);

}  // namespace ike::v1
