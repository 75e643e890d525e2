// One ISAKMP SA (phase 1, RFC 2409 5) and its Main Mode: IKEv1's own state type, apart from
// IKEv2's IkeSa.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "ike/crypto/ikev1_cipher.hpp"
#include "ike/crypto/ikev1_keymat.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/prf.hpp"
#include "ike/policy/identity.hpp"
#include "ike/v1/phase1_proposal.hpp"
#include "ike/v1/phase2_proposal.hpp"
#include "ike/engine/clock.hpp"
#include "ike/engine/retransmit.hpp"
#include "net/address.hpp"
#include "xfrm/kernel.hpp"

namespace ike::v1 {

using engine::Duration;
using engine::Time;

enum class Role : std::uint8_t { initiator, responder };

// The last Main Mode message this side sent (RFC 2409 5: MM1..MM6), then established.
enum class MmState : std::uint8_t { sent_mm1, sent_mm2, sent_mm3, sent_mm4, sent_mm5, established };

// One Quick Mode exchange (RFC 2409 5.5), under its Message ID.
struct QuickMode {
    std::string child;  // the configured child it negotiates
    Role role = Role::initiator;
    bool done = false;  // the IPsec SAs are installed
    // Responder: its inbound SA went into the kernel with QM2 (the initiator sends on it as
    // soon as it has QM2); it is removed if QM3 never comes (drop_quick_mode).
    bool inbound_added = false;
    std::uint32_t reqid = 0;  // set when the first of its SAs goes into the kernel
    Time forget_at{};   // once done: kept until then to answer retransmissions
    std::uint32_t replaces = 0;  // initiator of a rekey: the spi_in of the IPsec SA it replaces
    base::Bytes iv;     // this exchange's IV chain (Appendix B)
    std::vector<Phase2Suite> offered;  // initiator
    Phase2Suite suite;
    std::uint32_t spi_in = 0, spi_out = 0;
    std::unique_ptr<crypto::KeyExchange> dh;  // PFS
    base::Bytes peer_ke;
    base::Bytes n_i, n_r;
    net::Prefix local_ts, remote_ts;
    base::Bytes last_in, last_out;  // for retransmissions, as in Main Mode
    engine::PendingRequest pending;     // QM1 until QM2 (initiator), QM2 until QM3 (responder)
};

// A pair of installed ESP SAs and its policies.
struct IpsecSa {
    std::string child;
    std::uint32_t spi_in = 0, spi_out = 0;
    std::uint32_t reqid = 0;
    Phase2Suite suite;  // lifetime: the one in force
    net::Prefix local_ts, remote_ts;
    Time installed_at{};
    std::chrono::seconds rekey_after{0};  // the kernel's soft expiry
    bool rekeying = false;  // a Quick Mode replacing it is under way
    Time retire_at{};       // replaced by our rekey: deleted then (zero: not replaced)
    // Our rekey's outbound SA, not in the kernel before `from` (quick_mode.cpp): a responder
    // that installs the pair only on QM3 (strongSwan) must have it before we send on it.
    struct HeldOutbound {
        xfrm::Sa sa;
        Time from{};
    };
    std::optional<HeldOutbound> held_out;
};

struct IsakmpSa {
    std::string connection;
    Role role = Role::initiator;
    MmState state = MmState::sent_mm1;
    std::uint64_t cky_i = 0, cky_r = 0;
    net::Endpoint local, remote;

    std::vector<Phase1Suite> offered;  // initiator: the suites MM1 offered
    Phase1Suite suite;                 // negotiated (from MM2 on); lifetime as agreed
    base::Bytes sai_b;                 // the initiator's SA payload body as sent

    std::unique_ptr<crypto::KeyExchange> dh;
    base::Bytes gx_i, gx_r, n_i, n_r;
    std::optional<crypto::Prf> prf;
    crypto::Ikev1Keys keys;
    std::optional<crypto::Ikev1Cipher> cipher;
    // Appendix B: the IV of the next phase-1 message; once established, the last
    // ciphertext block of phase 1, from which every phase-2 IV is derived.
    base::Bytes iv;
    policy::Identity peer_id;

    // Reliability (RFC 2408 5, strongSwan/Libreswan behaviour): a datagram equal to the
    // last one received is a retransmission; the responder answers it with its last message.
    base::Bytes last_in, last_out;
    engine::PendingRequest pending;  // initiator: its last message, until answered
    std::map<std::uint32_t, QuickMode> quick_modes;  // by Message ID
    std::vector<IpsecSa> ipsec_sas;
    Time deadline{};             // responder before established: give up on the initiator
    Time established_at{}, expires{};
    // Renewal (renewal.cpp): a new Main Mode from renew_at on (`renewal`: our cookie of
    // it); once one is established with the same peer, its `successor` holds the IPsec SAs
    // and this one is deleted at retire_at.
    Time renew_at{}, retire_at{};
    std::uint64_t renewal = 0, successor = 0;
    // DPD (RFC 3706, dpd.cpp): the peer sent the DPD vendor ID; the last authenticated
    // message from it; our last R-U-THERE sequence number and the first one still unanswered,
    // with the retransmission timer of the probe under way.
    bool peer_dpd = false;
    // NAT-T (RFC 3947, nat_traversal.hpp): both announced it; a NAT changed our endpoint
    // (we are behind it) or the peer's; the next keepalive (behind a NAT).
    bool natt = false, nat_local = false, nat_remote = false;
    // The peer refused a Quick Mode of a child left to the defaults for want of PFS
    // (Libreswan's default pfs=yes): later ones offer PFS in this SA's group.
    bool pfs_for_defaults = false;
    Time keepalive_at{};
    Time last_heard{};
    std::uint32_t dpd_seq = 0, dpd_unanswered = 0;
    engine::PendingRequest dpd_probe;

    std::uint64_t own_cookie() const { return role == Role::initiator ? cky_i : cky_r; }
    crypto::Ikev1Cookies cookies() const { return {cky_i, cky_r}; }
};

}  // namespace ike::v1
