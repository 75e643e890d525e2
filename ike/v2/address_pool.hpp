// The leases of one address pool (DESIGN Part 2, "Remote access"): which identity holds
// which address. Deterministic and O(log n) per call: fresh addresses are handed out in
// order, a released lease stays its identity's (it gets it back on reconnect) and is given
// to another identity only once no fresh address is left and its grace is over, oldest first
// (strongSwan's mem_pool: offline leases are reused only when the pool is full).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ike/policy/connection.hpp"
#include "ike/v2/neutral.hpp"
#include "net/address.hpp"

namespace ike::v2 {

// How long a released lease stays its identity's before another may take it.
inline constexpr Duration kLeaseGrace{60000};

struct Lease {
    std::string pool;
    net::Address address;
    std::string identity;
    bool online = false;  // held by an IKE SA
};

class AddressPool {
public:
    explicit AddressPool(policy::Pool pool);

    const policy::Pool& config() const { return pool_; }
    // One more holder (an IKE SA) of `identity`'s address: the one it holds or held, else a
    // fresh one, else another identity's released one past its grace. nullopt: none left.
    std::optional<net::Address> acquire(const std::string& identity, Time now);
    // One holder of `identity`'s lease gone; with none left the lease is released at `now`.
    void release(const std::string& identity, Time now);
    // Every lease, fresh ones never used left out, in address order.
    std::vector<Lease> leases() const;
    std::uint64_t size() const { return size_; }

private:
    struct Entry {
        std::uint64_t offset = 0;
        unsigned holders = 0;
        Time released{};
    };
    policy::Pool pool_;
    std::uint64_t size_ = 0;
    std::uint64_t next_fresh_ = 0;
    std::map<std::string, Entry> by_identity_;
    std::map<std::uint64_t, std::string> by_offset_;
    // Released leases by (release time, offset): the next to give to another identity first.
    std::set<std::pair<Time, std::uint64_t>> released_;
};

}  // namespace ike::v2
