#include "daemon/leftovers.hpp"

#include <algorithm>

#include "ike/v2/engine.hpp"

namespace ipsecd {

namespace {

bool engine_policy(const xfrm::Policy& p) {
    return std::any_of(p.templates.begin(), p.templates.end(),
                       [](const xfrm::Template& t) { return ike::engine::is_engine_reqid(t.reqid); });
}

xfrm::SaId id_of(const xfrm::SaInfo& sa) { return {sa.dst, sa.spi, sa.proto, sa.mark}; }

}  // namespace

void Leftovers::read(xfrm::Kernel& kernel) {
    if (auto policies = kernel.list_policies(); !policies)
        log_.warning("reading the kernel's policies: " + policies.error().message);
    else
        for (const auto& p : *policies)
            if (engine_policy(p)) policies_.insert(p.id());
    if (auto sas = kernel.list_sas(); !sas)
        log_.warning("reading the kernel's SAs: " + sas.error().message);
    else
        std::copy_if(sas->begin(), sas->end(), std::back_inserter(sas_),
                     [](const xfrm::SaInfo& sa) { return ike::engine::is_engine_reqid(sa.reqid); });
    if (!policies_.empty() || !sas_.empty())
        log_.info("taking over " + std::to_string(policies_.size()) + " policies and " + std::to_string(sas_.size()) +
                  " SAs a previous ipsecd left in the kernel");
}

void Leftovers::add_policy(xfrm::PolicyLedger& ledger, xfrm::PolicyLedger::Owner owner, const xfrm::Policy& p,
                           xfrm::Kernel::Done done) {
    for (const auto& t : p.templates) reqids_used_.insert(t.reqid);
    const bool taken_over = policies_.erase(p.id()) > 0;
    if (taken_over) log_.debug("taking over " + xfrm::describe(p.id()));
    ledger.want(owner, p, taken_over, std::move(done));
}

void Leftovers::drop(xfrm::Kernel& kernel, const xfrm::SaInfo& sa) {
    if (auto st = kernel.delete_sa(id_of(sa)); !st && !xfrm::is_not_found(st.error()))
        log_.warning(st.error().message);
    else
        log_.debug("removed the previous ipsecd's " + xfrm::describe(id_of(sa)));
}

void Leftovers::added_sa(xfrm::Kernel& kernel, const xfrm::Sa& added) {
    std::erase_if(sas_, [&](const xfrm::SaInfo& sa) {
        if (sa.reqid != added.reqid || sa.dst != added.dst || id_of(sa) == added.id()) return false;
        drop(kernel, sa);
        return true;
    });
}

void Leftovers::drop_unused(xfrm::Kernel& kernel) {
    for (const auto& id : policies_)
        if (auto st = kernel.delete_policy(id); !st && !xfrm::is_not_found(st.error()))
            log_.warning(st.error().message);
    policies_.clear();
    std::erase_if(sas_, [&](const xfrm::SaInfo& sa) {
        if (reqids_used_.contains(sa.reqid)) return false;
        drop(kernel, sa);
        return true;
    });
}

void Leftovers::drop_all(xfrm::Kernel& kernel) {
    for (const auto& sa : sas_) drop(kernel, sa);
    sas_.clear();
}

}  // namespace ipsecd
