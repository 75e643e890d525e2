// Informational exchanges (RFC 2409 5.7) between two IKEv1 engines.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;

TEST(Informational, AnOperatorsDownDeletesBothPhasesOnBothSides) {
    Pair p(v1_site(true), v1_site(false));
    p.up(p.alice(), "site");
    p.advance(std::chrono::seconds(10));  // up, and no DPD probe yet (ike.dpd: 30 s)
    ASSERT_EQ(p.bob().connection("site").ike_sas.at(0).children.size(), 1u);
    p.down(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().sent(wire::v1::ExchangeType::informational), 2u);  // ESP, then ISAKMP
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        EXPECT_EQ(peer->connection("site").state, ConnectionState::down);
        EXPECT_EQ(count<engine::DeleteSa>(*peer), 2u);
        EXPECT_EQ(count<engine::DeletePolicy>(*peer), 3u);  // the child's close action: clear
    }
    EXPECT_TRUE(p.bob().logged("the peer deleted IPsec SA net"));
    EXPECT_TRUE(p.bob().logged("the peer deleted the ISAKMP SA"));
}

TEST(Informational, APeersDeleteKeepsThePoliciesOfAChildThatRestarts) {
    auto bob = v1_site(false);
    bob.connections[0].children[0].close_action = policy::CloseAction::restart;
    Pair p(v1_site(true), bob);
    p.up(p.alice(), "site");
    p.run();
    p.down(p.alice(), "site");
    p.run();
    EXPECT_EQ(count<engine::DeleteSa>(p.bob()), 2u);
    EXPECT_EQ(count<engine::DeletePolicy>(p.bob()), 0u);
    EXPECT_TRUE(p.bob().logged("its policies stay (traffic dropped)"));
}

std::size_t add_policies(const Peer& p) { return count<engine::AddPolicy>(p); }

// Alice loses her state without bob hearing of it (her Deletes are lost), then connects again.
std::unique_ptr<Pair> alice_starts_over() {
    auto p = std::make_unique<Pair>(v1_site(true), v1_site(false));
    p->up(p->alice(), "site");
    p->advance(std::chrono::seconds(10));
    p->network().set_rule([](const v2::test::Datagram&, std::uint64_t) { return v2::test::Fate{.copies = 0}; });
    p->down(p->alice(), "site");
    p->network().set_rule({});
    p->up(p->alice(), "site");
    p->advance(std::chrono::seconds(10));
    return p;
}

TEST(Informational, InitialContactFromAPeerThatStartedOverReplacesItsOldSas) {
    auto p = alice_starts_over();
    EXPECT_TRUE(p->bob().logged("INITIAL-CONTACT: the peer has no state from before"));
    const auto c = p->bob().connection("site");
    ASSERT_EQ(c.ike_sas.size(), 1u);
    ASSERT_EQ(c.ike_sas[0].children.size(), 1u);
    EXPECT_EQ(c.ike_sas[0].children[0].spi_out, p->alice().connection("site").ike_sas.at(0).children.at(0).spi_in);
    EXPECT_EQ(count<engine::DeleteSa>(p->bob()), 2u);     // the old pair
    EXPECT_EQ(count<engine::DeletePolicy>(p->bob()), 0u);  // its policies serve the new pair
    EXPECT_EQ(add_policies(p->bob()), 3u);
}

TEST(Informational, ARenewalCarriesNoInitialContact) {
    auto alice = v1_site(true), bob = v1_site(false);
    alice.connections[0].ike.lifetime = std::chrono::minutes(10);
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.advance(std::chrono::minutes(11));
    EXPECT_TRUE(p.alice().logged("renewing with a new Main Mode"));
    EXPECT_FALSE(p.bob().logged("INITIAL-CONTACT"));
    EXPECT_EQ(p.bob().connection("site").ike_sas.at(0).children.size(), 1u);
}

}  // namespace
}  // namespace ike::v1::test
