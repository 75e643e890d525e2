// The responder's choice of connection (RFC 7296 2.15, 3.5): IKE_SA_INIT narrows the
// connections by addresses and proposals, IKE_AUTH picks among them by the peer's IDi, the
// IDr it asks for and its AUTH method.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

// bob's connection `name` presenting `local_id`, answering any address with `peer_id`.
policy::Config roadwarrior(const char* name, const char* local_id, const char* peer_id) {
    auto c = site_config({kBob.address, local_id, kBob.subnet}, {kAlice.address, peer_id, kAlice.subnet});
    auto& conn = c.connections[0];
    conn.name = name;
    conn.remote.host = "%any";
    conn.remote.address.reset();
    return c;
}

// One configuration holding the connections and secrets of each, in order.
policy::Config merged(std::initializer_list<policy::Config> parts) {
    policy::Config all;
    for (const auto& part : parts) {
        all.connections.insert(all.connections.end(), part.connections.begin(), part.connections.end());
        all.secrets.insert(all.secrets.end(), part.secrets.begin(), part.secrets.end());
    }
    return all;
}

// alice's "site" up to bob.
struct Connected : Pair {
    Connected(const policy::Config& a, const policy::Config& b) : Pair(a, b) {
        up(alice(), "site");
        run();
    }
};

TEST(ConnectionSelection, IdiPicksTheConnection) {
    Connected p(site_config(kAlice, kBob),
                       merged({roadwarrior("rw-carol", kBob.id, "@carol.example"),
                               roadwarrior("rw-alice", kBob.id, kAlice.id)}));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("rw-alice").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("rw-carol").state, ConnectionState::down);
    EXPECT_TRUE(p.bob().logged("peer @alice.example selects connection rw-alice"));
}

TEST(ConnectionSelection, TheConnectionLeftIsPublishedWithoutTheIkeSa) {
    Connected p(site_config(kAlice, kBob),
                merged({roadwarrior("rw-carol", kBob.id, "@carol.example"), roadwarrior("rw-alice", kBob.id, kAlice.id)}));
    const StatePublished* last = nullptr;
    for (const auto& e : p.bob().history())
        if (const auto* s = std::get_if<StatePublished>(&e); s && s->connection == "rw-carol") last = s;
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last->state, ConnectionState::down);
    EXPECT_EQ(last->ike_sa.state, "closed");
}

TEST(ConnectionSelection, ExactIdBeatsAnyEarlierInTheConfiguration) {
    Connected p(site_config(kAlice, kBob), merged({roadwarrior("rw-any", kBob.id, "%any"),
                                                          roadwarrior("rw-alice", kBob.id, kAlice.id)}));
    EXPECT_EQ(p.bob().connection("rw-alice").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("rw-any").state, ConnectionState::down);
}

TEST(ConnectionSelection, IdrPicksWhichOfOurIdentitiesAnswers) {
    Connected p(site_config(kAlice, {kBob.address, "@gw.example", kBob.subnet}),
                       merged({roadwarrior("as-bob", kBob.id, kAlice.id),
                               roadwarrior("as-gw", "@gw.example", kAlice.id)}));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("as-gw").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("as-bob").state, ConnectionState::down);
}

TEST(ConnectionSelection, PeerAuthMethodPicksAmongEqualIds) {
    auto pubkey = roadwarrior("rw-cert", kBob.id, kAlice.id);
    pubkey.connections[0].remote.auth = policy::Auth::pubkey;
    Connected p(site_config(kAlice, kBob), merged({pubkey, roadwarrior("rw-psk", kBob.id, kAlice.id)}));
    EXPECT_EQ(p.bob().connection("rw-psk").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("rw-cert").state, ConnectionState::down);
}

TEST(ConnectionSelection, ProposalsNarrowTheCandidatesAtIkeSaInit) {
    auto other = roadwarrior("rw-aes128", kBob.id, kAlice.id);
    set_ike_proposal(other, "aes128gcm16-prfsha256-ecp256");
    Connected p(site_config(kAlice, kBob), merged({other, roadwarrior("rw-default", kBob.id, kAlice.id)}));
    EXPECT_EQ(p.bob().connection("rw-default").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("rw-aes128").state, ConnectionState::down);
}

TEST(ConnectionSelection, NoConnectionForTheIdiFailsAuthentication) {
    Connected p(site_config(kAlice, kBob), roadwarrior("rw-carol", kBob.id, "@carol.example"));
    EXPECT_TRUE(p.bob().logged("authentication of @alice.example failed: ID mismatch: expected @carol.example"));
    EXPECT_TRUE(p.alice().logged("AUTHENTICATION_FAILED"));
    EXPECT_EQ(p.alice().connection("site").failure.kind, FailureKind::authentication_failed);
    EXPECT_EQ(p.bob().connection("rw-carol").state, ConnectionState::down);
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

}  // namespace
