// One request in flight per IKE SA (RFC 7296 2.3, window size 1): a request asked for while
// another is outstanding waits for its answer and never replaces it.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

// Position of the first log line of `peer` containing `text` (npos if none).
std::size_t first_log(const Peer& peer, const std::string& text) {
    const auto& h = peer.history();
    for (std::size_t i = 0; i < h.size(); ++i)
        if (const auto* l = std::get_if<Log>(&h[i]); l && l->message.find(text) != std::string::npos) return i;
    return std::string::npos;
}

TEST(RequestQueue, DownDuringAChildRekeySendsTheDeleteOnceTheRekeyIsAnswered) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    p.soft_expire(p.alice(), p.alice().connection("site").ike_sas.at(0).children.at(0).spi_in);
    p.down(p.alice(), "site");
    EXPECT_EQ(first_log(p.alice(), "sending INFORMATIONAL request"), std::string::npos);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::closing);
    p.run();
    const auto answered = first_log(p.alice(), "received CREATE_CHILD_SA response");
    ASSERT_NE(answered, std::string::npos);
    EXPECT_LT(answered, first_log(p.alice(), "sending INFORMATIONAL request"));
    EXPECT_FALSE(p.alice().logged("retransmit"));
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        EXPECT_EQ(peer->connection("site").state, ConnectionState::down) << peer->name();
        EXPECT_TRUE(peer->kernel().sas().empty()) << peer->name();
        EXPECT_EQ(peer->kernel_errors(), 0u) << peer->name();
    }
}

// 2.18: the CHILD SAs move to the new IKE SA, and so does a request about them that waited
// for the rekey's answer; it is sent over the new IKE SA, not lost with the old one.
TEST(RequestQueue, ARequestWaitingDuringAnIkeRekeyIsSentOverTheNewIkeSa) {
    Pair p(two_children(true, policy::Start::up, policy::Start::trap),
           two_children(false, policy::Start::none, policy::Start::none));
    p.alice().start(p.now(), p.network());
    p.run();
    const auto old_spi = p.alice().connection("site").ike_sas.at(0).local_spi;
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{1, Duration{500}}; });
    p.advance(std::chrono::ceil<Duration>(p.alice().connection("site").ike_sas.at(0).rekey_at - p.now()));
    ASSERT_TRUE(p.alice().logged("rekeying IKE SA"));
    p.up(p.alice(), "site");  // the trapped "lab" waits for the rekey's answer
    p.run();
    EXPECT_TRUE(p.alice().logged("IKE SA rekeyed"));
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        const auto c = peer->connection("site");
        ASSERT_EQ(c.ike_sas.size(), 1u) << peer->name();
        EXPECT_EQ(c.ike_sas[0].children.size(), 2u) << peer->name();
        EXPECT_EQ(peer->kernel().sas().size(), 4u) << peer->name();
        EXPECT_EQ(peer->kernel_errors(), 0u) << peer->name();
    }
    EXPECT_NE(p.alice().connection("site").ike_sas[0].local_spi, old_spi);
}

TEST(RequestQueue, DownDuringAnIkeRekeyDeletesTheOldAndTheNewIkeSa) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    // Down right when the IKE rekey is sent, its answer still on the way.
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{1, Duration{500}}; });
    p.advance(std::chrono::ceil<Duration>(p.alice().connection("site").ike_sas.at(0).rekey_at - p.now()));
    ASSERT_TRUE(p.alice().logged("rekeying IKE SA"));
    p.down(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("IKE SA rekeyed"));
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        EXPECT_EQ(peer->connection("site").state, ConnectionState::down) << peer->name();
        EXPECT_TRUE(peer->connection("site").ike_sas.empty()) << peer->name();
        EXPECT_TRUE(peer->kernel().sas().empty()) << peer->name();
    }
}

}  // namespace

namespace {

// RFC 7296 2.18: the rekey's initiator deletes the old IKE SA. Should that Delete be lost
// for good, the old SA must not linger in the rekeyed state forever.
TEST(RekeyedIkeSa, EndsWhenThePeersDeleteNeverComes) {
    auto bob = site_config(kBob, kAlice);
    bob.connections.front().ike.lifetime = std::chrono::hours(1);  // bob rekeys first
    Pair p(site_config(kAlice, kBob), bob);
    p.up(p.alice(), "site");
    p.run();
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{1, Duration{500}}; });
    p.advance(std::chrono::ceil<Duration>(p.bob().connection("site").ike_sas.at(0).rekey_at - p.now()));
    ASSERT_TRUE(p.bob().logged("rekeying IKE SA"));
    // The request is on the network; alice's answer comes next, bob's Delete after it: lost.
    const std::uint64_t answer = p.network().sent();
    p.network().set_rule([answer](const Datagram&, std::uint64_t seq) { return Fate{seq > answer ? 0u : 1u}; });
    p.advance(Duration{5000});
    ASSERT_EQ(p.alice().connection("site").ike_sas.size(), 2u);
    p.advance(Duration{61000});  // a minute (ike/v2/core.hpp kRekeyedTimeout)
    EXPECT_TRUE(p.alice().logged("rekeyed IKE SA not deleted by the peer; closing it"));
    const auto c = p.alice().connection("site");
    ASSERT_EQ(c.ike_sas.size(), 1u);
    EXPECT_EQ(c.ike_sas.at(0).children.size(), 1u);  // the CHILD SA lives on in the new IKE SA
}

}  // namespace
