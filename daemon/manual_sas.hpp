// Manually keyed connections (FreeS/WAN's manual connections, the `manual:` block of
// ike::policy::Manual): their two SAs and their policies go into the kernel straight from
// the configuration, with no IKE. Installed at start, kept as a diff across reloads (an
// unchanged connection is not touched), removed when the configuration drops them and at
// SIGTERM. Fails closed: when an SA cannot be added, the connection's selectors get block
// policies instead, so its traffic is dropped rather than sent in clear.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/log.hpp"
#include "ike/policy/config.hpp"
#include "ike/engine/effects.hpp"
#include "xfrm/kernel.hpp"
#include "xfrm/policy_ledger.hpp"

namespace ipsecd {

// A manual connection as status shows it: `up` with its SA pair once both SAs and the
// policies are in the kernel, `down` with the kernel's reason otherwise.
struct ManualStatus {
    ike::engine::ConnectionState state = ike::engine::ConnectionState::down;
    std::string error;
    ike::engine::ChildStatus sa;  // name "manual"; spi_in/spi_out, proposal "OUT" or "OUT / IN"
    net::Address local, remote;
};

class ManualSas {
public:
    // Their owner in the policy ledger: an IKE CHILD SA with the same selectors may want the
    // same policies, and neither's removal may take away the other's (DESIGN "Fail closed").
    static constexpr xfrm::PolicyLedger::Owner kOwner = 0xffffffff;

    ManualSas(xfrm::Kernel& kernel, xfrm::PolicyLedger& policies, const Logger& log)
        : kernel_(kernel), policies_(policies), log_(log) {}
    ManualSas(const ManualSas&) = delete;
    ManualSas& operator=(const ManualSas&) = delete;

    // Makes the kernel hold exactly the manual connections of `config`: added ones are
    // installed, removed ones removed, changed ones replaced, unchanged ones left alone.
    void apply(const ike::policy::Config& config);
    // Removes everything installed (SIGTERM).
    void remove_all();
    // The state of manual connection `name`; nullopt when there is none of that name.
    std::optional<ManualStatus> status(const std::string& name) const;

private:
    struct Installed {
        ike::policy::Connection connection;
        std::uint32_t reqid = 0;
        std::string error;  // empty when up
        std::vector<xfrm::SaId> sas;
        std::vector<xfrm::PolicyId> policies;
    };
    void install(Installed& at);
    void block(Installed& at, const std::vector<xfrm::Policy>& policies);
    void remove(Installed& at);

    xfrm::Kernel& kernel_;  // the SAs
    xfrm::PolicyLedger& policies_;
    const Logger& log_;
    std::map<std::string, Installed> installed_;
    // Apart from the engine's (counted up from 1) so a policy never sends to the other's SA.
    std::uint32_t next_reqid_ = 0x80000000;
};

}  // namespace ipsecd
