// Negotiating a CHILD SA, shared by IKE_AUTH (the first one) and CREATE_CHILD_SA (new
// ones and rekeys): proposals, PFS key exchange, traffic-selector narrowing (RFC 7296 2.9),
// transport mode (1.3.1), then installation.
#pragma once

#include <optional>
#include <vector>

#include "ike/v2/core.hpp"
#include "ike/v2/payloads.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

// What the exchange around the CHILD SA contributes.
struct ChildExchange {
    base::ByteView ni, nr;            // nonces the keys derive from (2.17)
    const policy::Child* only = nullptr;  // a rekey: the configuration of the rekeyed child
    std::uint32_t reqid = 0;          // a rekey keeps the reqid (and so the policies)
    bool allow_ke = false;            // CREATE_CHILD_SA may carry KE for PFS (1.3.1)
    Selectors proposed;               // initiator: the TSi and TSr we sent
};

// Responder: picks the configured child the request fits, installs it and appends the
// answer ([USE_TRANSPORT_MODE], SA, [Nr], [KEr], TSi, TSr; Nr when `our_nonce` is given)
// to `reply`. Returns the error Notify to answer with instead, or nullopt. A request with
// no SA/TS payloads (a childless IKE_AUTH, RFC 6023) yields nullopt and appends nothing.
std::optional<wire::Notify> accept_child(Core& core, IkeSa& sa, const Payloads& request,
                                         const ChildExchange& exchange, const base::Bytes* our_nonce,
                                         Payloads& reply);

// Initiator: our proposals for `child`, with `spi` and, for PFS, the KE group kept.
std::vector<policy::OfferedProposal> child_offer(const policy::Child& child, std::uint32_t spi, bool with_ke);

// Why an initiator did not install the CHILD SA an answer describes: the failure the
// connection records (kind, the peer's error notify if it sent one) and the log's text.
struct ChildRefusal {
    FailureKind kind = FailureKind::child_failed;
    std::uint16_t notify = 0;
    std::string message;
};

// Initiator: installs the CHILD SA the response describes. `ke` is our PFS key exchange,
// if any. Returns the new child's inbound SPI, or why not. An answer that widens the
// selectors we proposed or picks a mode we did not ask for is not installed: the peer's SAs
// are deleted again (INFORMATIONAL Delete).
base::Result<std::uint32_t, ChildRefusal> complete_child(Core& core, IkeSa& sa, const policy::Child& child,
                                                         std::uint32_t spi_in,
                                                         const std::vector<policy::OfferedProposal>& offered,
                                                         const Payloads& response, const ChildExchange& exchange,
                                                         const crypto::KeyExchange* ke);

}  // namespace ike::v2
