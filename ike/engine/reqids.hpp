// The reqids of the engines' kernel state (ike::v2 and ike::v1 each use a half of the range).
#pragma once

#include <cstdint>

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

}  // namespace ike::engine
