// A map by 64-bit SPI that is walked in SPI order (the IkeSas pages, the object tree) and
// looked up by hash: a publish and its flush find the one SA they concern without walking a
// tree (issue 13: those walks, a cache miss per level, were ~4% of a responder's CPU at
// 10,000 SAs). An insertion still walks the tree once; the index costs ~40 bytes per entry.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>

namespace ipsecd::bus {

template <class V>
class SpiOrderedMap {
    using Map = std::map<std::uint64_t, V>;

public:
    using iterator = typename Map::iterator;
    using const_iterator = typename Map::const_iterator;

    SpiOrderedMap() = default;
    // A moved map's nodes, which the index points to, are the new map's; a copy's would not be.
    SpiOrderedMap(SpiOrderedMap&&) noexcept = default;
    SpiOrderedMap& operator=(SpiOrderedMap&&) noexcept = default;
    SpiOrderedMap(const SpiOrderedMap&) = delete;
    SpiOrderedMap& operator=(const SpiOrderedMap&) = delete;

    iterator begin() { return map_.begin(); }
    iterator end() { return map_.end(); }
    const_iterator begin() const { return map_.begin(); }
    const_iterator end() const { return map_.end(); }
    std::size_t size() const { return map_.size(); }
    bool empty() const { return map_.empty(); }
    // The first entry after `spi` in SPI order.
    const_iterator upper_bound(std::uint64_t spi) const { return map_.upper_bound(spi); }

    iterator find(std::uint64_t spi) {
        auto at = index_.find(spi);
        return at == index_.end() ? map_.end() : at->second;
    }
    const_iterator find(std::uint64_t spi) const {
        auto at = index_.find(spi);
        return at == index_.end() ? map_.end() : const_iterator(at->second);
    }
    iterator insert_or_assign(std::uint64_t spi, V value) {
        if (auto it = find(spi); it != end()) {
            it->second = std::move(value);
            return it;
        }
        auto it = map_.emplace(spi, std::move(value)).first;
        index_.emplace(spi, it);
        return it;
    }
    void erase(iterator it) {
        index_.erase(it->first);
        map_.erase(it);
    }
    void clear() {
        index_.clear();
        map_.clear();
    }

private:
    Map map_;
    std::unordered_map<std::uint64_t, iterator> index_;
};

}  // namespace ipsecd::bus
