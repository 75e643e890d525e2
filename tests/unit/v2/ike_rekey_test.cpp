// IKE SA rekeying with CREATE_CHILD_SA (RFC 7296 1.3.2, 2.18, 2.8.2).
#include <gtest/gtest.h>

#include <memory>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

policy::Config config(const Side& local, const Side& remote, std::chrono::seconds lifetime) {
    auto c = site_config(local, remote);
    c.connections[0].ike.lifetime = lifetime;
    c.connections[0].ike.dpd = std::chrono::seconds(0);
    return c;
}

std::unique_ptr<Pair> up_pair(std::chrono::seconds alice_life, std::chrono::seconds bob_life,
                              std::uint64_t seed_a = 1, std::uint64_t seed_b = 2) {
    auto p = std::make_unique<Pair>(config(kAlice, kBob, alice_life), config(kBob, kAlice, bob_life),
                                    EngineOptions{}, seed_a, seed_b);
    p->up(p->alice(), "site");
    p->run();
    return p;
}

IkeSaStatus only_ike_sa(Peer& peer) {
    const auto c = peer.connection("site");
    EXPECT_EQ(c.ike_sas.size(), 1u);
    return c.ike_sas.at(0);
}

// One IKE SA on each side, the same pair of SPIs, the CHILD SA moved over unchanged.
void expect_rekeyed(Pair& p, const IkeSaStatus& before) {
    const auto a = only_ike_sa(p.alice()), b = only_ike_sa(p.bob());
    EXPECT_EQ(a.state, "established");
    EXPECT_NE(a.local_spi, before.local_spi);
    EXPECT_EQ(a.local_spi, b.remote_spi);
    EXPECT_EQ(a.remote_spi, b.local_spi);
    ASSERT_EQ(a.children.size(), 1u);
    ASSERT_EQ(b.children.size(), 1u);
    EXPECT_EQ(a.children[0].spi_in, before.children.at(0).spi_in);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
}

TEST(IkeRekey, LifetimeRekeysTheIkeSaAndMovesTheChildSa) {
    auto pair = up_pair(1h, 2h);
    Pair& p = *pair;
    const auto before = only_ike_sa(p.alice());
    p.advance(1h + 1s);
    EXPECT_TRUE(p.alice().logged("rekeying IKE SA"));
    expect_rekeyed(p, before);
}

TEST(IkeRekey, RekeyedSaCarriesLaterExchanges) {
    auto pair = up_pair(1h, 2h);
    Pair& p = *pair;
    p.advance(1h + 1s);
    p.down(p.bob(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().policies().empty());
}

// 2.8.2: both rekey at once. Short lifetimes keep the random advance of each side's rekey
// (2.8.1, at most 1 s here) below the retransmission timeout; delaying both requests to
// arrive together makes them cross, so each side answers the other's before its own
// response arrives; the seeds decide the winner.
void simultaneous_rekey(std::uint64_t seed_a, std::uint64_t seed_b, bool alice_wins) {
    auto pair = up_pair(10s, 10s, seed_a, seed_b);
    Pair& p = *pair;
    const auto before = only_ike_sa(p.alice());
    const std::uint64_t first_rekey = p.network().sent();
    auto arrival = std::make_shared<Time>();
    p.network().set_rule([&p, first_rekey, arrival](const Datagram&, std::uint64_t s) {
        if (s == first_rekey) *arrival = p.now() + 1500ms;
        if (s != first_rekey && s != first_rekey + 1) return Fate{.delay = Duration{1}};
        return Fate{.delay = std::chrono::duration_cast<Duration>(*arrival - p.now())};
    });
    p.advance(12s);
    EXPECT_TRUE((alice_wins ? p.alice() : p.bob()).logged("IKE rekey collision: ours survives"));
    EXPECT_TRUE((alice_wins ? p.bob() : p.alice()).logged("IKE rekey collision: ours is redundant"));
    expect_rekeyed(p, before);
}

TEST(IkeRekey, SimultaneousRekeyAliceWins) { simultaneous_rekey(1, 2, true); }
TEST(IkeRekey, SimultaneousRekeyBobWins) { simultaneous_rekey(2, 1, false); }

// The lab's ipsecd-rekey-ike in one process: the shortest lifetime ipsecd accepts on both
// sides, DPD on; every 10 s one side or both rekey, and one IKE SA is left with the CHILD SA.
TEST(IkeRekey, EqualShortLifetimesOnBothSidesRekeyRepeatedly) {
    auto a = site_config(kAlice, kBob), b = site_config(kBob, kAlice);
    a.connections[0].ike.lifetime = b.connections[0].ike.lifetime = 10s;
    Pair p(a, b);
    p.up(p.alice(), "site");
    p.run();
    const auto before = only_ike_sa(p.alice());
    p.advance(25s);
    expect_rekeyed(p, before);
}

// 1.3, 2.7: bob wants another group than alice's preferred one, in IKE_SA_INIT and again in
// the rekey, where alice retries once with the group he names.
TEST(IkeRekey, InvalidKePayloadIsRetriedOnceWithThePeersGroup) {
    auto a = config(kAlice, kBob, 1h), b = config(kBob, kAlice, 2h);
    set_ike_proposal(a, "aes256gcm16-prfsha256-x25519-ecp256");
    set_ike_proposal(b, "aes256gcm16-prfsha256-ecp256");
    Pair p(a, b);
    p.up(p.alice(), "site");
    p.run();
    const auto before = only_ike_sa(p.alice());
    p.advance(1h + 1s);
    EXPECT_TRUE(p.alice().logged("IKE rekey: the peer asks for KE group 19"));
    expect_rekeyed(p, before);
    EXPECT_EQ(only_ike_sa(p.alice()).proposal, "aes256gcm16-prfsha256-ecp256");
}

// 2.25.2: bob is deleting the IKE SA when alice's rekey of it reaches him: TEMPORARY_FAILURE,
// not a new IKE SA; his Delete ends the old one on both sides.
TEST(IkeRekey, RekeyOfAnIkeSaBeingDeletedGetsTemporaryFailure) {
    auto pair = up_pair(1h, 2h);
    Pair& p = *pair;
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.delay = Duration{10}}; });
    // Up to the millisecond before alice's rekey (her lifetime less its random advance, 2.8.1).
    p.advance(std::chrono::duration_cast<Duration>(only_ike_sa(p.alice()).rekey_at - p.now()) - Duration{1});
    while (!p.alice().logged("rekeying IKE SA")) p.advance(Duration{1});
    p.down(p.bob(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("CREATE_CHILD_SA refused for now (TEMPORARY_FAILURE): the IKE SA is being deleted"));
    EXPECT_FALSE(p.bob().logged("IKE SA rekeyed"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

}  // namespace
