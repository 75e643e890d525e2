// The leases of every address pool (DESIGN Part 2 "Remote access"), behind an interface so
// that the daemon's shards share one book (DESIGN Part 1 "Several cores: shards"): an engine
// of its own would lease an address another shard leased to another road warrior. The
// engine only calls it; the daemon's implementation locks (daemon/shared_leases.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ike/v2/address_pool.hpp"

namespace ike::v2 {

// An address leased, and the generation of its pool it came from: a reload that replaces a
// pool starts a new generation, and a lease of the old one is gone with it.
struct Leased {
    net::Address address;
    std::uint64_t generation = 0;
};

class LeaseBook {
public:
    virtual ~LeaseBook() = default;
    // Brings the pools in line with a configuration's: one with the same settings keeps its
    // leases, a new or changed one starts empty, a removed one goes. Idempotent: every shard
    // applies the same configuration at a reload, the first one changes the book.
    virtual void reconfigure(const std::vector<policy::Pool>& pools) = 0;
    // AddressPool::acquire in `pool`; nullopt: none left, or no such pool.
    virtual std::optional<Leased> acquire(const std::string& pool, const std::string& identity, Time now) = 0;
    // One more holder of the lease `identity` holds in `pool` (an IKE rekey's successor),
    // unless the pool was replaced since that generation.
    virtual void hold(const std::string& pool, std::uint64_t generation, const std::string& identity, Time now) = 0;
    // AddressPool::release in `pool`, unless the pool was replaced since that generation.
    virtual void release(const std::string& pool, std::uint64_t generation, const std::string& identity, Time now) = 0;
    // AddressPool::leases of `pool` (none if there is no such pool).
    virtual std::vector<Lease> leases(const std::string& pool) const = 0;
};

// One engine's book, the default; not thread-safe.
class LocalLeaseBook final : public LeaseBook {
public:
    void reconfigure(const std::vector<policy::Pool>& pools) override;
    std::optional<Leased> acquire(const std::string& pool, const std::string& identity, Time now) override;
    void hold(const std::string& pool, std::uint64_t generation, const std::string& identity, Time now) override;
    void release(const std::string& pool, std::uint64_t generation, const std::string& identity, Time now) override;
    std::vector<Lease> leases(const std::string& pool) const override;

private:
    struct Generation {
        AddressPool pool;
        std::uint64_t generation = 0;
    };
    // The pool of `name` if it is still of `generation`.
    AddressPool* of(const std::string& name, std::uint64_t generation);

    std::map<std::string, Generation> pools_;
    std::uint64_t generations_ = 0;
};

}  // namespace ike::v2
