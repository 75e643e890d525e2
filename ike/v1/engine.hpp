// ike::v1::Engine: IKEv1 (RFC 2409) sans I/O, one of the two engines behind
// ike::engine::Engine (ike/engine/engine.hpp; ike::engine::Engines drives both): events in
// with the time, effects out (the shared types of ike/engine/, so the daemon applies both
// engines' effects alike), deterministic given the configuration, the Rng and the events.
//
// Implemented, for connections with `version: 1`, as initiator and responder:
// - Main Mode (RFC 2409 5) with pre-shared keys, or RSA (5.1) and ECDSA (RFC 4754) signatures
//   with X.509 certificates (the IKEv2 engine's engine::Credentials; CERTREQ naming our CAs in
//   MM3/MM4, our chain in CERT payloads): the SA negotiation of phase1_proposal.hpp,
//   KE + nonce, encrypted ID + HASH or SIG with the CBC IV chaining of Appendix B, retransmission
//   by the initiator and replay of the last message by the responder, the negotiated
//   lifetime. Aggressive Mode is refused.
// - Renewal of the ISAKMP SA (renewal.cpp): a new Main Mode before the lifetime ends takes
//   over the IPsec SAs (unchanged in the kernel); the old ISAKMP SA is deleted 10 s later.
// - Quick Mode (5.5) for ESP or AH (RFC 2407 4.4.3; not across a NAT), started by the initiator for each child once phase 1 is up:
//   HASH(1..3), the suites of phase2_proposal.hpp with PFS, client IDs as the selectors (one
//   subnet or host per side), tunnel and transport mode; both SAs and the policies are
//   installed with the same effects as IKEv2's CHILD SAs (AddSa, AddPolicy). At the kernel's
//   soft expiry either side runs a new Quick Mode for the same selectors: the new SAs take
//   the old ones' reqid and policies (make-before-break), and the side that rekeyed deletes
//   the old pair (Delete to the peer). At the hard expiry the pair is forgotten; its policies
//   stay (traffic dropped, never in the clear).
// - Informational exchanges (5.7): an operator's down sends Deletes (ESP SPIs, then the
//   ISAKMP SA) and removes the kernel state; a peer's Delete of IPsec SAs removes them
//   (their policies stay unless the child's close action is clear), of the ISAKMP SA
//   forgets it; notifies are logged by name.
// - NAT-T (RFC 3947, nat_traversal.hpp): vendor ID, NAT-D, port 4500, UDP-encapsulated ESP
//   (modes 3/4), keepalives.
// - DPD (dpd.cpp, RFC 3706), INITIAL-CONTACT on the first Main Mode with a peer, error
//   notifies for refused Main and Quick Modes; policies left without SAs are kept for the
//   next Quick Mode of their child (Core::policies).
// - Fail closed (fail_closed.cpp): a `start: up` child's policies are in the kernel from the
//   Up to the operator's down, and the child is brought up and back (close_action restart)
//   with back-off.
// - start: trap and close_action: trap (trap.cpp): the kernel's acquire for a trapped
//   child's policies starts its Quick Mode, after a Main Mode if there is no ISAKMP SA.
// - Reload as a diff (reconfigure): the version 1 connections a reload removes or changes are
//   taken down as an operator's down takes them down, changed and added ones started as
//   start() starts them, or brought up again, their traffic held, if an operator's Up had
//   them up (here, or as IKEv2 ones before their `version` changed); unchanged ones keep
//   their SAs.
// - Kernel failures (KernelFailed): the ISAKMP SA whose IPsec SA could not be installed is
//   taken down as an operator's down would; its connection's wanted children come back.
// Not yet: SA bundles (AH with ESP).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "ike/crypto/rng.hpp"
#include "ike/engine/clock.hpp"
#include "ike/engine/credentials.hpp"
#include "ike/engine/effects.hpp"
#include "ike/engine/engine.hpp"
#include "ike/engine/events.hpp"
#include "ike/engine/reqids.hpp"
#include "ike/engine/retransmit.hpp"
#include "ike/policy/config.hpp"

namespace ike::v1 {

using engine::Effects;
using engine::Event;
using engine::Time;

// The reqids of IKEv1 IPsec SAs: the engines' mark (engine::kReqidBase), in a half of its range
// apart from the IKEv2 engine's, so that ike::engine::Engines hands a kernel event to the right engine.
inline constexpr std::uint32_t kReqidBaseV1 = engine::kReqidEndV2;
inline constexpr std::uint32_t kReqidEndV1 = kReqidBaseV1 + 0x00800000u;
inline constexpr bool is_v1_reqid(std::uint32_t reqid) { return (reqid & 0xff800000u) == kReqidBaseV1; }

struct EngineOptions {
    engine::RetransmitPolicy retransmit;
    // A responder Main Mode not completed within this time is forgotten.
    engine::Duration half_open_timeout{30000};
    std::uint16_t ike_port = 500;
    // IKE moves here when a NAT is detected (RFC 3947 4); the daemon adds the non-ESP marker.
    std::uint16_t natt_port = 4500;
    // Certificates and keys for signature authentication (not owned; nullptr: none).
    const engine::Credentials* credentials = nullptr;
};

struct Core;

class Engine final : public engine::Engine {
public:
    Engine(policy::Config config, crypto::Rng& rng, EngineOptions options = {});
    ~Engine() override;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // The configuration taking effect: `start: trap` children trapped, `start: up` ones
    // brought up (as an operator's Up).
    Effects start(Time now) override;
    // HostResolved concerns only IKEv2 connections (version 1 ones name addresses).
    Effects handle(Time now, const Event& event) override;
    Effects reconfigure(Time now, policy::Config next) override;
    // The same, and the added connections named in `brought_up` (the operator's Up had them
    // up or connecting on the IKEv2 engine until the reload changed their `version`) are
    // brought up again as a changed connection the operator had up is, their traffic held.
    Effects reconfigure(Time now, policy::Config next, const std::set<std::string>& brought_up);
    // True if the operator's Up (no Down since) has the connection up or connecting.
    bool operator_has_up(const std::string& connection) const;
    std::optional<Time> next_wakeup() const override;
    // Connections with `version: 1` only: up once the initiator's children all have IPsec
    // SAs (a responder: once phase 1 is done), partial when a child failed.
    std::vector<engine::ConnectionStatus> status() const override;
    std::optional<engine::ConnectionStatus> status(const std::string& connection) const override;
    // Replaces EngineOptions::credentials; ISAKMP SAs authenticated before keep their state.
    void set_credentials(const engine::Credentials* credentials) override;

private:
    std::unique_ptr<Core> core_;
};

}  // namespace ike::v1
