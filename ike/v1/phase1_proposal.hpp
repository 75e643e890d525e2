// The ISAKMP SA's proposal (RFC 2409 5 and Appendix A): one proposal of protocol
// PROTO_ISAKMP whose transforms (KEY_IKE) each carry a whole suite as attributes. ipsecd
// offers and accepts AES-CBC with a SHA-1/SHA-2 hash (its HMAC is the PRF) and the groups
// ike/crypto implements, authenticated by pre-shared key or by signature (RSA 3, ECDSA 9-11 of
// RFC 4754: the method of our own key), with a lifetime in seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ike/iana.hpp"
#include "ike/policy/proposal.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::v1 {

// Phase-1 attribute classes and values (RFC 2409 Appendix A; 4-6 and 14 from IANA).
namespace attr {
inline constexpr std::uint16_t encryption = 1, hash = 2, auth_method = 3, group = 4, life_type = 11,
                               life_duration = 12, key_length = 14;
inline constexpr std::uint16_t encr_aes_cbc = 7;
inline constexpr std::uint16_t auth_psk = 1;
inline constexpr std::uint16_t life_seconds = 1, life_kilobytes = 2;
}  // namespace attr
inline constexpr std::uint8_t kKeyIke = 1;  // RFC 2409 Appendix A: the phase-1 transform ID

struct Phase1Suite {
    std::uint16_t key_bits = 256;  // AES-CBC key length
    std::uint16_t hash = 4;        // Hash Algorithm attribute: 2 SHA-1, 4/5/6 SHA2-256/384/512
    KeGroup group = KeGroup::modp2048;
    std::chrono::seconds lifetime{0};  // the Life Duration offered (seconds); 0 = none
    std::uint16_t auth = 1;            // Authentication Method: attr::auth_psk or a signature method
    bool operator==(const Phase1Suite&) const = default;
};

// The suites the configured IKE proposals stand for, in order of preference. AEAD and
// non-AES-CBC ciphers have no IKEv1 form here and are skipped (--check names them). Each
// suite authenticates with `auth` (one method for both sides, RFC 2409 5).
std::vector<Phase1Suite> phase1_suites(const std::vector<policy::Proposal>& proposals, std::chrono::seconds lifetime,
                                       std::uint16_t auth = attr::auth_psk);
// "aes256-sha256-modp2048": the suite in the configuration's syntax, for status and logs.
std::string to_string(const Phase1Suite& suite);

// The initiator's SA payload: one transform per suite (RFC 2409 5: each a complete set).
wire::v1::SecurityAssociation phase1_offer(const std::vector<Phase1Suite>& suites);
// The responder's answer: the chosen transform alone, as offered (RFC 2408 4.2).
wire::v1::SecurityAssociation phase1_answer(const wire::v1::Transform& chosen);

struct Choice {
    Phase1Suite suite;              // lifetime: the offered one
    wire::v1::Transform transform;  // as the peer sent it
};
// Responder: the first offered transform that matches one of our suites (the peer's order,
// RFC 2408 4.2); the offered lifetime is accepted (the shorter of the two then applies).
base::Result<Choice> choose_phase1(const wire::v1::SecurityAssociation& offer, const std::vector<Phase1Suite>& ours);
// Initiator: the answer must hold exactly one of the transforms we offered.
base::Result<Phase1Suite> accept_phase1(const wire::v1::SecurityAssociation& answer,
                                        const std::vector<Phase1Suite>& offered);

}  // namespace ike::v1
