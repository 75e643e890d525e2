// CHILD SA rekeying with CREATE_CHILD_SA (RFC 7296 1.3.3, 2.8, 2.8.1).
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

ChildStatus only_child(Peer& peer) {
    const auto c = peer.connection("site");
    EXPECT_EQ(c.ike_sas.size(), 1u);
    EXPECT_EQ(c.ike_sas.at(0).children.size(), 1u);
    return c.ike_sas.at(0).children.at(0);
}

std::set<std::uint32_t> kernel_spis(Peer& peer) {
    std::set<std::uint32_t> spis;
    for (const auto& [id, sa] : peer.kernel().sas()) spis.insert(id.spi);
    return spis;
}

// Both sides agree on one CHILD SA whose SAs are exactly what each kernel holds.
void expect_consistent(Pair& p) {
    const auto a = only_child(p.alice()), b = only_child(p.bob());
    EXPECT_EQ(a.spi_in, b.spi_out);
    EXPECT_EQ(a.spi_out, b.spi_in);
    EXPECT_EQ(kernel_spis(p.alice()), (std::set<std::uint32_t>{a.spi_in, a.spi_out}));
    EXPECT_EQ(kernel_spis(p.bob()), (std::set<std::uint32_t>{b.spi_in, b.spi_out}));
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);
    EXPECT_EQ(p.bob().kernel().policies().size(), 3u);
}

std::unique_ptr<Pair> up_pair(policy::Config alice, policy::Config bob, std::uint64_t seed_a = 1,
                              std::uint64_t seed_b = 2) {
    auto p = std::make_unique<Pair>(std::move(alice), std::move(bob), EngineOptions{}, seed_a, seed_b);
    p->up(p->alice(), "site");
    p->run();
    return p;
}

TEST(ChildRekey, SoftExpiryReplacesTheChildSaAndDeletesTheOld) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    const auto before = only_child(p.alice());
    p.soft_expire(p.alice(), before.spi_in);
    p.run();
    const auto after = only_child(p.alice());
    EXPECT_NE(after.spi_in, before.spi_in);
    expect_consistent(p);
}

TEST(ChildRekey, NewSasAreInstalledBeforeTheOldAreDeleted) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    const auto before = only_child(p.alice());
    p.soft_expire(p.alice(), before.spi_in);
    p.run();
    // In alice's effects, the new SAs are added before the old inbound SA is deleted.
    std::size_t added = 0, deleted_at = 0, i = 0;
    for (const auto& e : p.alice().history()) {
        ++i;
        if (std::holds_alternative<AddSa>(e)) added = i;
        if (const auto* d = std::get_if<DeleteSa>(&e); d && d->id.spi == before.spi_in) deleted_at = i;
    }
    EXPECT_GT(deleted_at, added);
}

TEST(ChildRekey, WithPfsUsesAFreshKeyExchange) {
    auto alice = site_config(kAlice, kBob), bob = site_config(kBob, kAlice);
    set_child_proposal(alice, "aes256gcm16-x25519");
    set_child_proposal(bob, "aes256gcm16-x25519");
    auto pair = up_pair(alice, bob);
    Pair& p = *pair;
    p.soft_expire(p.alice(), only_child(p.alice()).spi_in);
    p.run();
    expect_consistent(p);
    EXPECT_EQ(only_child(p.alice()).proposal, "aes256gcm16-x25519");
}

TEST(ChildRekey, ResponderCanRekeyToo) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    const auto before = only_child(p.bob());
    p.soft_expire(p.bob(), before.spi_in);
    p.run();
    EXPECT_NE(only_child(p.bob()).spi_in, before.spi_in);
    expect_consistent(p);
}

// 2.8.1: both sides rekey at once; the seeds decide whose new SA has the lowest nonce.
void simultaneous_rekey(std::uint64_t seed_a, std::uint64_t seed_b, bool alice_wins) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice), seed_a, seed_b);
    Pair& p = *pair;
    const auto a = only_child(p.alice()), b = only_child(p.bob());
    p.soft_expire(p.alice(), a.spi_in);
    p.soft_expire(p.bob(), b.spi_in);
    p.run();
    Peer& winner = alice_wins ? p.alice() : p.bob();
    Peer& loser = alice_wins ? p.bob() : p.alice();
    EXPECT_TRUE(winner.logged("rekey collision: ours survives"));
    EXPECT_TRUE(loser.logged("rekey collision: ours is redundant"));
    expect_consistent(p);
    EXPECT_NE(only_child(p.alice()).spi_in, a.spi_in);
}

TEST(ChildRekey, SimultaneousRekeyKeepsOneChildWhenAliceWins) { simultaneous_rekey(2, 1, true); }
TEST(ChildRekey, SimultaneousRekeyKeepsOneChildWhenBobWins) { simultaneous_rekey(1, 2, false); }

// The SPI `from`'s kernel sends the CHILD SA's traffic with: of the outbound SAs it holds,
// the one added last (XFRM picks the newest valid SA matching the policy's template).
std::optional<std::uint32_t> sending_spi(Peer& from) {
    std::optional<std::uint32_t> newest;
    for (const auto& e : from.history())
        if (const auto* a = std::get_if<AddSa>(&e);
            a && a->sa.src == from.endpoint().address && from.kernel().sas().contains(a->sa.id()))
            newest = a->sa.spi;
    return newest;
}

bool receives_on(Peer& to, std::uint32_t spi) {
    const xfrm::SaId id{to.endpoint().address, spi, xfrm::Proto::esp, std::nullopt};
    return to.kernel().sas().contains(id) && !to.kernel().is_larval(id);
}

// RFC 7296 2.8: at every moment of a rekey, what either side sends with the other can
// decrypt: no packet is lost to a rekey (the lab's ipsecd-rekey-child pings through them).
void expect_no_packet_lost(std::uint64_t seed_a, std::uint64_t seed_b, bool alice_rekeys, bool bob_rekeys) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice), seed_a, seed_b);
    Pair& p = *pair;
    const auto a = only_child(p.alice()), b = only_child(p.bob());
    unsigned moments = 0;
    std::string lost;
    p.watch([&] {
        ++moments;
        for (auto [from, to] : {std::pair{&p.alice(), &p.bob()}, std::pair{&p.bob(), &p.alice()}}) {
            const auto spi = sending_spi(*from);
            if (lost.empty() && (!spi || !receives_on(*to, *spi)))
                lost = from->name() + " sends with an SA " + to->name() + " does not hold, at moment " +
                       std::to_string(moments);
        }
    });
    if (alice_rekeys) p.soft_expire(p.alice(), a.spi_in);
    if (bob_rekeys) p.soft_expire(p.bob(), b.spi_in);
    p.run();
    p.watch(nullptr);
    EXPECT_EQ(lost, "");
    EXPECT_GE(moments, 4u);
    EXPECT_NE(only_child(p.alice()).spi_in, a.spi_in);
    expect_consistent(p);
}

TEST(ChildRekey, NoPacketIsLostWhenTheInitiatorRekeys) { expect_no_packet_lost(1, 2, true, false); }
TEST(ChildRekey, NoPacketIsLostWhenTheResponderRekeys) { expect_no_packet_lost(1, 2, false, true); }
TEST(ChildRekey, NoPacketIsLostWhenBothRekeyAndAliceWins) { expect_no_packet_lost(1, 2, true, true); }
TEST(ChildRekey, NoPacketIsLostWhenBothRekeyAndBobWins) { expect_no_packet_lost(2, 1, true, true); }

}  // namespace

TEST(ChildRekey, PeerDeletingTheOldPairIsPublished) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    p.soft_expire(p.bob(), only_child(p.bob()).spi_in);
    p.run();
    // alice learnt of the old pair's end from bob's Delete: her last published state
    // (what D-Bus and ipsecctl show) lists only the new CHILD SA
    const StatePublished* last = nullptr;
    for (const auto& e : p.alice().history())
        if (const auto* s = std::get_if<StatePublished>(&e)) last = s;
    ASSERT_NE(last, nullptr);
    ASSERT_EQ(last->ike_sa.children.size(), 1u);
    EXPECT_EQ(last->ike_sa.children[0].spi_in, only_child(p.alice()).spi_in);
}

// ---- Error answers to CREATE_CHILD_SA (RFC 7296 1.3, 2.7, 2.25, 3.10.1) ----

namespace {

policy::Config with_child_proposal(policy::Config c, const std::string& proposal) {
    set_child_proposal(c, proposal);
    return c;
}

// The kernel removed the CHILD SA's inbound SA at its hard lifetime and says so: the engine
// forgets the CHILD SA, the peer is not told.
void hard_expire(Pair& p, Peer& peer, std::uint32_t spi_in) {
    xfrm::Expire e;
    e.sa = {peer.endpoint().address, spi_in, xfrm::Proto::esp, std::nullopt};
    e.hard = true;
    ASSERT_TRUE(peer.kernel().delete_sa(e.sa));
    peer.handle(p.now(), KernelExpire{e}, p.network());
}

TEST(ChildRekeyRefused, NoProposalChosenIsLoggedWithItsReasonAndTheOldSaStays) {
    // alice rekeys with PFS, which bob's proposals lack
    auto pair = up_pair(with_child_proposal(site_config(kAlice, kBob), "aes256gcm16-x25519"),
                        site_config(kBob, kAlice));
    Pair& p = *pair;
    const auto before = only_child(p.alice());
    p.soft_expire(p.alice(), before.spi_in);
    p.run();
    EXPECT_TRUE(p.alice().logged("CHILD SA net rekey refused: NO_PROPOSAL_CHOSEN (the peer accepts none of our proposals)"));
    EXPECT_FALSE(p.alice().logged("lacks a nonce"));
    EXPECT_EQ(only_child(p.alice()).spi_in, before.spi_in);
    expect_consistent(p);
}

TEST(ChildRekeyRefused, InvalidKePayloadIsRetriedOnceWithThePeersGroup) {
    auto pair = up_pair(with_child_proposal(site_config(kAlice, kBob), "aes256gcm16-x25519-ecp256"),
                        with_child_proposal(site_config(kBob, kAlice), "aes256gcm16-ecp256"));
    Pair& p = *pair;
    const auto before = only_child(p.alice());
    p.soft_expire(p.alice(), before.spi_in);
    p.run();
    EXPECT_TRUE(p.alice().logged("CHILD SA net: the peer asks for KE group 19"));
    EXPECT_NE(only_child(p.alice()).spi_in, before.spi_in);
    EXPECT_EQ(only_child(p.alice()).proposal, "aes256gcm16-ecp256");
    expect_consistent(p);
}

TEST(ChildRekeyRefused, ChildSaNotFoundRenegotiatesAFreshChildSa) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    const auto before = only_child(p.alice());
    hard_expire(p, p.bob(), only_child(p.bob()).spi_in);
    p.soft_expire(p.alice(), before.spi_in);
    p.run();
    EXPECT_TRUE(p.alice().logged("the peer no longer has it (CHILD_SA_NOT_FOUND)"));
    EXPECT_TRUE(p.alice().logged("renewing CHILD SA net"));
    EXPECT_NE(only_child(p.alice()).spi_in, before.spi_in);
    expect_consistent(p);
}

// Found by tests/fuzz/engine-fuzz: at its hard lifetime the kernel removes the SA itself and
// then reports it; the engine removes the rest of the CHILD SA, not that SA a second time
// (the real kernel answers ESRCH, logged as an error on every hard expiry).
TEST(ChildHardExpiry, RemovesThePairsOtherSaAndPoliciesButNotTheExpiredSaAgain) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    hard_expire(p, p.bob(), only_child(p.bob()).spi_in);
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
    EXPECT_TRUE(p.bob().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().policies().empty());
}

// Found by tests/fuzz/engine-fuzz: the old CHILD SA expires while its rekey is in flight; the
// successor installed from the answer gets the policies again, never a CHILD SA without them.
TEST(ChildHardExpiry, ARekeyAnsweredAfterItsPredecessorExpiredInstallsThePolicies) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    const auto old = only_child(p.alice());
    p.soft_expire(p.alice(), old.spi_in);
    hard_expire(p, p.alice(), old.spi_in);
    p.run();
    EXPECT_NE(only_child(p.alice()).spi_in, old.spi_in);
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

// Found by tests/fuzz/engine-fuzz: a second CHILD SA for the selectors of one the responder
// still holds updates its policies in place (never added twice) and they outlive the first.
TEST(ChildHardExpiry, ANewChildSaForTheSelectorsOfALiveOneSharesItsPolicies) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    hard_expire(p, p.alice(), only_child(p.alice()).spi_in);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
    EXPECT_EQ(p.bob().kernel().policies().size(), 3u);
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);
}

// Found by tests/fuzz/engine-fuzz: when an IKE SA holding two CHILD SAs for the same
// selectors goes, its policies are deleted once, with the last of them.
TEST(ChildHardExpiry, TwoChildSasForTheSameSelectorsDeleteTheirPoliciesOnceWithTheirIkeSa) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    hard_expire(p, p.alice(), only_child(p.alice()).spi_in);
    p.up(p.alice(), "site");
    p.run();
    p.down(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
    EXPECT_TRUE(p.bob().kernel().policies().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

// 2.25.1: bob's rekey of the CHILD SA is done and his Delete of the old one is on its way
// when alice's rekey of that old one reaches him.
TEST(ChildRekeyRefused, RekeyOfAChildSaTheResponderIsDeletingGetsTemporaryFailure) {
    auto pair = up_pair(site_config(kAlice, kBob), site_config(kBob, kAlice));
    Pair& p = *pair;
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.delay = Duration{10}}; });
    const auto old = only_child(p.alice());
    p.soft_expire(p.bob(), only_child(p.bob()).spi_in);
    p.advance(Duration{15});
    p.soft_expire(p.alice(), old.spi_in);
    p.run();
    EXPECT_TRUE(p.bob().logged("CREATE_CHILD_SA refused for now (TEMPORARY_FAILURE): CHILD SA net is being replaced or deleted"));
    EXPECT_TRUE(p.alice().logged("TEMPORARY_FAILURE"));
    p.advance(std::chrono::seconds(5));
    expect_consistent(p);
}

// 2.25, 2.25.2: bob's IKE SA rekey is in flight when alice's CHILD SA rekey reaches him; he
// answers TEMPORARY_FAILURE, and alice rekeys the CHILD SA a little later, on the new IKE SA.
TEST(ChildRekeyRefused, TemporaryFailureIsRetriedAfterAShortWait) {
    auto alice = site_config(kAlice, kBob), bob = site_config(kBob, kAlice);
    alice.connections[0].ike.lifetime = std::chrono::hours(2);
    bob.connections[0].ike.lifetime = std::chrono::hours(1);
    alice.connections[0].ike.dpd = bob.connections[0].ike.dpd = std::chrono::seconds(0);
    auto pair = up_pair(alice, bob);
    Pair& p = *pair;
    const auto before = only_child(p.alice());
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.delay = Duration{10}}; });
    p.advance(std::chrono::minutes(59));
    while (!p.bob().logged("rekeying IKE SA")) p.advance(Duration{1});
    p.soft_expire(p.alice(), before.spi_in);
    p.run();
    EXPECT_TRUE(p.bob().logged("CREATE_CHILD_SA refused for now (TEMPORARY_FAILURE): our rekey of the IKE SA is in progress"));
    EXPECT_TRUE(p.alice().logged("CHILD SA net rekey refused for now: TEMPORARY_FAILURE"));
    EXPECT_EQ(only_child(p.alice()).spi_in, before.spi_in);  // not retried at once
    p.advance(std::chrono::seconds(5));
    EXPECT_NE(only_child(p.alice()).spi_in, before.spi_in);
    expect_consistent(p);
}

}  // namespace
