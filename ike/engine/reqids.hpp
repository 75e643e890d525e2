// The reqids of the engines' kernel state (ike::v2 and ike::v1 each use a half of the range).
#pragma once

#include <cstdint>
#include <set>

namespace ike::engine {

// The reqids of the engine's CHILD SAs and trap policies have this top byte: they mark
// ipsecd's own kernel state, so that an ipsecd started after a crash finds what its
// predecessor left there (daemon/leftovers.hpp). A configuration gets the same trap reqids
// every time it starts (allocated in configuration order).
inline constexpr std::uint32_t kReqidBase = 0x1d000000;
inline constexpr bool is_engine_reqid(std::uint32_t reqid) { return (reqid & 0xff000000u) == kReqidBase; }

// IKEv2's half of the range: [kReqidFirstV2, kReqidEndV2); IKEv1's starts at kReqidEndV2.
inline constexpr std::uint32_t kReqidFirstV2 = kReqidBase + 1;
inline constexpr std::uint32_t kReqidEndV2 = kReqidBase | 0x00800000u;

// IKEv2's half is partitioned by shard (docs/DESIGN.md "Several cores: shards"): shard
// `index` of `count` allocates kReqidFirstV2 + index, then every count-th, so a kernel acquire
// or expiry goes to the shard whose reqid it carries without a lookup across threads.
// One shard allocates them all, in order.
inline constexpr unsigned shard_of_reqid(std::uint32_t reqid, unsigned count) {
    return (reqid - kReqidFirstV2) % count;
}
inline constexpr std::uint32_t first_reqid(unsigned index) { return kReqidFirstV2 + index; }
// The reqid a shard allocates after `reqid`: past IKEv2's half, back to its first, so that an
// exhausted class never spills into IKEv1's half nor out of the engines' mark.
inline constexpr std::uint32_t following_reqid(std::uint32_t reqid, unsigned count) {
    return reqid < kReqidEndV2 - count ? reqid + count : first_reqid(shard_of_reqid(reqid, count));
}

// The reqid an allocator takes after `taken`: the next by `following`, which begins again at
// the first past the end; from the first wrap on, those in `in_use` are skipped (a second
// user of a reqid would send the one's traffic through the other's SAs). `in_use` is read
// anew by `in_use_now()` each time the cursor wraps: one walk of the SAs per lap of the
// range, not one per reqid (the cost of a new CHILD SA does not grow with those held). A
// reqid freed since is taken at the next lap; one taken since is behind the cursor.
template <class Following, class InUseNow>
std::uint32_t next_free_reqid(std::uint32_t taken, Following following, bool& wrapped, std::set<std::uint32_t>& in_use,
                              InUseNow in_use_now) {
    std::uint32_t r = taken;
    do {
        const std::uint32_t next = following(r);
        if (next < r) {
            wrapped = true;
            in_use = in_use_now();
        }
        r = next;
    } while (wrapped && in_use.contains(r) && r != taken);
    return r;
}

}  // namespace ike::engine
