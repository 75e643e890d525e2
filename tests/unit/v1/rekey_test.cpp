// Quick Mode rekeying at the kernel's soft expiry, and the hard expiry (RFC 2409 5.5, 4.5).
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using wire::v1::ExchangeType;

std::vector<engine::ChildStatus> children(const Peer& p) {
    const auto c = p.connection("site");
    return c.ike_sas.empty() ? std::vector<engine::ChildStatus>{} : c.ike_sas[0].children;
}

struct Rekeyed {
    std::unique_ptr<Pair> pair;
    engine::ChildStatus before;
};

// Up, then the kernel's soft expiry of `who`'s inbound SA.
Rekeyed rekey(bool alice_expires) {
    auto p = std::make_unique<Pair>(v1_site(true), v1_site(false));
    p->up(p->alice(), "site");
    p->run();
    Peer& who = alice_expires ? p->alice() : p->bob();
    const auto before = children(who).at(0);
    p->expire(who, before.spi_in, effects<engine::AddSa>(who).at(0).sa.reqid, false);
    p->run();
    return {std::move(p), before};
}

TEST(Rekey, ASoftExpiryReplacesThePairOnBothSidesAndDeletesTheOld) {
    for (bool alice : {true, false}) {
        auto r = rekey(alice);
        auto& p = *r.pair;
        for (Peer* peer : {&p.alice(), &p.bob()}) {
            ASSERT_EQ(children(*peer).size(), 1u) << "alice rekeys: " << alice;
            EXPECT_NE(children(*peer)[0].spi_in, r.before.spi_in);
            EXPECT_NE(children(*peer)[0].spi_out, r.before.spi_out);
            EXPECT_EQ(effects<engine::AddSa>(*peer).size(), 4u);
            EXPECT_EQ(effects<engine::DeleteSa>(*peer).size(), 2u);
        }
        EXPECT_EQ(children(p.alice())[0].spi_out, children(p.bob())[0].spi_in);
    }
}

// Found by ikev1-engine-fuzz: bob's pair ended at its hard expiry (its policies stay: traffic
// dropped), then alice's rekey reaches him as a new pair: it takes those policies over
// instead of adding them again (the kernel answers EEXIST), with their reqid, so that its
// inbound SA, added with QM2, passes their check before QM3.
TEST(Rekey, APairAfterAHardExpiryTakesOverThePoliciesLeftBehind) {
    auto p = std::make_unique<Pair>(v1_site(true), v1_site(false));
    p->up(p->alice(), "site");
    p->run();
    const auto bobs = children(p->bob()).at(0);
    p->expire(p->bob(), bobs.spi_in, effects<engine::AddSa>(p->bob()).at(0).sa.reqid, true);
    const auto alices = children(p->alice()).at(0);
    p->expire(p->alice(), alices.spi_in, effects<engine::AddSa>(p->alice()).at(0).sa.reqid, false);
    p->run();
    ASSERT_EQ(children(p->bob()).size(), 1u);
    EXPECT_EQ(effects<engine::AddPolicy>(p->bob()).size(), 3u);
    EXPECT_EQ(effects<engine::UpdatePolicy>(p->bob()).size(), 0u);
    EXPECT_EQ(effects<engine::AddPolicy>(p->bob())[0].policy.templates.at(0).reqid,
              effects<engine::AddSa>(p->bob()).at(2).sa.reqid);
}

TEST(Rekey, TheNewPairTakesTheOldReqidAndItsPolicies) {
    auto r = rekey(true);
    for (Peer* peer : {&r.pair->alice(), &r.pair->bob()}) {
        const auto added = effects<engine::AddSa>(*peer);
        EXPECT_EQ(added[0].sa.reqid, added[2].sa.reqid);
        EXPECT_EQ(effects<engine::AddPolicy>(*peer).size(), 3u);  // installed once, kept
        EXPECT_TRUE(effects<engine::DeletePolicy>(*peer).empty());
    }
}

TEST(Rekey, TheNewSasAreInstalledBeforeTheOldOnesGo) {
    auto r = rekey(true);
    const auto& h = r.pair->alice().history();
    std::size_t third_add = 0, first_delete = 0, adds = 0;
    for (std::size_t i = 0; i < h.size(); ++i) {
        if (std::holds_alternative<engine::AddSa>(h[i]) && ++adds == 3) third_add = i;
        if (std::holds_alternative<engine::DeleteSa>(h[i]) && !first_delete) first_delete = i;
    }
    EXPECT_LT(third_add, first_delete);
}

TEST(Rekey, OneSoftExpiryPerPairStartsOneQuickMode) {
    auto p = std::make_unique<Pair>(v1_site(true), v1_site(false));
    p->up(p->alice(), "site");
    p->run();
    const auto c = children(p->alice()).at(0);
    const auto reqid = effects<engine::AddSa>(p->alice()).at(0).sa.reqid;
    p->expire(p->alice(), c.spi_in, reqid, false);
    p->expire(p->alice(), c.spi_out, reqid, false);  // the outbound SA's soft expiry too
    p->run();
    EXPECT_EQ(p->alice().sent(ExchangeType::quick_mode), 4u);  // QM1+QM3, twice: not three times
}

// Alice's rekey reached bob, who still holds the pair it replaced (a peer such as strongSwan's
// IKEv1 does not delete it): the soft expiry of that old pair starts nothing, the new pair's does.
struct ReplacedByThePeer {
    std::unique_ptr<Pair> pair;
    engine::ChildStatus old_pair, new_pair;
    std::uint32_t reqid = 0;
    unsigned bob_sent = 0;
};

ReplacedByThePeer replaced_by_the_peer() {
    auto p = std::make_unique<Pair>(v1_site(true), v1_site(false));
    p->up(p->alice(), "site");
    p->run();
    const auto old_pair = children(p->bob()).at(0);
    const auto reqid = effects<engine::AddSa>(p->alice()).at(0).sa.reqid;
    p->expire(p->alice(), children(p->alice()).at(0).spi_in, reqid, false);
    p->advance(std::chrono::seconds(5));  // alice's Quick Mode is done; her Delete of the old pair is not due
    const auto now_held = children(p->bob());
    EXPECT_EQ(now_held.size(), 2u);
    const auto new_pair = now_held.at(0).spi_in == old_pair.spi_in ? now_held.at(1) : now_held.at(0);
    const unsigned sent = p->bob().sent(ExchangeType::quick_mode);
    return {std::move(p), old_pair, new_pair, reqid, sent};
}

TEST(Rekey, APairThePeerAlreadyReplacedIsNotRekeyedAtItsSoftExpiry) {
    auto r = replaced_by_the_peer();
    r.pair->expire(r.pair->bob(), r.old_pair.spi_in, r.reqid, false);
    r.pair->advance(std::chrono::seconds(5));
    EXPECT_EQ(r.pair->bob().sent(ExchangeType::quick_mode), r.bob_sent);
    EXPECT_TRUE(r.pair->bob().logged("was replaced by the peer's rekey"));
}

TEST(Rekey, TheReplacingPairIsRekeyedAtItsSoftExpiryWhileTheOldOneLives) {
    auto r = replaced_by_the_peer();
    r.pair->expire(r.pair->bob(), r.new_pair.spi_in, r.reqid, false);
    r.pair->advance(std::chrono::seconds(5));
    EXPECT_EQ(r.pair->bob().sent(ExchangeType::quick_mode), r.bob_sent + 2);  // QM1 + QM3
}

// Alice rekeyed; QM1..QM3 went through in a few milliseconds and her new outbound SA is held
// back while bob may still be reading QM3 (strongSwan installs the pair only then).
struct WithinTheGrace {
    std::unique_ptr<Pair> pair;
    engine::ChildStatus old_pair;
    std::uint32_t reqid = 0;
};

WithinTheGrace rekeyed_within_the_grace() {
    auto p = std::make_unique<Pair>(v1_site(true), v1_site(false));
    p->up(p->alice(), "site");
    p->run();
    const auto old_pair = children(p->alice()).at(0);
    const auto reqid = effects<engine::AddSa>(p->alice()).at(0).sa.reqid;
    p->expire(p->alice(), old_pair.spi_in, reqid, false);
    p->advance(std::chrono::milliseconds(100));
    EXPECT_EQ(children(p->alice()).size(), 2u);
    return {std::move(p), old_pair, reqid};
}

TEST(Rekey, TheRekeyingSideAddsItsNewOutboundSaOnlyAGraceAfterQm3) {
    auto r = rekeyed_within_the_grace();
    EXPECT_EQ(effects<engine::AddSa>(r.pair->alice()).size(), 3u);  // the old pair, the new inbound SA
    r.pair->advance(std::chrono::seconds(5));
    EXPECT_EQ(effects<engine::AddSa>(r.pair->alice()).size(), 4u);
}

TEST(Rekey, ADownWithinTheGraceLeavesNoSaInEitherKernel) {
    auto r = rekeyed_within_the_grace();
    r.pair->down(r.pair->alice(), "site");
    r.pair->run();
    EXPECT_EQ(effects<engine::AddSa>(r.pair->alice()).size(), 3u);  // the held SA never went in
    for (Peer* peer : {&r.pair->alice(), &r.pair->bob()}) {
        EXPECT_TRUE(peer->kernel().sas().empty());
        EXPECT_EQ(peer->kernel_errors(), 0u);
    }
}

TEST(Rekey, AHardExpiryOfTheOldPairWithinTheGraceAddsTheNewOutboundSaAtOnce) {
    auto r = rekeyed_within_the_grace();
    r.pair->expire(r.pair->alice(), r.old_pair.spi_in, r.reqid, true);
    EXPECT_EQ(effects<engine::AddSa>(r.pair->alice()).size(), 4u);
}

TEST(Rekey, AHardExpiryForgetsThePairAndKeepsItsPolicies) {
    auto p = std::make_unique<Pair>(v1_site(true), v1_site(false));
    p->up(p->alice(), "site");
    p->run();
    const auto c = children(p->alice()).at(0);
    p->expire(p->alice(), c.spi_in, effects<engine::AddSa>(p->alice()).at(0).sa.reqid, true);
    EXPECT_TRUE(children(p->alice()).empty());
    EXPECT_TRUE(effects<engine::DeletePolicy>(p->alice()).empty());
    EXPECT_TRUE(p->alice().logged("expired"));
}

}  // namespace
}  // namespace ike::v1::test
