// The one lease book every shard's IKEv2 engine is given (EngineOptions::leases, DESIGN Part 1
// "Several cores: shards"): the engine's own book behind a mutex, as the engine takes no lock.
#pragma once

#include <mutex>

#include "ike/v2/lease_book.hpp"

namespace ipsecd {

class SharedLeases final : public ike::v2::LeaseBook {
public:
    void reconfigure(const std::vector<ike::policy::Pool>& pools) override;
    std::optional<ike::v2::Leased> acquire(const std::string& pool, const std::string& identity,
                                           ike::v2::Time now) override;
    void hold(const std::string& pool, std::uint64_t generation, const std::string& identity,
              ike::v2::Time now) override;
    void release(const std::string& pool, std::uint64_t generation, const std::string& identity,
                 ike::v2::Time now) override;
    std::vector<ike::v2::Lease> leases(const std::string& pool) const override;

private:
    mutable std::mutex mutex_;
    ike::v2::LocalLeaseBook book_;
};

}  // namespace ipsecd
