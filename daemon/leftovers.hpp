// What an ipsecd killed without its clean-up (SIGKILL, systemd's watchdog) left in the
// kernel: the SAs and policies with the engine's reqids (ike::engine::is_engine_reqid). Its
// successor takes them over rather than fail on them (DESIGN "A crash does not end the
// tunnels"):
// - a policy the engine adds again is updated in place (XFRM_MSG_UPDPOLICY), so the traffic
//   it covers stays blocked or protected, never a moment in clear;
// - an SA stays (the traffic keeps flowing through it while the peer still has it) until the
//   engine adds an SA of the same reqid to the same destination: then it goes, the new one
//   being in (the kernel sends with the newest);
// - what the started configuration does not take over goes once it has started.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "daemon/log.hpp"
#include "xfrm/kernel.hpp"
#include "xfrm/policy_ledger.hpp"

namespace ipsecd {

class Leftovers {
public:
    explicit Leftovers(const Logger& log) : log_(log) {}

    // Reads what the kernel holds with the engine's reqids; logs what it found.
    void read(xfrm::Kernel& kernel);
    std::size_t policies() const { return policies_.size(); }
    std::size_t sas() const { return sas_.size(); }

    // Queues `owner`'s wish for `p` (xfrm/policy_ledger.hpp), its update in place if it is a
    // leftover (taken over).
    void add_policy(xfrm::PolicyLedger& ledger, xfrm::PolicyLedger::Owner owner, const xfrm::Policy& p,
                    xfrm::Kernel::Done done);
    // `sa` went into the kernel: the leftover SAs it replaces (its reqid and destination) go.
    void added_sa(xfrm::Kernel& kernel, const xfrm::Sa& sa);
    // After the configuration started: the policies it did not add again go, and the SAs of
    // reqids no policy added since uses.
    void drop_unused(xfrm::Kernel& kernel);
    // Every leftover SA still kept goes (SIGTERM).
    void drop_all(xfrm::Kernel& kernel);

private:
    void drop(xfrm::Kernel& kernel, const xfrm::SaInfo& sa);

    const Logger& log_;
    std::set<xfrm::PolicyId> policies_;
    std::vector<xfrm::SaInfo> sas_;
    std::set<std::uint32_t> reqids_used_;  // by the policies added since the start
};

}  // namespace ipsecd
