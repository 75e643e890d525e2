// The IKE SA and CHILD SA records the engine keeps, and their states. Each state machine
// changes state only through its enter function (iwd's station_enter_state): that is where
// timers are armed, kernel state is removed and state is published.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/keymat.hpp"
#include "ike/crypto/prf.hpp"
#include "ike/crypto/sk_cipher.hpp"
#include "ike/eap/mschapv2.hpp"
#include "ike/policy/connection.hpp"
#include "ike/policy/negotiation.hpp"
#include "ike/v2/neutral.hpp"
#include "ike/v2/message_ids.hpp"
#include "ike/v2/fragmentation.hpp"
#include "ike/v2/payloads.hpp"
#include "ike/v2/traffic_selectors.hpp"
#include "net/address.hpp"
#include "xfrm/kernel.hpp"

namespace ike::v2 {

enum class ChildState : std::uint8_t {
    installed,  // SAs and policies in the kernel
    rekeyed,    // replaced by a new CHILD SA; its SAs stay until the Delete is through
    deleting,   // we asked the peer to delete it; kernel state stays until the answer
    deleted,    // kernel SAs removed (policies too unless the connection traps)
};

struct ChildSa {
    const policy::Child* config = nullptr;
    ChildState state = ChildState::installed;
    // The flags beside `state`, where they leave no padding (an IKE SA's children are one
    // allocation: 184 bytes each, not 200).
    bool rekey_wanted = false;  // soft expiry seen; rekey once the window is free
    bool out_removed = false;   // our Delete is out: we no longer send on it (send_delete_child)
    std::uint32_t spi_in = 0, spi_out = 0;
    std::uint32_t reqid = 0;
    xfrm::Mode mode = xfrm::Mode::tunnel;
    // Where its kernel SAs are: the IKE SA's endpoints when installed, or when a NAT
    // rebinding moved them (move_children). An older CHILD SA of the same reqid stays behind.
    net::Address local, remote;
    policy::Proposal proposal;
    std::vector<net::Prefix> local_ts, remote_ts;
    Time rekey_not_before{};    // after the peer's TEMPORARY_FAILURE (2.25): not at once
    Time installed_at{};        // when its SAs went into the kernel (status)
    std::uint32_t expired_spi = 0;  // the SA the kernel removed at its hard lifetime: not deleted again
    // The peer's rekey of this child that crossed ours (2.8.1): its nonces and the SPI of
    // the CHILD SA it created.
    struct PeerRekey {
        base::Bytes ni, nr;
        std::uint32_t spi_in = 0;
    };
    std::unique_ptr<PeerRekey> peer_rekey;  // on the heap: rare, and 56 bytes in every CHILD SA
    // RFC 7296 2.8: the responder of a rekey keeps sending on the old SA until the peer,
    // which installs the new pair only on our answer, deletes the old one; the new outbound
    // SA's keys wait here until then (install_pending_outbound). Null once installed.
    struct PendingOutbound {
        base::SecretBytes encr, integ;
    };
    std::unique_ptr<PendingOutbound> pending_out;
};

// Our outstanding CREATE_CHILD_SA request.
struct ChildRequest {
    const policy::Child* config = nullptr;
    std::uint32_t rekeyed_spi_in = 0;  // 0: a new CHILD SA
    // A fresh CHILD SA (no REKEY_SA) taking the place of rekeyed_spi_in, which the peer
    // no longer has (CHILD_SA_NOT_FOUND, 2.25): the old one goes without a Delete.
    bool replaces = false;
    std::uint32_t spi_in = 0;
    std::uint32_t reqid = 0;
    base::Bytes ni;
    std::unique_ptr<crypto::KeyExchange> ke;
    std::vector<policy::OfferedProposal> offer;
    Selectors ts;  // the TSi and TSr we sent
};

enum class IkeState : std::uint8_t {
    resolving,    // initiator: the peer's host name is being resolved (resolve.cpp)
    init_sent,    // initiator: IKE_SA_INIT request out
    auth_sent,    // initiator: IKE_AUTH request out
    half_open,    // responder: IKE_SA_INIT answered, IKE_AUTH awaited
    established,  // authenticated both ways
    rekeyed,      // replaced by a new IKE SA (2.18); waits for the Delete
    deleting,     // our Delete of the IKE SA is out
    closed,       // gone: the engine drops the record
};

struct IkeSa;

// EAP inside IKE_AUTH (RFC 7296 2.16), from the first IKE_AUTH exchange until the AUTHs
// computed with the MSK: the gateway's authenticator or the road warrior's peer.
struct EapRound {
    std::variant<eap::Authenticator, eap::Peer> method;
    // The peer's ID payload, which its final AUTH signs, and the identity it names: the
    // gateway's (checked by its certificate) or the road warrior's IDi.
    wire::IdI peer_id;
    std::optional<policy::Identity> peer;
    Payloads first_request;  // gateway: the SA, TSi and TSr its last response answers
    bool succeeded = false;  // EAP succeeded: the AUTHs with the MSK remain
    const base::SecretBytes& msk() const {
        return std::visit([](const auto& m) -> const base::SecretBytes& { return m.msk(); }, method);
    }
};

// Our outstanding request (window size 1, RFC 7296 2.3) and what its answer completes:
// one value, so that a new request can never overwrite the state of the one in flight.
namespace sent {
struct IkeSaInit {};
struct IkeAuth {};
struct CreateChild {
    // On the heap: inline it made every IKE SA's `request` 136 bytes, idle or not.
    std::unique_ptr<ChildRequest> child;
};
struct RekeyIke {
    std::unique_ptr<IkeSa> fresh;  // the new SA, not registered until it is live (2.18)
};
struct DeleteChild {
    std::uint32_t spi_in = 0;  // inbound SPI of the CHILD SA the Delete is about
};
struct DeleteIke {};
struct Liveness {};
}  // namespace sent
using InFlight = std::variant<std::monostate, sent::IkeSaInit, sent::IkeAuth, sent::CreateChild, sent::RekeyIke,
                              sent::DeleteChild, sent::DeleteIke, sent::Liveness>;

// A request asked for while another is in flight: sent, if still meaningful, once the
// window is free (in order).
namespace wanted {
struct CreateChild {
    const policy::Child* config = nullptr;
    std::uint32_t rekeyed_spi_in = 0;  // 0: a new CHILD SA
};
struct DeleteChild {
    ProtocolId protocol = ProtocolId::esp;
    std::uint32_t spi_in = 0;
};
}  // namespace wanted
using Waiting = std::variant<wanted::CreateChild, wanted::DeleteChild, sent::DeleteIke>;

// A virtual IP of an IKE SA (RFC 7296 3.15): leased to the peer from `pool` (gateway), or
// received from the peer (road warrior, `pool` empty).
struct VirtualIp {
    net::Address address;
    std::string pool;
    std::uint64_t generation = 0;  // of the pool it was leased from (Leased)
};

struct IkeSa {
    const policy::Connection* conn = nullptr;
    crypto::IkeSpis spis;
    net::Endpoint local, remote;
    IkeState state = IkeState::init_sent;
    // The small members together, here, where they leave no padding (the static_assert below).
    bool initiator = false;  // original initiator (RFC 7296 2.2: the I flag)
    bool peer_fragmentation = false;  // the peer sent IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383 2.3)
    bool nat_local : 1 = false, nat_remote : 1 = false;  // which side is behind a NAT (2.23)
    MessageIds ids;
    std::uint32_t first_child_spi = 0;  // the first CHILD SA's, negotiated inside IKE_AUTH

    PendingRequest pending;
    InFlight request;
    // A list, not a deque: libstdc++'s deque allocates ~570 bytes even when empty, and most
    // IKE SAs never queue a request.
    std::list<Waiting> waiting;
    ResponseCache responses;
    // The peer's fragmented request and response being reassembled (RFC 7383 2.6).
    fragmentation::Reassembly request_fragments, response_fragments;

    // IKE_SA_INIT material, dropped once authenticated.
    std::vector<policy::OfferedProposal> offered;
    // Shared with Core::reused_ke on a responder (2.12), the SA's own otherwise.
    std::shared_ptr<const crypto::KeyExchange> ke;
    // The Core::reused_ke generation this responder SA was set up with (0: none): its close
    // ends that exponential's use.
    std::uint64_t reused_ke = 0;
    base::Bytes cookie;
    base::Bytes init_request, init_response;  // the signed octets' RealMessage (2.15)
    base::Bytes ni, nr;

    policy::Proposal proposal;
    std::optional<crypto::Prf> prf;
    crypto::IkeSaKeys keys;
    // SK payload transform; the cipher objects are built per message from it and the keys
    // (an idle SA keeps only keys: Botan's AES-GCM state is ~5 KiB per direction).
    std::optional<crypto::SkTransform> sk;
    // The peer's SIGNATURE_HASH_ALGORITHMS (RFC 7427 4); empty if it sent none.
    std::vector<HashAlgorithm> peer_hashes;

    std::unique_ptr<EapRound> eap;  // while IKE_AUTH runs EAP (on the heap: ~300 bytes)

    // The first CHILD SA, negotiated inside IKE_AUTH (its SPI is with `ids`, above).
    const policy::Child* first_child = nullptr;
    std::vector<policy::OfferedProposal> child_offer;
    std::vector<ChildSa> children;
    // Inbound SPIs reserved in the kernel (larval SAs) for CHILD SAs not installed yet: what
    // a failed negotiation or the end of the IKE SA must delete (core.hpp, release_spi).
    std::vector<xfrm::SaId> larval;
    // The peer address this SA counts in Core::contacted with peer_identity from its
    // establishment to its end (the address may change meanwhile, 2.23).
    std::optional<net::Address> contact_address;
    // Initiator: the CHILD SAs created with CREATE_CHILD_SA once established (1.3.1), after
    // the first, which IKE_AUTH carries.
    std::vector<const policy::Child*> more_children;
    // Where our CHILD SAs go when this SA is deleted after a rekey (our SPI of the new SA).
    std::uint64_t successor = 0;
    // The peer's IKE rekey that crossed ours (2.8.2): its nonces and the SA it created.
    struct PeerIkeRekey {
        base::Bytes ni, nr;
        std::uint64_t spi = 0;
    };
    std::unique_ptr<PeerIkeRekey> peer_rekey;  // on the heap: rare, and 64 bytes inline
    Time rekey_at{};  // configured IKE lifetime reached: rekey

    // Responder: the connections the addresses and the proposal chosen at IKE_SA_INIT
    // admit, by name; IKE_AUTH picks one by the peer's IDs (2.15, 3.5).
    std::vector<std::string> candidates;
    // Both ends' identities (as logs show them) once authenticated: INITIAL_CONTACT (2.4)
    // names the IKE SAs between the same pair.
    std::string local_identity, peer_identity;
    // Remote access (config_payload.hpp): the virtual IPs, and the DNS servers and domains
    // a road warrior received with them or a gateway handed out with them.
    std::vector<VirtualIp> virtual_ips;
    std::vector<net::Address> dns;
    std::vector<std::string> domains;

    Time last_heard{};   // last authenticated message from the peer (DPD)
    Time expires{};      // half-open give-up time (responder); rekeyed: end without a Delete;
                         // resolving: end without an answer (kResolveTimeout)

    std::uint64_t local_spi() const { return initiator ? spis.initiator : spis.responder; }
    Time established_at{};  // zero until authenticated both ways
    Time keepalive_at{};    // next NAT keepalive (RFC 3948 2.3) when we are behind a NAT
    // What a failure of the exchange in flight means for the connection (status); set by
    // the engine before it hands a response to the exchange.
    Failure failure;
    std::uint64_t remote_spi() const { return initiator ? spis.responder : spis.initiator; }
    // Our rekey of this IKE SA in flight, if any.
    IkeSa* rekeying() const {
        const auto* r = std::get_if<sent::RekeyIke>(&request);
        return r ? r->fresh.get() : nullptr;
    }
    const ChildRequest* child_request() const {
        const auto* c = std::get_if<sent::CreateChild>(&request);
        return c ? c->child.get() : nullptr;
    }
};
// Every IKE SA is one allocation of this size: mimalloc, the daemon's heap (DESIGN Part 1,
// "The heap"), serves 1024 bytes from a class of 1024 and 1025 from one of 1280 (issue 13:
// bytes per SA). A member that would cross it belongs on the heap if most SAs never use it.
static_assert(sizeof(IkeSa) <= 1024, "an IKE SA record past 1024 bytes costs 256 more per SA");

}  // namespace ike::v2
