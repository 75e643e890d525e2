// Renewal of the ISAKMP SA. IKEv1 has no rekey of phase 1 (RFC 2409 4.5 only says that an
// SA ends at its lifetime): a new Main Mode replaces it, and the IPsec SAs go on under the
// new one. What the peers expect (shared/ikev1/README.md 6):
// - strongSwan, responder of the new Main Mode, moves the CHILD SAs of the established ISAKMP
//   SA with the same hosts, identities and configuration to the new one (adopt_children_job)
//   and deletes the old one 10 s later; initiator, it moves them at once and deletes the old
//   one at its hard lifetime. A Delete of an ISAKMP SA destroys the CHILD SAs still on it:
//   the old SA's Delete must come after the peer moved them, never right after MM6.
// - Libreswan starts a new Main Mode at the lifetime minus a margin (the initiator earlier
//   than the responder), deletes the old SA later, and keeps IPsec SAs on an ISAKMP Delete.
// A renewal never carries INITIAL-CONTACT (strongSwan would delete the old SAs and children).
// ipsecd does the same in both roles: the new SA adopts the IPsec SAs at once (their reqids,
// policies and rekey timers unchanged: nothing in the kernel changes, no packet is lost),
// and the old SA's Delete is sent 10 s later.
#include <algorithm>
#include <cstdio>

#include "ike/v1/core.hpp"

namespace ike::v1 {

namespace {

using engine::LogLevel;

constexpr Duration kRetireDelay = std::chrono::seconds(10);  // strongSwan's adopt_children_job
constexpr Duration kRenewRetry = std::chrono::seconds(10);   // a failed or slow renewal again

std::string hex_cookie(std::uint64_t cookie) {
    char buf[19];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(cookie));
    return buf;
}

// Before the lifetime ends: the initiator at 80-90% of it, the responder at 95% (Libreswan's
// split), so that the two sides seldom renew at once.
Duration renew_margin(Core& core, Role role, Duration life) {
    if (role == Role::responder) return life / 20;
    std::uint64_t r = 0;
    for (auto b : core.random_bytes(8)) r = r << 8 | b;
    const auto spread = static_cast<std::uint64_t>(life.count() / 10);
    return life / 10 + Duration{static_cast<Duration::rep>(r % (spread + 1))};
}

bool renewal_running(const Core& core, const IsakmpSa& sa) {
    auto it = core.sas.find(sa.renewal);
    return sa.renewal && it != core.sas.end() && it->second.state != MmState::established;
}

bool quick_mode_running(const IsakmpSa& sa) {
    return std::any_of(sa.quick_modes.begin(), sa.quick_modes.end(),
                       [](const auto& q) { return q.second.role == Role::initiator && !q.second.done; });
}

}  // namespace

void on_established(Core& core, Time now, IsakmpSa& sa) {
    sa.last_heard = now;
    sa.renew_at = sa.expires - renew_margin(core, sa.role, std::chrono::duration_cast<Duration>(sa.expires - now));
    std::vector<IsakmpSa*> replaced;
    for (auto& [cookie, old] : core.sas) {
        if (&old == &sa || old.connection != sa.connection || old.state != MmState::established || old.successor ||
            old.remote.address != sa.remote.address || old.peer_id != sa.peer_id)
            continue;
        old.successor = sa.own_cookie();
        old.retire_at = std::min(now + kRetireDelay, old.expires);
        core.log(LogLevel::info, old,
                 "renewed by ISAKMP SA " + hex_cookie(sa.own_cookie()) + ": its " +
                     std::to_string(old.ipsec_sas.size()) + " IPsec SA(s) move there, this one is deleted in " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(old.retire_at - now).count()) +
                     " s");
        adopt_ipsec(sa, old);
        replaced.push_back(&old);
    }
    if (replaced.empty()) return;
    core.publish(sa);  // first: the routes of the children stay held
    for (auto* old : replaced) core.publish(*old);
}

void renewal_timers(Core& core, Time now, IsakmpSa& sa) {
    if (sa.successor) {
        if (now < sa.retire_at) return;
        if (quick_mode_running(sa)) {
            // Its answer comes under this SA: wait for it (at most until the lifetime ends).
            sa.retire_at = std::min(now + std::chrono::seconds(1), sa.expires);
            return;
        }
        core.log(LogLevel::info, sa, "ISAKMP SA renewed: deleted");
        return delete_isakmp(core, sa);
    }
    if (now < sa.renew_at) return;
    sa.renew_at = now + kRenewRetry;  // should this attempt fail or take long
    const auto* c = core.config.find(sa.connection);
    if (!c || renewal_running(core, sa)) return;
    core.log(LogLevel::info, sa, "ISAKMP SA lifetime ends soon: renewing with a new Main Mode");
    if (auto* fresh = initiate_main_mode(core, now, *c)) sa.renewal = fresh->own_cookie();
}

std::optional<Time> renewal_wakeup(const IsakmpSa& sa) { return sa.successor ? sa.retire_at : sa.renew_at; }

}  // namespace ike::v1
