// Renewal of the ISAKMP SA by a new Main Mode before its lifetime ends (renewal.cpp): the
// IPsec SAs go on under the new SA, unchanged in the kernel, and the old SA is deleted.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"
#include "tests/unit/v2/configs.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using namespace std::chrono_literals;

struct Lifetimes {
    engine::Duration alice, bob;
};

// Up with these ISAKMP SA lifetimes (IPsec SAs: 1 h).
std::unique_ptr<Pair> up(Lifetimes life) {
    auto alice = v1_site(true), bob = v1_site(false);
    alice.connections[0].ike.lifetime = std::chrono::duration_cast<policy::Seconds>(life.alice);
    bob.connections[0].ike.lifetime = std::chrono::duration_cast<policy::Seconds>(life.bob);
    auto p = std::make_unique<Pair>(alice, bob);
    p->up(p->alice(), "site");
    p->advance(1min);
    return p;
}

// Steps through `d` a second at a time, expecting both sides up all along.
void stays_up(Pair& p, engine::Duration d) {
    for (auto t = engine::Duration{}; t < d; t += 1s) {
        p.advance(1s);
        ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up) << "after " << t.count() << " ms";
        ASSERT_EQ(p.bob().connection("site").state, ConnectionState::up) << "after " << t.count() << " ms";
    }
}

void expect_renewed_without_kernel_changes(Pair& p, const engine::IkeSaStatus& before_a, const engine::IkeSaStatus& before_b) {
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        const auto c = peer->connection("site");
        ASSERT_EQ(c.ike_sas.size(), 1u);  // the old one deleted
        const auto& before = peer == &p.alice() ? before_a : before_b;
        EXPECT_NE(c.ike_sas[0].local_spi, before.local_spi);
        ASSERT_EQ(c.ike_sas[0].children.size(), 1u);
        EXPECT_EQ(c.ike_sas[0].children[0].spi_in, before.children.at(0).spi_in);
        EXPECT_EQ(c.ike_sas[0].children[0].spi_out, before.children.at(0).spi_out);
        EXPECT_EQ(count<engine::AddSa>(*peer), 2u);
        EXPECT_EQ(count<engine::AddPolicy>(*peer), 3u);
        EXPECT_EQ(count<engine::DeleteSa>(*peer), 0u);
        EXPECT_EQ(count<engine::DeletePolicy>(*peer), 0u);
    }
    EXPECT_EQ(p.alice().connection("site").ike_sas[0].local_spi, p.bob().connection("site").ike_sas[0].remote_spi);
}

TEST(Renewal, TheInitiatorRenewsAndTheIpsecSasGoOnUnchangedUnderTheNewIsakmpSa) {
    auto p = up({10min, 10min});
    const auto a = p->alice().connection("site").ike_sas.at(0), b = p->bob().connection("site").ike_sas.at(0);
    stays_up(*p, 10min);
    expect_renewed_without_kernel_changes(*p, a, b);
    EXPECT_EQ(p->alice().sent(), 6u);  // MM1, MM3, MM5 twice
    EXPECT_TRUE(p->alice().logged("renewing with a new Main Mode"));
    EXPECT_FALSE(p->bob().logged("renewing with a new Main Mode"));
}

TEST(Renewal, TheResponderRenewsWhenItsLifetimeEndsFirst) {
    auto p = up({2h, 10min});
    const auto a = p->alice().connection("site").ike_sas.at(0), b = p->bob().connection("site").ike_sas.at(0);
    stays_up(*p, 10min);
    expect_renewed_without_kernel_changes(*p, a, b);
    EXPECT_TRUE(p->bob().logged("renewing with a new Main Mode"));
    EXPECT_FALSE(p->alice().logged("renewing with a new Main Mode"));
}

TEST(Renewal, TheOldIsakmpSaIsDeletedTenSecondsAfterTheNewOneIsUp) {
    auto p = up({10min, 10min});
    const auto renew_at = p->alice().connection("site").ike_sas.at(0).rekey_at;
    p->advance(std::chrono::duration_cast<engine::Duration>(renew_at - p->now()) + 1s);  // the new Main Mode has run
    EXPECT_EQ(p->alice().connection("site").ike_sas.size(), 2u);
    EXPECT_EQ(p->bob().connection("site").ike_sas.size(), 2u);
    EXPECT_FALSE(p->bob().logged("ISAKMP SA renewed: deleted"));
    p->advance(10s);
    // The old ISAKMP SA's Delete, from the side that adopted first (the responder, on MM5).
    EXPECT_TRUE(p->bob().logged("ISAKMP SA renewed: deleted"));
    EXPECT_TRUE(p->alice().logged("the peer deleted the ISAKMP SA"));
    EXPECT_EQ(p->alice().connection("site").ike_sas.size(), 1u);
    EXPECT_EQ(p->bob().connection("site").ike_sas.size(), 1u);
}

TEST(Renewal, AQuickModeRekeyUnderTheNewIsakmpSaKeepsTheReqidAndPolicies) {
    auto p = up({10min, 10min});
    stays_up(*p, 10min);
    const auto child = p->alice().connection("site").ike_sas.at(0).children.at(0);
    const auto reqid = effects<engine::AddSa>(p->alice()).at(0).sa.reqid;
    p->expire(p->alice(), child.spi_in, reqid, false);
    p->run();
    for (Peer* peer : {&p->alice(), &p->bob()}) {
        const auto c = peer->connection("site");
        ASSERT_EQ(c.ike_sas.size(), 1u);
        ASSERT_EQ(c.ike_sas[0].children.size(), 1u);
        const auto added = effects<engine::AddSa>(*peer);
        ASSERT_EQ(added.size(), 4u);
        EXPECT_EQ(added[2].sa.reqid, added[0].sa.reqid);
        EXPECT_EQ(count<engine::AddPolicy>(*peer), 3u);
        EXPECT_EQ(count<engine::DeleteSa>(*peer), 2u);
        EXPECT_EQ(count<engine::DeletePolicy>(*peer), 0u);
    }
    EXPECT_NE(p->alice().connection("site").ike_sas[0].children[0].spi_in, child.spi_in);
}

// Libreswan's default pfs=yes: a rekey under the renewed ISAKMP SA offers PFS, as the pair it
// replaces had it, instead of being refused and leaving the pair to expire.
TEST(Renewal, ARekeyUnderTheNewIsakmpSaOffersPfsWhenThePairItReplacesHadIt) {
    auto alice = v1_site(true), bob = v1_site(false);
    alice.connections[0].ike.lifetime = 10min;
    bob.connections[0].ike.lifetime = 10min;
    v2::test::set_child_proposal(bob, "aes256-sha256-modp2048");
    auto p = std::make_unique<Pair>(alice, bob);
    p->up(p->alice(), "site");
    stays_up(*p, 10min);
    const auto child = p->alice().connection("site").ike_sas.at(0).children.at(0);
    ASSERT_EQ(child.proposal, "aes256-sha256-modp2048");
    p->expire(p->alice(), child.spi_in, effects<engine::AddSa>(p->alice()).at(0).sa.reqid, false);
    p->run();
    EXPECT_EQ(p->alice().times_logged("the peer answered NO-PROPOSAL-CHOSEN"), 1u);  // the first offer only
    const auto rekeyed = p->alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_NE(rekeyed.spi_in, child.spi_in);
    EXPECT_EQ(rekeyed.proposal, "aes256-sha256-modp2048");
}

TEST(Renewal, RenewalsRepeatForAsLongAsTheConnectionIsUp) {
    auto p = up({10min, 10min});
    stays_up(*p, 35min);
    EXPECT_GE(p->alice().sent(), 12u);  // the first Main Mode and three or four renewals
    EXPECT_EQ(p->alice().connection("site").ike_sas.size(), 1u);
    EXPECT_EQ(count<engine::DeleteSa>(p->alice()), 0u);
}

TEST(Renewal, ADownAfterARenewalDeletesTheIpsecSasAndPolicies) {
    auto p = up({10min, 10min});
    stays_up(*p, 10min);
    p->down(p->alice(), "site");
    p->run();
    for (Peer* peer : {&p->alice(), &p->bob()}) {
        EXPECT_EQ(peer->connection("site").state, ConnectionState::down);
        EXPECT_EQ(count<engine::DeleteSa>(*peer), 2u);
    }
    EXPECT_EQ(count<engine::DeletePolicy>(p->alice()), 3u);
}

}  // namespace
}  // namespace ike::v1::test
