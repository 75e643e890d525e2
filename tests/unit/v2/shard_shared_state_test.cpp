// What the shards of a gateway share (DESIGN Part 1 "Several cores: shards"), each shard one
// gateway engine met by a road warrior over a network of its own: one lease book
// (EngineOptions::leases), so an address is leased once whichever shard an IKE SA lands on.
#include <gtest/gtest.h>

#include <memory>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

constexpr Side kCarol{"192.0.2.2", "@carol.example", "10.2.0.0/24"};

// A road warrior with "site" as @bob.example and, with `carol`, "carol" as @carol.example.
policy::Config road_warrior(bool carol = false) {
    auto c = remote_access_road_warrior();
    if (carol) {
        auto extra = remote_access_road_warrior(kCarol);
        extra.connections[0].name = "carol";
        c.connections.push_back(extra.connections[0]);
        c.secrets.push_back(extra.secrets[0]);
    }
    return c;
}

// Shard `index` of two (alice), sharing `book`, and a road warrior of its own (bob).
std::unique_ptr<Pair> shard(unsigned index, const std::shared_ptr<LeaseBook>& book, policy::Config rw = road_warrior()) {
    EngineOptions gw{.shard = {.index = index, .count = 2}, .leases = book};
    return std::make_unique<Pair>(remote_access_gateway(), gw, std::move(rw), EngineOptions{}, 1 + 2 * index, 2 + 2 * index);
}

// The road warrior brings `connection` up; the virtual IP it got.
std::string connect(Pair& p, const std::string& connection = "site") {
    p.up(p.bob(), connection);
    p.run();
    const auto status = p.bob().connection(connection);
    return status.state == ConnectionState::up ? status.ike_sas.at(0).virtual_ips.at(0).str() : "not up";
}

void disconnect(Pair& p) {
    p.down(p.bob(), "site");
    p.run();
}

// The lease of `identity` as the gateway of `p` lists it: "10.3.0.1 online".
std::string lease_of(Pair& p, const std::string& identity) {
    for (const auto& l : p.alice().engine().leases())
        if (l.identity == identity) return l.address.str() + (l.online ? " online" : " offline");
    return "none";
}

struct TwoShards : ::testing::Test {
    std::shared_ptr<LeaseBook> book = std::make_shared<LocalLeaseBook>();
};

TEST_F(TwoShards, NeverLeaseOneAddressToTwoIdentities) {
    auto s0 = shard(0, book), s1 = shard(1, book, road_warrior(true));
    EXPECT_EQ(connect(*s0), "10.3.0.1");
    EXPECT_EQ(connect(*s1, "carol"), "10.3.0.2");
}

TEST_F(TwoShards, AnIdentityConnectingThroughTheOtherShardGetsItsLease) {
    auto s0 = shard(0, book, road_warrior(true)), s1 = shard(1, book);
    ASSERT_EQ(connect(*s0, "carol"), "10.3.0.1");
    ASSERT_EQ(connect(*s0), "10.3.0.2");
    EXPECT_EQ(connect(*s1), "10.3.0.2");
}

TEST_F(TwoShards, ALeaseIsReleasedOnlyWithItsLastIkeSaOnEitherShard) {
    auto s0 = shard(0, book), s1 = shard(1, book);
    ASSERT_EQ(connect(*s0), "10.3.0.1");
    ASSERT_EQ(connect(*s1), "10.3.0.1");
    disconnect(*s0);
    EXPECT_EQ(lease_of(*s0, "@bob.example"), "10.3.0.1 online");
    disconnect(*s1);
    EXPECT_EQ(lease_of(*s0, "@bob.example"), "10.3.0.1 offline");
}

// Every shard applies the same reload: the first one changes the book, the next ones find
// it as they want it.
TEST_F(TwoShards, AReloadOnBothKeepsTheLeasesOfAnUnchangedPool) {
    auto s0 = shard(0, book), s1 = shard(1, book, road_warrior(true));
    ASSERT_EQ(connect(*s0), "10.3.0.1");
    ASSERT_EQ(connect(*s1, "carol"), "10.3.0.2");
    auto next = remote_access_gateway();
    next.pools.push_back({"lab", *net::Address::parse("10.4.0.1"), *net::Address::parse("10.4.0.9"), {}, {}});
    s0->alice().reconfigure(s0->now(), next, s0->network());
    s1->alice().reconfigure(s1->now(), next, s1->network());
    EXPECT_EQ(lease_of(*s0, "@bob.example"), "10.3.0.1 online");
    EXPECT_EQ(lease_of(*s0, "@carol.example"), "10.3.0.2 online");
}

// A changed pool starts empty once: a lease taken from it after the first shard's reload
// stays through the second shard's.
TEST_F(TwoShards, AChangedPoolStartsEmptyOnceNotAtEachShardsReload) {
    auto s0 = shard(0, book), s1 = shard(1, book, road_warrior(true));
    ASSERT_EQ(connect(*s0), "10.3.0.1");
    auto next = remote_access_gateway();
    next.pools[0].last = *net::Address::parse("10.3.0.100");
    s0->alice().reconfigure(s0->now(), next, s0->network());  // bob's IKE SA goes with its connection
    s0->run();
    disconnect(*s0);
    ASSERT_EQ(connect(*s0), "10.3.0.1");
    s1->alice().reconfigure(s1->now(), next, s1->network());
    EXPECT_EQ(lease_of(*s1, "@bob.example"), "10.3.0.1 online");
    EXPECT_EQ(connect(*s1, "carol"), "10.3.0.2");
}

}  // namespace
