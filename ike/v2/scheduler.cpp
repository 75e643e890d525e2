#include "ike/v2/scheduler.hpp"

namespace ike::v2 {

void Scheduler::schedule(std::uint64_t spi, std::optional<Time> at) {
    if (auto it = by_spi_.find(spi); it != by_spi_.end()) {
        if (at && *at == it->second) return;
        queue_.erase({it->second, spi});
        if (!at) {
            by_spi_.erase(it);
            return;
        }
        it->second = *at;
    } else if (!at) {
        return;
    } else {
        by_spi_.emplace(spi, *at);
    }
    queue_.emplace(*at, spi);
}

std::optional<Time> Scheduler::next() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first;
}

std::vector<std::uint64_t> Scheduler::due(Time now) const {
    std::vector<std::uint64_t> spis;
    for (auto it = queue_.begin(); it != queue_.end() && it->first <= now; ++it) spis.push_back(it->second);
    return spis;
}

}  // namespace ike::v2
