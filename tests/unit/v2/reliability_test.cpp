// Lost, duplicated and late datagrams (RFC 7296 2.1-2.4), cookies (2.6), DPD and delete.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

Pair make_pair(EngineOptions options = {}) {
    return Pair(site_config(kAlice, kBob), site_config(kBob, kAlice), options);
}

bool both_up(Pair& p) {
    return p.alice().connection("site").state == ConnectionState::up &&
           p.bob().connection("site").state == ConnectionState::up;
}

// Datagram sequence numbers of an undisturbed handshake.
constexpr std::uint64_t kInitRequest = 0, kInitResponse = 1, kAuthRequest = 2, kAuthResponse = 3;

TEST(Reliability, LostInitRequestIsRetransmitted) {
    Pair p = make_pair();
    p.network().set_rule(drop({kInitRequest}));
    p.up(p.alice(), "site");
    p.advance(10s);
    EXPECT_TRUE(both_up(p));
}

TEST(Reliability, LostInitResponseIsReplayedFromTheCache) {
    Pair p = make_pair();
    p.network().set_rule(drop({kInitResponse}));
    p.up(p.alice(), "site");
    p.advance(10s);
    EXPECT_TRUE(both_up(p));
    EXPECT_EQ(p.bob().connection("site").ike_sas.size(), 1u);
}

TEST(Reliability, LostAuthRequestIsRetransmitted) {
    Pair p = make_pair();
    p.network().set_rule(drop({kAuthRequest}));
    p.up(p.alice(), "site");
    p.advance(10s);
    EXPECT_TRUE(both_up(p));
}

TEST(Reliability, LostAuthResponseIsReplayedWithoutReinstalling) {
    Pair p = make_pair();
    p.network().set_rule(drop({kAuthResponse}));
    p.up(p.alice(), "site");
    p.advance(10s);
    EXPECT_TRUE(both_up(p));
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
}

TEST(Reliability, DuplicatedDatagramsChangeNothing) {
    Pair p = make_pair();
    p.network().set_rule(duplicate({kInitRequest, kInitResponse, kAuthRequest, kAuthResponse}));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(both_up(p));
    EXPECT_EQ(p.bob().connection("site").ike_sas.size(), 1u);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
}

TEST(Reliability, InitiatorGivesUpOnASilentPeer) {
    Pair p = make_pair({.retransmit = {.initial = 1000ms, .factor = 2.0, .max_retransmits = 3}});
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    p.up(p.alice(), "site");
    p.advance(14s);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::connecting);
    p.advance(2s);  // 1 + 2 + 4 + 8 seconds of waiting, then give up
    EXPECT_TRUE(p.alice().logged("not responding, giving up"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_FALSE(p.alice().engine().next_wakeup());
}

TEST(Reliability, CookieRoundTripUnderLoad) {
    Pair p = make_pair({.cookie_threshold = 0});
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(both_up(p));
    EXPECT_TRUE(p.alice().logged("responder asked for a cookie"));
    EXPECT_EQ(p.network().sent(), 6u);
}

TEST(Reliability, DeadPeerDetectionRemovesTheSas) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    ASSERT_TRUE(both_up(p));
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{.copies = 0}; });
    p.advance(30s + 200s);  // DPD interval, then the retransmissions (~165 s)
    EXPECT_TRUE(p.alice().logged("not responding, giving up"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.alice().kernel().policies().empty());
}

TEST(Reliability, LivenessCheckKeepsAnIdleSaUp) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    p.advance(95s);
    EXPECT_TRUE(both_up(p));
    EXPECT_GT(p.network().sent(), 4u);
}

TEST(Reliability, AdminDownDeletesOnBothSides) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    p.down(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().policies().empty());
}

TEST(Reliability, NatInFrontOfTheInitiatorIsDetectedAndEncapsulates) {
    auto bob = site_config(kBob, kAlice);
    bob.connections[0].remote.host = "%any";
    bob.connections[0].remote.address.reset();
    Pair p(site_config(kAlice, kBob), bob);
    p.network().set_nat(*net::Address::parse(kAlice.address), *net::Address::parse("198.51.100.7"));
    p.up(p.alice(), "site");
    p.run();
    ASSERT_TRUE(both_up(p));
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).local.port, 4500);
    for (const auto& [id, sa] : p.bob().kernel().sas()) {
        ASSERT_TRUE(sa.encap);
        EXPECT_EQ(sa.encap->dport == 4500 || sa.encap->sport == 4500, true);
    }
    EXPECT_EQ(p.bob().connection("site").ike_sas.at(0).remote.address.str(), "198.51.100.7");
}

}  // namespace
