#include "xfrm/memory_kernel.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace xfrm {

static base::Unexpected<base::Error> fail(const std::string& context, int e) {
    return base::fail(context + ": " + std::strerror(e), e);
}

Result<std::uint32_t> MemoryKernel::alloc_spi(const net::Address& src, const net::Address& dst, Proto proto,
                                              std::uint32_t reqid, std::uint32_t min, std::uint32_t max) {
    const std::lock_guard lock(lock_.mutex);
    auto context = [&] { return "allocating " + to_string(proto) + " SPI " + src.str() + "→" + dst.str(); };
    if (src.family != dst.family || min > max) return fail(context(), EINVAL);
    // With any mark: SaId orders by spi, dst and proto first, and no mark before every mark.
    auto taken = [&](std::uint32_t spi) {
        auto it = sas_.lower_bound(SaId{dst, spi, proto, std::nullopt});
        return it != sas_.end() && it->first.dst == dst && it->first.spi == spi && it->first.proto == proto;
    };
    // Deterministic for tests (the kernel picks at random): the first free SPI at or after
    // the last one handed out, wrapping around within [min, max].
    std::uint64_t span = std::uint64_t{max} - min + 1;
    std::uint64_t start = next_spi_ >= min && next_spi_ <= max ? next_spi_ - min : 0;
    for (std::uint64_t i = 0; i < span; ++i) {
        auto spi = static_cast<std::uint32_t>(min + (start + i) % span);
        if (spi == 0 || taken(spi)) continue;
        Sa sa;
        sa.src = src;
        sa.dst = dst;
        sa.spi = spi;
        sa.proto = proto;
        sa.mode = Mode::transport;
        sa.reqid = reqid;
        sa.replay_window = 0;
        sas_[sa.id()] = sa;
        larval_.insert(sa.id());
        next_spi_ = spi + 1;
        return spi;
    }
    return fail(context(), ENOENT);  // what the kernel answers when the range is exhausted
}

Status MemoryKernel::add_sa(const Sa& sa) {
    const std::lock_guard lock(lock_.mutex);
    if (auto ok = check(sa); !ok) return base::fail("adding " + describe(sa) + ": " + ok.error().message, ok.error().code);
    if (!sas_.try_emplace(sa.id(), sa).second) return fail("adding " + describe(sa), EEXIST);
    return {};
}

Status MemoryKernel::update_sa(const Sa& sa) {
    const std::lock_guard lock(lock_.mutex);
    auto context = [&] { return "updating " + describe(sa); };
    if (auto ok = check(sa); !ok) return base::fail(context() + ": " + ok.error().message, ok.error().code);
    auto larval = SaId{sa.dst, sa.spi, sa.proto, std::nullopt};
    if (larval_.erase(larval)) {
        sas_.erase(larval);
        counters_.erase(larval);
    } else if (!sas_.contains(sa.id())) {
        return fail(context(), ESRCH);
    }
    sas_[sa.id()] = sa;
    return {};
}

Status MemoryKernel::delete_sa(const SaId& id) {
    const std::lock_guard lock(lock_.mutex);
    if (!sas_.erase(id)) return fail("deleting " + describe(id), ESRCH);
    counters_.erase(id);
    larval_.erase(id);
    return {};
}

Result<SaInfo> MemoryKernel::get_sa(const SaId& id) {
    const std::lock_guard lock(lock_.mutex);
    auto it = sas_.find(id);
    if (it == sas_.end()) return fail("reading " + describe(id), ESRCH);
    return make_info(it->second, counters_of(id));
}

Status MemoryKernel::add_policy(const Policy& p) {
    const std::lock_guard lock(lock_.mutex);
    if (policies_.contains(p.id())) return fail("adding " + describe(p.id()), EEXIST);
    policies_[p.id()] = p;
    return {};
}

Status MemoryKernel::update_policy(const Policy& p) {
    const std::lock_guard lock(lock_.mutex);
    policies_[p.id()] = p;
    return {};
}

Status MemoryKernel::delete_policy(const PolicyId& id) {
    const std::lock_guard lock(lock_.mutex);
    if (!policies_.erase(id)) return fail("deleting " + describe(id), ENOENT);
    return {};
}

// As the kernel's xfrm_migrate(): the policy must exist and hold a matching template (a
// tunnel one by its endpoints); the SA moves with the policy, all or nothing.
Status MemoryKernel::migrate(const Migration& m) {
    const std::lock_guard lock(lock_.mutex);
    const std::string context = "migrating " + describe(m);
    auto policy = policies_.find(m.policy);
    if (policy == policies_.end()) return fail(context, ENOENT);
    auto& templates = policy->second.templates;
    if (std::none_of(templates.begin(), templates.end(), [&](const Template& t) { return migrates(t, m); }))
        return fail(context, ENODATA);
    const SaId old_id{m.old_dst, m.spi, m.proto, std::nullopt};
    const SaId new_id{m.new_dst, m.spi, m.proto, std::nullopt};
    if (m.spi) {
        auto sa = sas_.find(old_id);
        if (sa == sas_.end() || larval_.contains(old_id) || sa->second.src != m.old_src ||
            sa->second.reqid != m.reqid || sa->second.mode != m.mode)
            return fail(context, ESRCH);
        if (new_id != old_id && sas_.contains(new_id)) return fail(context, EEXIST);
    }
    migrate_templates(templates, m);
    if (!m.spi) return {};
    Sa moved = sas_.at(old_id);
    moved.src = m.new_src;
    moved.dst = m.new_dst;
    if (m.encap) moved.encap = m.encap;
    const Counters counters = counters_of(old_id);
    sas_.erase(old_id);
    counters_.erase(old_id);
    sas_[new_id] = moved;
    if (counters != Counters{}) counters_[new_id] = counters;
    return {};
}

Result<std::vector<SaInfo>> MemoryKernel::list_sas() {
    const std::lock_guard lock(lock_.mutex);
    std::vector<SaInfo> out;
    for (const auto& [id, sa] : sas_) out.push_back(make_info(sa, counters_of(id)));
    return out;
}

Result<std::vector<Policy>> MemoryKernel::list_policies() {
    const std::lock_guard lock(lock_.mutex);
    std::vector<Policy> out;
    for (const auto& [id, p] : policies_) out.push_back(p);
    return out;
}

Status MemoryKernel::set_spd_hash_thresholds(const SpdHashThresholds& t) {
    const std::lock_guard lock(lock_.mutex);
    if (auto ok = check(t); !ok)
        return base::fail("setting the SPD hash thresholds " + describe(t) + ": " + ok.error().message, EINVAL);
    if (t.v4) spd_hash_.v4 = t.v4;
    if (t.v6) spd_hash_.v6 = t.v6;
    return {};
}

Status MemoryKernel::flush_owned() {
    const std::lock_guard lock(lock_.mutex);
    sas_.clear();
    counters_.clear();
    larval_.clear();
    policies_.clear();
    return {};
}

Status MemoryKernel::set_counters(const SaId& id, const Counters& c) {
    const std::lock_guard lock(lock_.mutex);
    if (!sas_.contains(id)) return fail("setting counters of " + describe(id), ESRCH);
    counters_[id] = c;
    return {};
}

Counters MemoryKernel::counters_of(const SaId& id) const {
    auto it = counters_.find(id);
    return it == counters_.end() ? Counters{} : it->second;
}

void MemoryKernel::emit(const Event& ev) {
    if (handler_) handler_(ev);
}

}  // namespace xfrm
