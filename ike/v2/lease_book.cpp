#include "ike/v2/lease_book.hpp"

namespace ike::v2 {

void LocalLeaseBook::reconfigure(const std::vector<policy::Pool>& pools) {
    std::map<std::string, Generation> next;
    for (const auto& pool : pools) {
        auto it = pools_.find(pool.name);
        if (it != pools_.end() && it->second.pool.config() == pool) next.emplace(pool.name, std::move(it->second));
        else next.emplace(pool.name, Generation{AddressPool(pool), ++generations_});
    }
    pools_ = std::move(next);
}

std::optional<Leased> LocalLeaseBook::acquire(const std::string& pool, const std::string& identity, Time now) {
    auto it = pools_.find(pool);
    if (it == pools_.end()) return std::nullopt;
    auto address = it->second.pool.acquire(identity, now);
    if (!address) return std::nullopt;
    return Leased{*address, it->second.generation};
}

void LocalLeaseBook::hold(const std::string& pool, std::uint64_t generation, const std::string& identity, Time now) {
    if (AddressPool* p = of(pool, generation)) p->acquire(identity, now);
}

void LocalLeaseBook::release(const std::string& pool, std::uint64_t generation, const std::string& identity,
                             Time now) {
    if (AddressPool* p = of(pool, generation)) p->release(identity, now);
}

std::vector<Lease> LocalLeaseBook::leases(const std::string& pool) const {
    auto it = pools_.find(pool);
    return it == pools_.end() ? std::vector<Lease>{} : it->second.pool.leases();
}

AddressPool* LocalLeaseBook::of(const std::string& name, std::uint64_t generation) {
    auto it = pools_.find(name);
    return it != pools_.end() && it->second.generation == generation ? &it->second.pool : nullptr;
}

}  // namespace ike::v2
