// The IKE SPIs an engine chooses carry its shard (EngineOptions::shard) in their low byte, the
// last on the wire, where the daemon's steering program reads it (docs/DESIGN.md "Several
// cores: shards"); the rest stays random.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>

#include "ike/v2/core.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

TEST(ShardSpis, EverySpiOfShardTwoOfThreeHasALowByteOfTwoModuloThree) {
    crypto::DeterministicRng rng{7};
    Core core{policy::Config{}, rng, EngineOptions{.shard = {.index = 2, .count = 3}}};
    std::set<unsigned> low_bytes;
    std::set<std::uint64_t> spis;
    for (int i = 0; i < 1000; ++i) {
        const std::uint64_t spi = core.new_ike_spi();
        EXPECT_EQ(spi % 256 % 3, 2u) << std::hex << spi;
        low_bytes.insert(spi % 256);
        spis.insert(spi);
    }
    EXPECT_EQ(low_bytes.size(), 256u / 3);  // each of 2, 5, ..., 254: random but for the shard
    EXPECT_EQ(spis.size(), 1000u);
}

TEST(ShardSpis, OneShardTakesTheSpisAsDrawn) {
    crypto::DeterministicRng drawn{7};
    crypto::DeterministicRng rng{7};
    Core core{policy::Config{}, rng, EngineOptions{}};
    base::Bytes cookie_secret(32);  // Core's first draw
    drawn.fill(cookie_secret);
    for (int i = 0; i < 100; ++i) {
        std::uint64_t spi = 0;
        drawn.fill({reinterpret_cast<std::uint8_t*>(&spi), sizeof spi});
        EXPECT_EQ(core.new_ike_spi(), spi);
    }
}

TEST(ShardSpis, BothPeersOfAHandshakeUseTheirShardsSpis) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice), EngineOptions{.shard = {.index = 1, .count = 2}});
    p.up(p.alice(), "site");
    p.run();
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        const auto c = peer->connection("site");
        ASSERT_EQ(c.ike_sas.size(), 1u) << peer->name();
        EXPECT_EQ(c.ike_sas[0].local_spi % 2, 1u) << peer->name();
    }
}
