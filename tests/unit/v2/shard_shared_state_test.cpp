// What the shards of a gateway share (DESIGN Part 1 "Several cores: shards"), each shard one
// gateway engine met by a road warrior over a network of its own: one lease book
// (EngineOptions::leases), so an address is leased once whichever shard an IKE SA lands on;
// and an IKE_AUTH on one replaces the IKE SAs it would on one engine on the others too
// (PeerAuthenticated, carried as PeerAuthenticatedElsewhere as the daemon does).
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <vector>

#include "ike/engine/removal_order.hpp"

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

// ---- Identity replacement and INITIAL_CONTACT across shards ----

// The PeerAuthenticated effects `p`'s gateway emitted from effect `from` on.
std::vector<PeerAuthenticated> peers_authenticated(Pair& p, std::size_t from = 0) {
    std::vector<PeerAuthenticated> out;
    const auto& h = p.alice().history();
    for (auto e = h.begin() + static_cast<std::ptrdiff_t>(from); e != h.end(); ++e)
        if (const auto* a = std::get_if<PeerAuthenticated>(&*e)) out.push_back(*a);
    return out;
}

// The daemon's part: the effect of one shard handed to the other as an event; the effects
// the other's gateway emitted for it.
Effects carry(Pair& from, Pair& to) {
    const auto authenticated = peers_authenticated(from);
    EXPECT_EQ(authenticated.size(), 1u);
    const auto before = to.alice().history().size();
    for (const auto& a : authenticated) to.alice().handle(to.now(), PeerAuthenticatedElsewhere{a}, to.network());
    const auto& h = to.alice().history();
    return Effects(h.begin() + static_cast<std::ptrdiff_t>(before), h.end());
}

TEST_F(TwoShards, AShardOfSeveralTellsOfAPeerWithInitialContact) {
    auto s1 = shard(1, book);
    connect(*s1);
    const auto authenticated = peers_authenticated(*s1);
    ASSERT_EQ(authenticated.size(), 1u);
    const auto& a = authenticated[0];
    EXPECT_EQ(a.connection, "site");
    EXPECT_EQ(a.local_identity, "@alice.example");
    EXPECT_EQ(a.peer_identity, "@bob.example");
    EXPECT_TRUE(a.initial_contact);
    EXPECT_EQ(a.ike_spi, s1->alice().connection("site").ike_sas.at(0).local_spi);
}

TEST(OneShard, EmitsNoPeerAuthenticated) {
    Pair p(remote_access_gateway(), remote_access_road_warrior());
    connect(p);
    p.bob().restart(remote_access_road_warrior());
    connect(p);
    ASSERT_TRUE(p.alice().logged("restarted (INITIAL_CONTACT)"));
    EXPECT_TRUE(peers_authenticated(p).empty());
}

// A road warrior restarted (INITIAL_CONTACT) lands on the other shard: its dead IKE SA goes
// there with its CHILD SA, as on one engine, the new one and its lease stay.
TEST_F(TwoShards, InitialContactOnOneShardDeletesTheOldIkeSaAndItsChildSaOnTheOther) {
    auto s0 = shard(0, book), s1 = shard(1, book);
    connect(*s0);
    ASSERT_EQ(s0->alice().kernel().sas().size(), 2u);
    connect(*s1);
    carry(*s1, *s0);
    EXPECT_TRUE(s0->alice().connection("site").ike_sas.empty());
    EXPECT_TRUE(s0->alice().logged("deleted: the peer @bob.example restarted (INITIAL_CONTACT)"));
    EXPECT_TRUE(s0->alice().kernel().sas().empty());
    EXPECT_TRUE(s0->alice().kernel().policies().empty());
    EXPECT_EQ(s0->alice().kernel_errors(), 0u);
    EXPECT_EQ(s1->alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(lease_of(*s1, "@bob.example"), "10.3.0.1 online");
}

// In the order the daemon applies them (removal_order.hpp), the old CHILD SA's policies
// leave the kernel only after its SAs and the published closed state: a packet meets a
// policy without SA (dropped), never no policy (out in clear).
TEST_F(TwoShards, TheOtherShardRemovesTheOldPoliciesLastInTheDaemonsOrder) {
    auto s0 = shard(0, book), s1 = shard(1, book);
    connect(*s0);
    connect(*s1);
    const auto ordered = removals_after_published_state(carry(*s1, *s0));
    const auto first_policy = std::find_if(ordered.begin(), ordered.end(),
                                           [](const Effect& e) { return std::holds_alternative<DeletePolicy>(e); });
    ASSERT_NE(first_policy, ordered.end());
    const auto after = [&](auto it) { return std::distance(ordered.begin(), it) < std::distance(ordered.begin(), first_policy); };
    const auto last_sa = std::find_if(ordered.rbegin(), ordered.rend(),
                                      [](const Effect& e) { return std::holds_alternative<DeleteSa>(e); });
    ASSERT_NE(last_sa, ordered.rend());
    EXPECT_TRUE(after(last_sa.base() - 1));
    const auto closed = std::find_if(ordered.begin(), ordered.end(), [](const Effect& e) {
        const auto* s = std::get_if<StatePublished>(&e);
        return s && s->ike_sa.state == "closed";
    });
    EXPECT_TRUE(after(closed));
}

// Without INITIAL_CONTACT (strongSwan's uniqueids): a road warrior that knew the gateway
// connects again on the other shard; its older IKE SA of the connection goes.
TEST_F(TwoShards, AnIdentityConnectingAgainOnOneShardReplacesItsIkeSaOnTheOther) {
    auto s0 = shard(0, book), s1 = shard(1, book);
    connect(*s1);
    disconnect(*s1);
    const auto before = s1->alice().history().size();
    connect(*s0);
    connect(*s1);
    const auto authenticated = peers_authenticated(*s1, before);
    ASSERT_EQ(authenticated.size(), 1u);
    ASSERT_FALSE(authenticated[0].initial_contact);
    s0->alice().handle(s0->now(), PeerAuthenticatedElsewhere{authenticated[0]}, s0->network());
    EXPECT_TRUE(s0->alice().connection("site").ike_sas.empty());
    EXPECT_TRUE(s0->alice().logged("deleted: the peer @bob.example connected again"));
    EXPECT_EQ(s0->alice().kernel_errors(), 0u);
}

// One road warrior's two logins at once (INITIAL_CONTACT each), on two shards: each shard
// hears of the other's. The older IKE SA goes on its shard; the newer one, established after
// the announcement it hears, stays: one login is left, not none.
TEST_F(TwoShards, OfTwoLoginsAtOnceOnTwoShardsTheNewerStays) {
    auto s0 = shard(0, book), s1 = shard(1, book);
    connect(*s1);
    s0->advance(std::chrono::milliseconds(1));  // s0's clock, as the daemon's one, is past s1's
    connect(*s0);
    carry(*s1, *s0);
    EXPECT_EQ(s0->alice().connection("site").state, ConnectionState::up);
    EXPECT_FALSE(s0->alice().logged("restarted (INITIAL_CONTACT)"));
    carry(*s0, *s1);
    EXPECT_TRUE(s1->alice().connection("site").ike_sas.empty());
    EXPECT_TRUE(s1->alice().logged("deleted: the peer @bob.example restarted (INITIAL_CONTACT)"));
}

// A shard's own announcement, were it handed back: the IKE SA it names is never deleted.
TEST_F(TwoShards, TheIkeSaThePeerAuthenticatedNamesStays) {
    auto s1 = shard(1, book);
    connect(*s1);
    carry(*s1, *s1);
    EXPECT_EQ(s1->alice().connection("site").state, ConnectionState::up);
}

}  // namespace
