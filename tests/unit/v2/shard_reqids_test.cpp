// The reqids an engine allocates are in its shard's class of IKEv2's half (engine/reqids.hpp),
// so the daemon hands a kernel acquire or expiry to the shard that owns it (docs/DESIGN.md
// "Several cores: shards"); one shard allocates them as before, from kReqidBase + 1.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "ike/engine/reqids.hpp"
#include "ike/v1/engine.hpp"
#include "ike/v2/core.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using engine::first_reqid;
using engine::following_reqid;
using engine::kReqidEndV2;
using engine::kReqidFirstV2;
using engine::shard_of_reqid;

namespace {

const EngineOptions kShardTwoOfThree{.shard = {.index = 2, .count = 3}};

// Every reqid of a peer's kernel state: its SAs' and its policies' templates'.
std::set<std::uint32_t> reqids(Peer& peer) {
    std::set<std::uint32_t> found;
    for (const auto& [id, sa] : peer.kernel().sas()) found.insert(sa.reqid);
    for (const auto& [id, pol] : peer.kernel().policies())
        for (const auto& t : pol.templates) found.insert(t.reqid);
    return found;
}

// The reqids of `peer`'s trap policies once started with alice's two trapped children.
std::set<std::uint32_t> trap_reqids_at_start(Pair& p, Peer& peer) {
    peer.start(p.now(), p.network());
    return reqids(peer);
}

}  // namespace

TEST(ShardReqids, EachShardOwnsEveryCountthReqidOfIkev2sHalfFromItsFirst) {
    for (unsigned index = 0; index < 3; ++index)
        for (std::uint32_t r = first_reqid(index); r < first_reqid(index) + 30; r = following_reqid(r, 3))
            EXPECT_EQ(shard_of_reqid(r, 3), index) << std::hex << r;
    EXPECT_EQ(first_reqid(0), engine::kReqidBase + 1);
    EXPECT_EQ(kReqidEndV2, v1::kReqidBaseV1);
}

TEST(ShardReqids, AnExhaustedClassBeginsAgainAtItsFirstWithinIkev2sHalf) {
    for (unsigned count : {1u, 3u, 256u})
        for (unsigned index : {0u, count - 1}) {
            std::uint32_t last = kReqidEndV2 - 1;
            while (shard_of_reqid(last, count) != index) --last;
            EXPECT_EQ(following_reqid(last, count), first_reqid(index)) << count << " " << index;
            EXPECT_EQ(following_reqid(last - count, count), last);
        }
    EXPECT_EQ(following_reqid(kReqidFirstV2 + 41, 1), kReqidFirstV2 + 42);  // one shard: in order
}

TEST(ShardReqids, EveryReqidOfShardTwoOfThreeIsInItsClassThroughChildrenTrapsAndARekey) {
    Pair p(two_children(true, policy::Start::up, policy::Start::up),
           two_children(false, policy::Start::none, policy::Start::none), kShardTwoOfThree);
    p.alice().start(p.now(), p.network());  // traps for both children
    p.up(p.alice(), "site");
    p.run();
    const auto bob_children = p.bob().connection("site").ike_sas.at(0).children;
    ASSERT_EQ(bob_children.size(), 2u);  // bob's: fresh reqids, no traps
    p.soft_expire(p.bob(), bob_children[0].spi_in);
    p.run();
    const auto after = p.bob().connection("site").ike_sas.at(0).children;
    ASSERT_EQ(after.size(), 2u);
    for (const auto& c : after) ASSERT_NE(c.spi_in, bob_children[0].spi_in) << "not rekeyed";
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        const auto found = reqids(*peer);
        EXPECT_EQ(found.size(), 2u) << peer->name();  // one per child, kept by the rekey
        for (std::uint32_t r : found) {
            EXPECT_EQ(shard_of_reqid(r, 3), 2u) << peer->name() << std::hex << " " << r;
            EXPECT_TRUE(engine::is_engine_reqid(r) && !v1::is_v1_reqid(r)) << std::hex << r;
        }
    }
    EXPECT_EQ(p.alice().kernel_errors() + p.bob().kernel_errors(), 0u);
}

TEST(ShardReqids, OneShardTrapsTakeTheReqidsFromKReqidBaseOnAsBefore) {
    Pair p(two_children(true, policy::Start::trap, policy::Start::trap), site_config(kBob, kAlice));
    EXPECT_EQ(trap_reqids_at_start(p, p.alice()),
              (std::set<std::uint32_t>{engine::kReqidBase + 1, engine::kReqidBase + 2}));
}

TEST(ShardReqids, AShardsTrapsGetTheSameReqidsAfterARestart) {
    const auto config = two_children(true, policy::Start::trap, policy::Start::trap);
    Pair p(config, site_config(kBob, kAlice), kShardTwoOfThree);
    const auto before = trap_reqids_at_start(p, p.alice());
    EXPECT_EQ(before, (std::set<std::uint32_t>{first_reqid(2), first_reqid(2) + 3}));
    p.alice().restart(config);
    EXPECT_EQ(trap_reqids_at_start(p, p.alice()), before);
}

TEST(ShardReqids, AfterAWrapAReqidStillInUseIsSkipped) {
    crypto::DeterministicRng rng{7};
    Core core{policy::Config{}, rng, EngineOptions{.shard = {.index = 1, .count = 4}}};
    const policy::Child untrapped{};
    core.traps.push_back(Trap{.reqid = first_reqid(1)});  // allocated first, held for good
    std::uint32_t last = kReqidEndV2 - 1;
    while (shard_of_reqid(last, 4) != 1) --last;
    core.next_reqid = last;
    EXPECT_EQ(core.reqid_for(untrapped), last);
    EXPECT_EQ(core.reqid_for(untrapped), first_reqid(1) + 4);
    EXPECT_EQ(core.reqid_for(untrapped), first_reqid(1) + 8);
}

// A range of ten reqids (0-9) with 3 and 4 in use: the allocator walks the SAs (in_use_now)
// once per lap of the range, not once per reqid it takes, and skips those in use.
TEST(ShardReqids, TheReqidsInUseAreReadOncePerLapNotPerReqidTaken) {
    const auto following = [](std::uint32_t r) { return r + 1 < 10 ? r + 1 : 0u; };
    bool wrapped = false;
    std::set<std::uint32_t> in_use;
    unsigned walks = 0;
    const auto in_use_now = [&] {
        ++walks;
        return std::set<std::uint32_t>{3, 4};
    };
    std::vector<std::uint32_t> taken;
    std::uint32_t r = 7;
    for (int i = 0; i < 12; ++i) taken.push_back(r = engine::next_free_reqid(r, following, wrapped, in_use, in_use_now));
    EXPECT_EQ(taken, (std::vector<std::uint32_t>{8, 9, 0, 1, 2, 5, 6, 7, 8, 9, 0, 1}));
    EXPECT_EQ(walks, 2u);
}
