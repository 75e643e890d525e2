#include "ike/v2/address_pool.hpp"

#include <limits>

namespace ike::v2 {

AddressPool::AddressPool(policy::Pool pool) : pool_(std::move(pool)) {
    const std::uint64_t span = net::distance(pool_.first, pool_.last);
    size_ = span == std::numeric_limits<std::uint64_t>::max() ? span : span + 1;
}

std::optional<net::Address> AddressPool::acquire(const std::string& identity, Time now) {
    auto address = [&](std::uint64_t offset) { return net::advance(pool_.first, offset); };
    if (auto it = by_identity_.find(identity); it != by_identity_.end()) {
        Entry& e = it->second;
        if (e.holders++ == 0) released_.erase({e.released, e.offset});
        return address(e.offset);
    }
    std::uint64_t offset = 0;
    if (next_fresh_ < size_) {
        offset = next_fresh_++;
    } else {
        if (released_.empty() || released_.begin()->first + kLeaseGrace > now) return std::nullopt;
        offset = released_.begin()->second;
        released_.erase(released_.begin());
        by_identity_.erase(by_offset_.at(offset));
    }
    by_identity_[identity] = Entry{offset, 1, {}};
    by_offset_[offset] = identity;
    return address(offset);
}

void AddressPool::release(const std::string& identity, Time now) {
    auto it = by_identity_.find(identity);
    if (it == by_identity_.end() || it->second.holders == 0) return;
    Entry& e = it->second;
    if (--e.holders != 0) return;
    e.released = now;
    released_.insert({now, e.offset});
}

std::vector<Lease> AddressPool::leases() const {
    std::vector<Lease> out;
    out.reserve(by_offset_.size());
    for (const auto& [offset, identity] : by_offset_)
        out.push_back({pool_.name, net::advance(pool_.first, offset), identity, by_identity_.at(identity).holders != 0});
    return out;
}

}  // namespace ike::v2
