// Quick Mode's SA payload for ESP or AH (RFC 2409 5.5, IPsec DOI RFC 2407 4.4.3, 4.4.4 and
// 4.5): one proposal of the child's protocol carrying the sender's inbound SPI, one transform
// per suite, the suite in the transform ID (ESP: the cipher; AH: the HMAC) and attributes
// (integrity, key length, PFS group, mode, lifetime).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ike/iana.hpp"
#include "ike/policy/connection.hpp"
#include "ike/wire/v1/message.hpp"
#include "xfrm/kernel.hpp"

namespace ike::v1 {

// IPsec DOI SA attributes (RFC 2407 4.5).
namespace esp_attr {
inline constexpr std::uint16_t life_type = 1, life_duration = 2, group = 3, encapsulation = 4, auth = 5,
                               key_length = 6;
inline constexpr std::uint16_t life_seconds = 1, life_kilobytes = 2;
inline constexpr std::uint16_t tunnel = 1, transport = 2;
// RFC 3947 5.1: UDP-Encapsulated-Tunnel/-Transport; the draft values strongSwan and
// Libreswan also accept (61443/61444) are read as the same.
inline constexpr std::uint16_t udp_tunnel = 3, udp_transport = 4, draft_udp_tunnel = 61443,
                               draft_udp_transport = 61444;
}  // namespace esp_attr

struct Phase2Suite {
    policy::Proposal proposal;  // negotiated form: ESP one ENCR, AH none; at most one INTEG; KE for PFS
    policy::Mode mode = policy::Mode::tunnel;
    std::chrono::seconds lifetime{0};  // when both ends expire the SAs (RFC 2407 4.5)
    bool udp = false;  // a UDP-Encapsulated mode (NAT-T)
    KeGroup group() const;
    wire::v1::ProtocolId protocol() const;  // ESP or AH (RFC 2407 4.4.1)
    xfrm::Proto kernel_proto() const;
    bool operator==(const Phase2Suite&) const = default;
};

// The lifetime a Quick Mode offers for a child: its `lifetime` is when ipsecd rekeys, and the
// SA lives 10% longer (as IKEv2's hard limit), so the peer still holds it when the rekey comes.
std::chrono::seconds offered_lifetime(std::chrono::seconds rekey);

// The suites a child's proposals stand for: ESP AES-CBC with HMAC-SHA1/SHA2 and AES-GCM-16,
// AH HMAC-SHA2, each with the proposal's PFS group (or none). Others have no IKEv1 form
// here.
// A child that names no proposals (policy::default_proposals) also offers and takes ESP
// AES-CBC with HMAC-SHA1-96, after the SHA-2 HMACs.
std::vector<Phase2Suite> phase2_suites(const policy::Child& child);

// What an initiator offers for a child left to the defaults once the peer refused them without
// PFS: each of its suites with PFS in `group`; nothing for a child with proposals of its own.
std::vector<Phase2Suite> pfs_suites(const policy::Child& child, KeGroup group);

// What a responder takes for a child: its suites, and where it names no proposals also each of
// them with PFS in one of the default IKE groups.
std::vector<Phase2Suite> responder_suites(const policy::Child& child);

// The Encapsulation Mode attribute value of a mode, UDP-encapsulated or not (RFC 3947 5.1).
std::uint16_t encapsulation_mode(policy::Mode mode, bool udp);

wire::v1::SecurityAssociation phase2_offer(const std::vector<Phase2Suite>& suites, std::uint32_t spi);

struct Phase2Choice {
    Phase2Suite suite;              // lifetime: as offered
    wire::v1::Transform transform;  // as the peer sent it
    std::uint32_t spi = 0;          // the peer's inbound SPI
    std::uint8_t number = 1;        // of the chosen proposal
};
wire::v1::SecurityAssociation phase2_answer(const Phase2Choice& chosen, std::uint32_t spi);

// Responder: the first offered transform matching one of ours (protocol, algorithms, group
// and mode); proposals bundled with another of the same number are not taken.
base::Result<Phase2Choice> choose_phase2(const wire::v1::SecurityAssociation& offer, const std::vector<Phase2Suite>& ours);
// Initiator: the answer holds one proposal of the offered protocol with one transform we
// offered.
base::Result<Phase2Choice> accept_phase2(const wire::v1::SecurityAssociation& answer,
                                         const std::vector<Phase2Suite>& offered);

}  // namespace ike::v1
