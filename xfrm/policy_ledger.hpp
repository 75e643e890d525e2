// The policy ledger: one kernel policy (its PolicyId: selector, direction, mark, if_id) may
// be wanted by several owners at once (DESIGN "Several cores: shards": today the IKEv2 and
// the IKEv1 engine while a reload moves a connection between them; later a connection's
// SAs on two shards). The ledger keeps every owner's wish per policy in the order they came
// and keeps the kernel at the latest one: an owner's delete of the installed wish puts the
// latest remaining one back in place (XFRM_MSG_UPDPOLICY, never a moment without it), and
// only the last owner's delete removes the policy (strongSwan's kernel interface counts a
// policy's users for the same reason). A delete never opens a gap in another owner's
// protection (DESIGN "Fail closed").
// It lives in xfrm/, in front of the one request queue (Kernel::queue_*): it knows policies
// and owners, nothing of IKE, and every owner's writes must meet in one place. Each write
// is queued under the ledger's lock, so the kernel sees them in the ledger's order whatever
// thread calls. The ledger records wishes, not the kernel's answers: a failed write is
// reported to its caller's `done`, as without the ledger. A `done` must not call the ledger.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "xfrm/kernel.hpp"

namespace xfrm {

class PolicyLedger {
public:
    using Owner = std::uint32_t;  // an engine (later a shard)

    explicit PolicyLedger(Kernel& kernel) : kernel_(kernel) {}

    // `owner` wants `p` installed: its latest wish, which the kernel gets now. The first
    // wish for a policy is added (updated in place if `update`: a policy already there);
    // a wish beside others updates the one in the kernel in place.
    void want(Owner owner, const Policy& p, bool update, Kernel::Done done);
    // `owner` no longer wants the policy: its wish goes; the kernel gets the latest one
    // left, or loses the policy when none is left. Nothing changes for an owner that has
    // no wish for it (done is told it went well).
    void drop(Owner owner, const PolicyId& id, Kernel::Done done);
    // The same, for an owner outside the event flow (the manual SAs, applied at start and at
    // a reload): the write is queued as by want()/drop() and the kernel flushed, so it comes
    // after every write queued before it; the kernel's answer is returned. A wish the kernel
    // refused is not kept.
    Status want_now(Owner owner, const Policy& p);
    Status drop_now(Owner owner, const PolicyId& id);
    // `owner`'s policy and SA move to new tunnel endpoints (MOBIKE, RFC 4555 3.5): the kernel
    // is asked (Kernel::migrate) and, once it moved them, the owner's wish moves too, so that
    // a later write of that wish (another owner's drop puts it back) sends where the SA is.
    // The kernel's answer is returned; a move it refused leaves the wish as it was.
    Status migrate(Owner owner, const Migration& m);
    // The policy each id's latest wish asks for: what the kernel holds when every write
    // went well.
    std::map<PolicyId, Policy> installed() const;

private:
    struct Wish {
        Owner owner;
        Policy policy;
    };
    Kernel& kernel_;
    mutable std::mutex mutex_;
    std::map<PolicyId, std::vector<Wish>> wishes_;  // oldest first; never empty
};

}  // namespace xfrm
