#include "daemon/shared_leases.hpp"

namespace ipsecd {

void SharedLeases::reconfigure(const std::vector<ike::policy::Pool>& pools) {
    std::lock_guard lock(mutex_);
    book_.reconfigure(pools);
}

std::optional<ike::v2::Leased> SharedLeases::acquire(const std::string& pool, const std::string& identity,
                                                     ike::v2::Time now) {
    std::lock_guard lock(mutex_);
    return book_.acquire(pool, identity, now);
}

void SharedLeases::hold(const std::string& pool, std::uint64_t generation, const std::string& identity,
                        ike::v2::Time now) {
    std::lock_guard lock(mutex_);
    book_.hold(pool, generation, identity, now);
}

void SharedLeases::release(const std::string& pool, std::uint64_t generation, const std::string& identity,
                           ike::v2::Time now) {
    std::lock_guard lock(mutex_);
    book_.release(pool, generation, identity, now);
}

std::vector<ike::v2::Lease> SharedLeases::leases(const std::string& pool) const {
    std::lock_guard lock(mutex_);
    return book_.leases(pool);
}

}  // namespace ipsecd
