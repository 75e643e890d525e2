// Two engines in one process: IKE_SA_INIT + IKE_AUTH with PSK and the first CHILD SA.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

Pair make_pair() { return Pair(site_config(kAlice, kBob), site_config(kBob, kAlice)); }

TEST(Handshake, PskEstablishesIkeAndChildSaOnBothSides) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
    EXPECT_EQ(p.network().sent(), 4u);
}

TEST(Handshake, ChildSpisMatchCrosswise) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const auto a = p.alice().connection("site").ike_sas.at(0).children.at(0);
    const auto b = p.bob().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_EQ(a.spi_in, b.spi_out);
    EXPECT_EQ(a.spi_out, b.spi_in);
}

TEST(Handshake, BothKernelsHoldTheSameKeysPerDirection) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    for (const auto& [id, sa] : p.alice().kernel().sas()) {
        const auto& twin = p.bob().kernel().sas().at(id);
        ASSERT_TRUE(sa.aead && twin.aead);
        EXPECT_EQ(sa.aead->key, twin.aead->key);
        EXPECT_EQ(sa.src, twin.src);
    }
}

TEST(Handshake, TunnelPoliciesCoverBothSubnets) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    // out, in and fwd on each side.
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);
    EXPECT_EQ(p.bob().kernel().policies().size(), 3u);
    const auto st = p.alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_EQ(st.local_ts.at(0).str(), "10.1.0.0/24");
    EXPECT_EQ(st.remote_ts.at(0).str(), "10.2.0.0/24");
}

TEST(Handshake, StatusNamesTheNegotiatedProposals) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const auto ike = p.alice().connection("site").ike_sas.at(0);
    EXPECT_EQ(ike.state, "established");
    EXPECT_EQ(ike.proposal, "aes256gcm16-prfsha256-x25519");
    EXPECT_EQ(ike.children.at(0).proposal, "aes256gcm16");
}

}  // namespace

namespace {

TEST(Handshake, PublishesEachIkeSaStateChange) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    std::vector<std::string> states;
    for (const auto& e : p.alice().history())
        if (const auto* s = std::get_if<StatePublished>(&e)) states.push_back(s->ike_sa.state);
    EXPECT_EQ(states, (std::vector<std::string>{"connecting", "connecting", "established"}));
}

}  // namespace
