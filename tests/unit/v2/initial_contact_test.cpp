// INITIAL_CONTACT (RFC 7296 2.4): the first IKE_AUTH to a peer since start carries it, and a
// responder receiving it forgets every other IKE SA between the same identities (the peer
// restarted and lost them), with their CHILD SAs' kernel state.
#include <gtest/gtest.h>

#include <memory>

#include "ike/wire/message.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

// alice and bob up; then bob restarts with the same configuration and initiates again.
struct RestartedBob : Pair {
    RestartedBob() : Pair(site_config(kAlice, kBob), site_config(kBob, kAlice)) {
        up(alice(), "site");
        run();
        bob().restart(site_config(kBob, kAlice));
        up(bob(), "site");
        run();
    }
};

TEST(InitialContact, SurvivorKeepsOnlyTheIkeSaOfTheRestartedPeer) {
    RestartedBob p;
    const auto alice = p.alice().connection("site");
    EXPECT_EQ(alice.state, ConnectionState::up);
    ASSERT_EQ(alice.ike_sas.size(), 1u);
    EXPECT_EQ(alice.ike_sas[0].remote_spi, p.bob().connection("site").ike_sas.at(0).local_spi);
}

TEST(InitialContact, SurvivorKernelHoldsExactlyOneChildSaPair) {
    RestartedBob p;
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);  // the old policies went before the new ones came
    for (const auto& [id, sa] : p.alice().kernel().sas()) EXPECT_TRUE(p.bob().kernel().sas().contains(id));
}

TEST(InitialContact, SurvivorTellsTheRestartedPeerNothingAboutTheOldSas) {
    RestartedBob p;
    EXPECT_TRUE(p.alice().logged("restarted (INITIAL_CONTACT)"));
    EXPECT_FALSE(p.bob().logged("unknown IKE SA"));  // no Delete for the SA bob forgot
}

// 2.4 and 2.18: bob restarts while alice's Delete of the IKE SA she just rekeyed is still
// unanswered; his INITIAL_CONTACT covers the rekeyed SA's successor as well.
TEST(InitialContact, RestartRightAfterAnIkeRekeyLeavesOneIkeSa) {
    auto b = site_config(kBob, kAlice);
    b.connections[0].ike.lifetime = std::chrono::hours(8);  // alice rekeys
    Pair p(site_config(kAlice, kBob), b);
    p.up(p.alice(), "site");
    p.run();
    // Every INFORMATIONAL after the rekey is lost (DPD before it gets through).
    auto rekeyed = std::make_shared<bool>(false);
    p.network().set_rule([rekeyed](const Datagram& d, std::uint64_t) {
        const auto exchange = static_cast<wire::ExchangeType>(d.bytes[18]);
        *rekeyed = *rekeyed || exchange == wire::ExchangeType::create_child_sa;
        return Fate{.copies = *rekeyed && exchange == wire::ExchangeType::informational ? 0u : 1u};
    });
    const Time rekey_at = p.alice().connection("site").ike_sas.at(0).rekey_at;
    p.advance(std::chrono::duration_cast<Duration>(rekey_at - p.now()) + std::chrono::seconds(1));
    ASSERT_TRUE(p.alice().logged("IKE SA rekeyed"));
    p.bob().restart(b);
    p.up(p.bob(), "site");
    p.advance(std::chrono::seconds(2));
    const auto alice = p.alice().connection("site");
    ASSERT_EQ(alice.ike_sas.size(), 1u);
    EXPECT_EQ(alice.ike_sas[0].remote_spi, p.bob().connection("site").ike_sas.at(0).local_spi);
}

// `config` plus a connection "site2" between `local` (as @alice2.example, 10.3.0.0/24) and
// `remote`, or the other way round when `local` is bob.
policy::Config with_site2(policy::Config config, bool alice_side) {
    constexpr Side kAlice2{kAlice.address, "@alice2.example", "10.3.0.0/24"};
    auto extra = alice_side ? site_config(kAlice2, kBob) : site_config(kBob, kAlice2);
    extra.connections[0].name = "site2";
    config.connections.push_back(extra.connections[0]);
    config.secrets.push_back(extra.secrets[0]);
    return config;
}

TEST(InitialContact, SasBetweenOtherIdentitiesStay) {
    Pair p(with_site2(site_config(kAlice, kBob), true), with_site2(site_config(kBob, kAlice), false));
    p.up(p.alice(), "site");
    p.run();
    p.up(p.alice(), "site2");
    p.run();
    p.bob().restart(with_site2(site_config(kBob, kAlice), false));
    p.up(p.bob(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").ike_sas.size(), 1u);
    EXPECT_EQ(p.alice().connection("site2").state, ConnectionState::up);  // @alice2.example's SA is not named
}

// The IKE_AUTH requests alice sent, whether each carried INITIAL_CONTACT.
std::vector<bool> initial_contacts(const Peer& alice) {
    std::vector<bool> carried;
    for (const auto& e : alice.history())
        if (const auto* l = std::get_if<Log>(&e); l && l->message.find("sending IKE_AUTH request") != std::string::npos)
            carried.push_back(l->message.find("N(INITIAL_CONTACT)") != std::string::npos);
    return carried;
}

TEST(InitialContact, TwoConnectionsStartedTogetherSendItOnce) {
    auto alice = site_config(kAlice, kBob);
    alice.connections.push_back(alice.connections[0]);
    alice.connections[1].name = "site-again";
    Pair p(alice, site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.up(p.alice(), "site-again");
    p.run();
    EXPECT_EQ(initial_contacts(p.alice()), (std::vector<bool>{true, false}));
    EXPECT_EQ(p.bob().connection("site").ike_sas.size(), 2u);  // the second did not delete the first
}

TEST(InitialContact, OnlyTheFirstIkeAuthToAPeerCarriesIt) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    for (int i = 0; i < 2; ++i) {
        p.up(p.alice(), "site");
        p.run();
        p.down(p.alice(), "site");
        p.run();
    }
    EXPECT_EQ(initial_contacts(p.alice()), (std::vector<bool>{true, false}));
}

// An IKE_AUTH request that was never answered made no contact: the next attempt, made after
// it gave up, carries INITIAL_CONTACT again.
TEST(InitialContact, AnAttemptThatGaveUpLeavesItToTheNext) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    auto lost = std::make_shared<bool>(true);
    p.network().set_rule([lost](const Datagram& d, std::uint64_t) {
        const auto exchange = static_cast<wire::ExchangeType>(d.bytes[18]);
        return Fate{.copies = *lost && exchange == wire::ExchangeType::ike_auth ? 0u : 1u};
    });
    p.up(p.alice(), "site");
    p.advance(std::chrono::minutes(5));
    ASSERT_NE(p.alice().connection("site").state, ConnectionState::up);
    *lost = false;
    p.down(p.alice(), "site");
    p.run();
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    const auto carried = initial_contacts(p.alice());
    ASSERT_GE(carried.size(), 2u);
    EXPECT_TRUE(carried.back());
}

// Two shards of one gateway sharing its contacted peers (EngineOptions::contacted, as the
// daemon gives them): bob's IKE SA landed on shard 1, so shard 0's IKE_AUTH to bob carries no
// INITIAL_CONTACT, which would make bob drop shard 1's IKE SA with its CHILD SA.
TEST(InitialContact, APeerContactedOnOneShardIsContactedForTheOthers) {
    auto contacted = std::make_shared<LocalContactedPeers>();
    const auto shard = [&](unsigned index) {
        return EngineOptions{.shard = {.index = index, .count = 2}, .contacted = contacted};
    };
    Pair s1(site_config(kAlice, kBob), shard(1), site_config(kBob, kAlice), EngineOptions{}, 3, 4);
    s1.up(s1.bob(), "site");
    s1.run();
    ASSERT_EQ(s1.alice().connection("site").state, ConnectionState::up);
    Pair s0(site_config(kAlice, kBob), shard(0), site_config(kBob, kAlice), EngineOptions{}, 1, 2);
    s0.up(s0.alice(), "site");
    s0.run();
    EXPECT_EQ(initial_contacts(s0.alice()), (std::vector<bool>{false}));
}

}  // namespace
