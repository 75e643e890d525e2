// The IKEv1 engine's state and the helpers its exchanges share (engine.hpp is the API).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "ike/crypto/rng.hpp"
#include "ike/policy/config.hpp"
#include "ike/v1/engine.hpp"
#include "ike/v1/isakmp_sa.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::v1 {

struct Core {
    Core(policy::Config c, crypto::Rng& r, EngineOptions o) : config(std::move(c)), rng(r), options(o) {}

    policy::Config config;
    crypto::Rng& rng;
    EngineOptions options;
    std::map<std::uint64_t, IsakmpSa> sas;  // by our own cookie
    Effects out;                            // effects of the event being handled
    std::map<std::string, engine::Failure> failures;  // the last failed attempt per connection
    std::uint32_t next_reqid = kReqidBaseV1;
    bool reqids_wrapped = false;
    std::set<std::uint32_t> reqids_in_use;  // at the last wrap (engine::next_free_reqid)
    // next_reqid taken: the following one of IKEv1's half, back to its first past its end.
    // After a wrap the reqids in use (a pair's, a Quick Mode's, a held policy's, a trap's,
    // one handed over) are skipped. Never out of the half, where acquires and expiries would
    // go to the IKEv2 engine.
    void advance_reqid();
    // The policies in the kernel, the connection they protect and the reqid they send to.
    // They outlive their pair (a hard expiry, a peer's Delete, a dead peer: the traffic is
    // dropped, never sent in clear) until the next pair for the selectors takes them over or
    // the operator's down: so none is ever added twice or deleted when not there.
    struct HeldPolicy {
        std::string connection;
        std::uint32_t reqid = 0;
    };
    std::map<xfrm::PolicyId, HeldPolicy> policies;
    // Adds `p`, or points the one in the kernel to p's reqid.
    void hold_policy(xfrm::Policy p, const IsakmpSa& sa) { hold_policy(std::move(p), owner(sa)); }
    void hold_policy(xfrm::Policy p, const engine::KernelOwner& who);
    // A connection brought up (start: up, or the operator's Up) whose `start: up` children
    // ipsecd keeps up until the operator's down (fail_closed.cpp): their policies are in the
    // kernel before any negotiation, and a child that is not up is attempted again with
    // back-off: until it is first up, and after that while its close_action is restart.
    struct Wanted {
        std::set<std::string> been_up;  // children installed at least once
        Time at = Time::max();          // the next attempt; max: nothing is missing
        engine::Duration delay{};           // the back-off after that attempt
        unsigned attempts = 0;
        std::string child;  // the missing child the attempts are for (in the log)
    };
    std::map<std::string, Wanted> wanted;
    // The children whose policies wait for traffic (trap.cpp), by the reqid those policies
    // send to: the kernel's acquire names it, and the child's pairs keep it (reqid_for).
    struct Trap {
        std::string connection, child;
    };
    std::map<std::uint32_t, Trap> traps;
    // The connections an operator's Up brought up (or on their way), until their down or
    // removal: a reload that changes one brings it up again with the new settings.
    std::set<std::string> operator_up;
    // During a reload: the reqids of a changed connection's children, by connection and child
    // name, which the policies of its new settings take over (so do their pairs): a packet
    // that meets a policy of the old reqid once its SAs are gone raises an acquire the new
    // pair fills (engine/policy_handover.hpp).
    std::map<std::pair<std::string, std::string>, std::uint32_t> handed_reqids;
    void release_policy(const xfrm::PolicyId& id, const engine::KernelOwner& owner);

    void log(engine::LogLevel level, const std::string& connection, std::string message, std::uint64_t cookie = 0);
    void log(engine::LogLevel level, const IsakmpSa& sa, std::string message) {
        log(level, sa.connection, std::move(message), sa.own_cookie());
    }
    // Sends a Main Mode message to the peer and keeps it for replay (IsakmpSa::last_out).
    void send(IsakmpSa& sa, base::Bytes bytes);
    // Sends a phase-2 message (its exchange keeps it for replay).
    void transmit(const IsakmpSa& sa, base::Bytes bytes);
    engine::KernelOwner owner(const IsakmpSa& sa) const { return {sa.connection, sa.own_cookie()}; }
    std::uint32_t new_spi();
    // Publishes the SA's status (StatePublished); a removed SA is published as "closed".
    void publish(const IsakmpSa& sa, bool closed = false);
    // Forgets the SA; its IPsec SAs go to its heir, if it has one.
    void remove(IsakmpSa& sa);
    // The ISAKMP SA that takes over `sa`'s IPsec SAs when it ends: its successor, else
    // another of the connection with the same peer (established ones first); nullptr if none.
    IsakmpSa* heir(const IsakmpSa& sa);
    // An IPsec SA of the connection on any of its ISAKMP SAs (they move on renewal), and
    // the ISAKMP SA holding it; {nullptr, nullptr} if none matches.
    struct Held {
        IsakmpSa* sa = nullptr;
        IpsecSa* ipsec = nullptr;
    };
    template <class Pred>
    Held find_ipsec(const std::string& connection, Pred pred) {
        for (auto& [cookie, sa] : sas) {
            if (sa.connection != connection) continue;
            for (auto& i : sa.ipsec_sas)
                if (pred(i)) return {&sa, &i};
        }
        return {};
    }
    // A fresh non-zero cookie not in use (RFC 2408 2.5.3).
    std::uint64_t new_cookie();
    base::Bytes random_bytes(std::size_t n);

    engine::IkeSaStatus sa_status(const IsakmpSa& sa) const;
    engine::ConnectionState connection_state(const std::string& connection) const;
};

// Moves `from`'s IPsec SAs to `to` (renewal: their reqids and policies stay as they are).
void adopt_ipsec(IsakmpSa& to, IsakmpSa& from);

// main_mode.cpp
// The new ISAKMP SA (nullptr if the connection cannot initiate).
IsakmpSa* initiate_main_mode(Core& core, Time now, const policy::Connection& connection);
// A Main Mode datagram (exchange type 2); `sa` is the SA its cookies name, if any.
void on_main_mode(Core& core, Time now, IsakmpSa* sa, const engine::DatagramIn& in, const wire::v1::Message& message);

// Starts a Quick Mode for each child of `c` without IPsec SAs or a negotiation under way.
void start_children(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c);

// fail_closed.cpp (DESIGN "Fail closed", strongSwan's close_action=start)
// Puts `child`'s policies into the kernel with a template and no SA, unless they are held
// already; the reqid they send to (one handed over by a reload, else a new one).
std::uint32_t hold_child_policies(Core& core, const policy::Connection& c, const policy::Child& child);
// Before a reload takes `c` down: its children's reqids (their pairs', traps' or held
// policies') into Core::handed_reqids.
void hand_over_reqids(Core& core, const policy::Connection& c);
// The operator's Up or start: up: the `start: up` children's policies go into the kernel
// (a template and no SA: their traffic is dropped, never sent in clear) and stay, and the
// children are brought up and kept up with back-off (1 s doubling to 60 s, plus up to a
// fifth at random) until the operator's down (forget_wanted).
void want_up(Core& core, const policy::Connection& c);
void forget_wanted(Core& core, const std::string& connection);
// After each event: schedules, runs and ends the attempts; the earliest one due.
void run_attempts(Core& core, Time now);
std::optional<Time> next_attempt(const Core& core);
bool attempts_pending(const Core& core, const std::string& connection);

// trap.cpp (start: trap and close_action: trap, DESIGN "Fail closed")
// The policies of `c`'s `start: trap` children into the kernel, each child a trap.
void install_traps(Core& core, const policy::Connection& c);
// Also a trap: a `start: up` child whose close action is trap, once its policies are held.
void trap_child(Core& core, const policy::Connection& c, const policy::Child& child, std::uint32_t reqid);
void forget_traps(Core& core, const std::string& connection);
// The kernel's acquire: a packet matched a trapped child's policy and there is no SA yet.
void on_acquire(Core& core, Time now, const xfrm::Acquire& acquire);

// quick_mode.cpp
// IKEv1 negotiates one selector per side: the child's subnet, or the IKE address.
base::Result<net::Prefix> ts_or_host(const std::vector<net::Prefix>& subnets, const net::Address& ike);
// `replaces`: the IPsec SA a rekey replaces (its selectors are negotiated again).
void initiate_quick_mode(Core& core, Time now, IsakmpSa& sa, const policy::Child& child,
                         const IpsecSa* replaces = nullptr);
// A Quick Mode datagram (exchange type 32) on an ISAKMP SA.
void on_quick_mode(Core& core, Time now, IsakmpSa& sa, const engine::DatagramIn& in, const wire::v1::Message& message);
// Forgets a Quick Mode (all of an ISAKMP SA's): one that did not complete takes the inbound SA
// its responder added with QM2 out of the kernel.
void drop_quick_mode(Core& core, IsakmpSa& sa, std::uint32_t mid);
void drop_quick_modes(Core& core, IsakmpSa& sa);
// Retransmissions and the end of finished exchanges; the earliest time either is due.
void quick_mode_timers(Core& core, Time now, IsakmpSa& sa);
// Our rekey's outbound SA held back (IpsecSa::held_out) goes into the kernel now.
void send_held_outbound(Core& core, const IsakmpSa& sa, IpsecSa& ipsec);
std::optional<Time> quick_mode_wakeup(const IsakmpSa& sa);

// The kernel's soft (rekey) or hard (gone) expiry of an IPsec SA.
void on_ipsec_expire(Core& core, Time now, const xfrm::Expire& expire);

// renewal.cpp (ISAKMP SA renewal, RFC 2409 4.5: a new Main Mode before the lifetime ends)
// An ISAKMP SA just established: its renewal time, and the IPsec SAs of the connection's
// older ISAKMP SAs with the same peer adopted (those are deleted a while later).
void on_established(Core& core, Time now, IsakmpSa& sa);
// Renewal and retirement due on an established SA; the earliest time either is due.
void renewal_timers(Core& core, Time now, IsakmpSa& sa);
std::optional<Time> renewal_wakeup(const IsakmpSa& sa);

// dpd.cpp (Dead Peer Detection, RFC 3706)
// The DPD vendor ID both sides send in MM1/MM2, and whether `payloads` carry it.
wire::v1::VendorId dpd_vendor_id();
bool has_dpd_vendor_id(const std::vector<wire::v1::Payload>& payloads);
// An authenticated R-U-THERE (answered) or R-U-THERE-ACK from the peer.
void on_dpd_notify(Core& core, IsakmpSa& sa, const wire::v1::Notification& n);
// Probes a silent peer every `ike.dpd`; one that answers no probe is dead: its IPsec SAs
// go (their policies stay unless the child's close action is clear), the SA is forgotten.
void dpd_timers(Core& core, Time now, IsakmpSa& sa);
std::optional<Time> dpd_wakeup(const Core& core, const IsakmpSa& sa);

// informational.cpp
// Sends an authenticated notify about the ISAKMP SA itself (SPI: the cookie pair).
void send_isakmp_notify(Core& core, IsakmpSa& sa, std::uint16_t type, base::Bytes data);
// The pair's policies (informational.cpp).
std::vector<xfrm::Policy> policies_of(const IsakmpSa& sa, const IpsecSa& ipsec);
// Sends a Delete of our inbound SPI and removes the pair's kernel SAs. Its policies go to
// another pair of the connection for the same selectors if there is one (a rekey's), else
// they are deleted when `with_policies`.
void retire_ipsec(Core& core, IsakmpSa& sa, const IpsecSa& ipsec, bool send_delete, bool with_policies);
// Another pair of the connection for the same selectors as `ipsec` (a rekey's), if any.
Core::Held other_pair(Core& core, const IsakmpSa& sa, const IpsecSa& ipsec);
// Error notifies (RFC 2408 5.4, 5.5): a refused Quick Mode is answered under the ISAKMP
// SA with the offer's protocol and SPI; a refused Main Mode in the clear (no keys yet).
void send_child_notify(Core& core, IsakmpSa& sa, std::uint16_t type, wire::v1::ProtocolId protocol, base::Bytes spi);
void send_plain_notify(Core& core, const engine::DatagramIn& in, std::uint64_t cookie_i, std::uint16_t type);
std::string notify_name(std::uint16_t type);
// quick_mode.cpp: the peer's authenticated error notify about the Quick Mode whose offer
// carried `spi`: it failed (no waiting for the retransmissions to run out).
void quick_mode_refused(Core& core, Time now, IsakmpSa& sa, std::optional<std::uint32_t> spi, std::uint16_t type);
// The ISAKMP SA's SPI in notifies and Deletes: CKY-I | CKY-R.
base::Bytes cookie_pair(const IsakmpSa& sa);
// INITIAL-CONTACT (RFC 2407 4.6.3.3) goes in MM5 of the first Main Mode with a peer (no
// other SA of the connection with it; never in a renewal, strongSwan would drop the old
// SAs' CHILD SAs).
bool first_contact(const Core& core, const IsakmpSa& sa);
wire::v1::Notification initial_contact(const IsakmpSa& sa);
bool has_initial_contact(const std::vector<wire::v1::Payload>& payloads);
// INITIAL-CONTACT from the peer of `fresh`: it has no state from before, so the
// connection's other SAs with that peer go (kernel SAs, no Deletes; the policies stay for
// the next Quick Mode, fail closed).
void forget_peer_state(Core& core, IsakmpSa& fresh);
void on_informational(Core& core, Time now, IsakmpSa& sa, const engine::DatagramIn& in, const wire::v1::Message& message);
// An operator's down: Deletes for its IPsec SAs and itself to the peer, kernel state removed.
void take_down(Core& core, IsakmpSa& sa);
// Sends the Delete of the ISAKMP SA itself and forgets it (its IPsec SAs must be gone or moved).
void delete_isakmp(Core& core, IsakmpSa& sa);

}  // namespace ike::v1
