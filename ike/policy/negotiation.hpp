// SA negotiation (RFC 7296 2.7, 3.3.6) on a wire-neutral picture of an SA payload: the codec
// converts its decoded SA payload to OfferedProposal and back; nothing here touches bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "ike/iana.hpp"
#include "ike/policy/proposal.hpp"

namespace ike::policy {

// One transform as it appears on the wire. `type` stays a raw number so that unknown types
// can be represented (and refused); key_length is the Key Length attribute (0 = absent);
// unknown_attribute is set when any other attribute was present.
struct OfferedTransform {
    std::uint8_t type = 0;
    std::uint16_t id = 0;
    std::uint16_t key_length = 0;
    bool unknown_attribute = false;

    bool operator==(const OfferedTransform&) const = default;
};

// One proposal substructure (RFC 7296 3.3.1).
struct OfferedProposal {
    std::uint8_t number = 1;
    ProtocolId protocol = ProtocolId::ike;
    base::Bytes spi;
    std::vector<OfferedTransform> transforms;

    bool operator==(const OfferedProposal&) const = default;
};

// The responder's choice: `reply` is the single proposal to send back (the offered number and
// SPI, exactly one transform per type the offer included; the engine puts its own SPI in);
// `proposal` is the negotiated suite in our model (its to_string() is the status name).
struct Chosen {
    OfferedProposal reply;
    Proposal proposal;
};
struct NoProposalChosen {};
// RFC 7296 1.2/2.7: the chosen proposal uses another KE group than the KE payload carried;
// answer INVALID_KE_PAYLOAD naming `group`.
struct InvalidKe {
    KeGroup group = KeGroup::none;
};
using Selection = std::variant<Chosen, NoProposalChosen, InvalidKe>;

struct SelectOptions {
    // Group of the KE payload that came with the SA payload (IKE_SA_INIT, CREATE_CHILD_SA with
    // PFS); nullopt: no KE payload, the group is not checked.
    std::optional<KeGroup> ke_sent;
    // IKE_AUTH carries no KE payload (RFC 7296 1.2): KE transforms are ignored on both sides.
    bool ignore_ke = false;
};

// Responder: our proposals are tried in our order of preference, each against the offered ones
// in the peer's order; the first compatible pair wins, and within each transform type our
// first acceptable transform is taken (the KE group of the KE payload, when acceptable, is
// taken first so that no INVALID_KE_PAYLOAD round trip is needed).
// A pair is compatible when the protocol matches and every transform type either side has finds
// a common transform; INTEG, KE and ESN absent count as NONE (RFC 7296 3.3.3). An offered
// proposal with a transform type we do not know is unacceptable, and a transform with an
// attribute we do not know is unacceptable (RFC 7296 3.3.6).
Selection select(std::span<const OfferedProposal> offered, std::span<const Proposal> ours,
                 const SelectOptions& options = {});

// Initiator: our proposals as the SA payload content, numbered from 1 (RFC 7296 3.3.1), each
// with `spi`. without_ke drops KE transforms (the first CHILD SA in IKE_AUTH).
std::vector<OfferedProposal> make_offer(std::span<const Proposal> ours, base::ByteView spi,
                                        bool without_ke = false);

// Initiator: RFC 7296 3.3.6 — the responder's accepted proposal must be one we offered (same
// number and protocol) with exactly one of our offered transforms per type. Returns the
// negotiated suite, or an error naming what is wrong.
base::Result<Proposal> check_choice(const OfferedProposal& reply,
                                    std::span<const OfferedProposal> offered);

// Initiator: the KE group to send first (the first group of our first proposal that has one).
std::optional<KeGroup> preferred_ke(std::span<const Proposal> ours);
// Initiator: whether a group asked for by INVALID_KE_PAYLOAD is one we offered (RFC 7296 1.2).
bool offers_ke(std::span<const Proposal> ours, KeGroup group);

// Proposals for the log, in strongSwan's syntax, separated by ", " ("aes256gcm16-x25519,
// aes128-sha256"): what a peer offered, or what we are configured with.
std::string describe(std::span<const OfferedProposal> offered);
std::string describe(std::span<const Proposal> ours);

}  // namespace ike::policy
