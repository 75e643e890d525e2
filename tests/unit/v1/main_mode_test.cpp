// Main Mode with pre-shared keys (RFC 2409 5) between two IKEv1 engines.
#include <gtest/gtest.h>

#include "ike/v1/phase1_proposal.hpp"
#include "ike/wire/v1/codec.hpp"
#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using engine::ConnectionState;
using v2::test::drop;
using namespace std::chrono_literals;

const engine::IkeSaStatus& only_sa(const engine::ConnectionStatus& c) {
    EXPECT_EQ(c.ike_sas.size(), 1u);
    return c.ike_sas.at(0);
}

void expect_established(Pair& p, const std::string& suite = "aes256-sha256-modp2048") {
    const auto a = p.alice().connection("site"), b = p.bob().connection("site");
    ASSERT_EQ(a.state, ConnectionState::up);
    ASSERT_EQ(b.state, ConnectionState::up);
    const auto &sa_a = only_sa(a), &sa_b = only_sa(b);
    EXPECT_EQ(sa_a.version, 1);
    EXPECT_EQ(sa_a.state, "established");
    EXPECT_EQ(sa_b.state, "established");
    EXPECT_EQ(sa_a.local_spi, sa_b.remote_spi);  // CKY-I
    EXPECT_EQ(sa_a.remote_spi, sa_b.local_spi);  // CKY-R
    EXPECT_EQ(sa_a.proposal, suite);
    EXPECT_EQ(sa_b.proposal, suite);
}

TEST(MainMode, SixMessagesEstablishTheIsakmpSaOnBothSides) {
    Pair p(v1_site(true), v1_site(false));
    p.up(p.alice(), "site");
    p.run();
    expect_established(p);
    EXPECT_EQ(p.alice().sent() + p.bob().sent(), 6u);
    EXPECT_TRUE(p.alice().logged("ISAKMP SA established with @bob.example"));
    EXPECT_TRUE(p.bob().logged("ISAKMP SA established with @alice.example"));
}

class Groups : public ::testing::TestWithParam<const char*> {};

TEST_P(Groups, EveryImplementedGroupAndHashNegotiates) {
    Pair p(v1_site(true, GetParam()), v1_site(false, GetParam()));
    p.up(p.alice(), "site");
    p.run();
    expect_established(p, GetParam());
}

INSTANTIATE_TEST_SUITE_P(MainMode, Groups,
                         ::testing::Values("aes128-sha256-x25519", "aes256-sha384-ecp384", "aes256-sha512-ecp521",
                                           "aes128-sha256-ecp256", "aes256-sha256-modp3072"));

TEST(MainMode, ResponderTakesTheFirstOfferedTransformItAccepts) {
    Pair p(v1_site(true, "aes256-sha256-modp3072-modp2048"), v1_site(false, "aes256-sha256-modp2048-modp3072"));
    p.up(p.alice(), "site");
    p.run();
    expect_established(p, "aes256-sha256-modp3072");
}

TEST(MainMode, NoCommonProposalIsRefusedAndTheInitiatorGivesUp) {
    Pair p(v1_site(true, "aes256-sha256-modp2048"), v1_site(false, "aes256-sha256-modp3072"));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("NO-PROPOSAL-CHOSEN"));
    // Told in the clear (no keys yet), so only logged: anyone could have sent it.
    EXPECT_TRUE(p.alice().logged("unauthenticated notify from 192.0.2.2:500: NO-PROPOSAL-CHOSEN"));
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.alice().connection("site").failure.kind, engine::FailureKind::timeout);
}

TEST(MainMode, DifferentPreSharedKeysNeverEstablish) {
    Pair p(v1_site(true, "aes256-sha256-modp2048", "one"), v1_site(false, "aes256-sha256-modp2048", "other"));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("a different pre-shared key?"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
}

TEST(MainMode, ResponderRefusesAnInitiatorWithAnotherIdentity) {
    auto bob = v1_site(false);
    bob.connections[0].remote.id = *policy::Identity::parse("@carol.example");
    bob.secrets[0].ids.push_back(bob.connections[0].remote.id);
    Pair p(v1_site(true), bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("peer identity @alice.example is not @carol.example"));
    EXPECT_EQ(p.bob().connection("site").failure.kind, engine::FailureKind::authentication_failed);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
}

TEST(MainMode, InitiatorRefusesAResponderWithAnotherIdentity) {
    auto alice = v1_site(true);
    alice.connections[0].remote.id = *policy::Identity::parse("@carol.example");
    alice.secrets[0].ids.push_back(alice.connections[0].remote.id);
    auto bob = v1_site(false);
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("peer identity @bob.example is not @carol.example"));
    EXPECT_EQ(p.alice().connection("site").failure.kind, engine::FailureKind::authentication_failed);
}

// Datagrams on the network: 0 MM1, 1 MM2, 2 MM3, 3 MM4, 4 MM5, 5 MM6, then retransmissions.
TEST(MainMode, ALostResponseIsReplayedWhenTheInitiatorRetransmits) {
    for (std::uint64_t lost : {1u, 3u, 5u}) {
        Pair p(v1_site(true), v1_site(false));
        p.network().set_rule(drop({lost}));
        p.up(p.alice(), "site");
        p.run();
        expect_established(p);
        EXPECT_EQ(p.bob().sent(), 4u) << "message " << lost;  // one reply replayed
    }
}

TEST(MainMode, ALostRequestIsRetransmitted) {
    for (std::uint64_t lost : {0u, 2u, 4u}) {
        Pair p(v1_site(true), v1_site(false));
        p.network().set_rule(drop({lost}));
        p.up(p.alice(), "site");
        p.run();
        expect_established(p);
        EXPECT_EQ(p.alice().sent(), 4u) << "message " << lost;
    }
}

TEST(MainMode, DuplicatedRequestsAreAnsweredWithoutStartingOver) {
    Pair p(v1_site(true), v1_site(false));
    const auto alice = p.alice().endpoint();
    p.network().set_rule([alice](const v2::test::Datagram& d, std::uint64_t) {
        return v2::test::Fate{.copies = d.from == alice ? 2u : 1u};
    });
    p.up(p.alice(), "site");
    p.run();
    expect_established(p);
    EXPECT_EQ(p.bob().sent(), 6u);  // each duplicate answered with the cached reply
}

TEST(MainMode, AnInitiatorWithoutAnswerGivesUp) {
    auto bob = v1_site(false);
    bob.connections.clear();
    Pair p(v1_site(true), bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("the peer did not answer"));
    EXPECT_EQ(p.alice().connection("site").failure.kind, engine::FailureKind::timeout);
    EXPECT_EQ(p.alice().engine().next_wakeup(), std::nullopt);
}

TEST(MainMode, AResponderForgetsAnIncompleteMainMode) {
    Pair p(v1_site(true), v1_site(false));
    p.network().set_rule([](const v2::test::Datagram& d, std::uint64_t) {
        return v2::test::Fate{.copies = d.from.address == *net::Address::parse("192.0.2.1") && d.bytes[16] == 4 ? 0u : 1u};
    });  // every MM3 (first payload KE) is lost
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("not completed in time"));
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
}

TEST(MainMode, TheShorterLifetimeHoldsOnBothSidesAndTheInitiatorRenewsFirst) {
    auto alice = v1_site(true), bob = v1_site(false);
    alice.connections[0].ike.lifetime = 1h;
    bob.connections[0].ike.lifetime = 2h;
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    // rekey_at: the renewal, at 80-90% of the lifetime (initiator), 95% (responder)
    const auto a = only_sa(p.alice().connection("site"));
    const auto b = only_sa(p.bob().connection("site"));
    EXPECT_EQ(b.rekey_at, b.established + 57min);
    EXPECT_GE(a.rekey_at - a.established, 48min);
    EXPECT_LE(a.rekey_at - a.established, 54min);
}

TEST(MainMode, AggressiveModeIsRefusedWithALogLine) {
    Pair p(v1_site(true), v1_site(false));
    wire::v1::Message m{.header = {.cookie_i = 0x1122334455667788, .exchange = wire::v1::ExchangeType::aggressive},
                        .payloads = {phase1_offer({Phase1Suite{}})}};
    p.bob().handle(p.now(), engine::DatagramIn{p.bob().endpoint(), p.alice().endpoint(), wire::v1::encode(m)},
                   p.network());
    EXPECT_TRUE(p.bob().logged("Aggressive Mode from 192.0.2.1:500 refused"));
    EXPECT_EQ(p.bob().sent(), 0u);
}

TEST(MainMode, AnIkev2ConnectionCannotBeStartedByTheIkev1Engine) {
    auto alice = v1_site(true);
    alice.connections[0].version = 2;
    crypto::DeterministicRng rng(1);
    Engine v1(alice, rng);  // alone: ike::engine::Engines hands such an Up to the IKEv2 engine
    const auto fx = v1.handle(Time{}, engine::AdminUp{"site"});
    ASSERT_EQ(fx.size(), 1u);
    const auto* log = std::get_if<engine::Log>(&fx[0]);
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->message, "no IKEv1 connection of that name");
}

}  // namespace
}  // namespace ike::v1::test
