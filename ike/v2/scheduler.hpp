// When each IKE SA next needs the engine: one entry per SA, ordered by deadline, so that a
// Tick visits only the SAs that are due and next_wakeup() is the first entry (issue 13:
// per-event work must not grow with the number of SAs). An SA's deadline is the earliest
// of its timers (retransmission, half-open and rekeyed ends, IKE rekey, DPD, NAT keepalive,
// a deferred CHILD SA rekey): the engine recomputes it after every event that touched the
// SA and replaces its entry (the SPI is the handle that cancels it).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ike/v2/neutral.hpp"

namespace ike::v2 {

class Scheduler {
public:
    // Puts the SA `spi` under `at`, replacing its entry; nullopt: nothing scheduled.
    void schedule(std::uint64_t spi, std::optional<Time> at);
    void cancel(std::uint64_t spi) { schedule(spi, std::nullopt); }
    // The earliest deadline, if any.
    std::optional<Time> next() const;
    // The SAs due at `now`, earliest first.
    std::vector<std::uint64_t> due(Time now) const;
    std::size_t size() const { return by_spi_.size(); }

private:
    std::set<std::pair<Time, std::uint64_t>> queue_;
    std::unordered_map<std::uint64_t, Time> by_spi_;
};

}  // namespace ike::v2
