// Which PSK authenticates a peer (docs/DESIGN.md Part 2, `secrets:`): a secret whose ids
// hold "%any" serves every identity, so one responder connection answers many initiators
// with one PSK; a secret naming both identities outranks it (strongSwan's best match).
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

constexpr Side kCarol{"192.0.2.1", "@carol.example", "10.3.0.0/24"};

base::SecretBytes bytes(const std::string& text) { return {text.begin(), text.end()}; }

policy::Secret secret(std::initializer_list<const char*> ids, const std::string& psk) {
    policy::Secret s{{}, bytes(psk)};
    for (const char* id : ids) s.ids.push_back(*policy::Identity::parse(id));
    return s;
}

// bob's "rw": any peer identity from any address, its subnets in 10.0.0.0/8, only `secrets`.
policy::Config any_responder(std::vector<policy::Secret> secrets) {
    auto c = site_config(kBob, {kAlice.address, "%any", "10.0.0.0/8"});
    auto& rw = c.connections[0];
    rw.name = "rw";
    rw.remote.host = "%any";
    rw.remote.address.reset();
    c.secrets = std::move(secrets);
    return c;
}

// alice's end with two connections to bob: "as-alice" and "as-carol" (a second identity
// and subnet), each with its own PSK.
policy::Config two_identities(const std::string& alice_psk, const std::string& carol_psk) {
    auto config = site_config(kAlice, kBob, alice_psk);
    config.connections[0].name = "as-alice";
    auto carol = site_config(kCarol, kBob, carol_psk);
    carol.connections[0].name = "as-carol";
    config.connections.push_back(carol.connections[0]);
    config.secrets.push_back(carol.secrets[0]);
    return config;
}

void up_both(Pair& p) {
    p.up(p.alice(), "as-alice");
    p.up(p.alice(), "as-carol");
    p.run();
}

TEST(PskIdentities, OneAnySecretAuthenticatesInitiatorsOfDifferentIdentities) {
    Pair p(two_identities("one for all", "one for all"), any_responder({secret({"%any"}, "one for all")}));
    up_both(p);
    EXPECT_EQ(p.alice().connection("as-alice").state, ConnectionState::up);
    EXPECT_EQ(p.alice().connection("as-carol").state, ConnectionState::up);
    auto rw = p.bob().connection("rw");
    EXPECT_EQ(rw.state, ConnectionState::up);
    EXPECT_EQ(rw.ike_sas.size(), 2u);
}

// alice's "site" to bob with `psk`, brought up and run until the exchanges are over.
struct AliceTo : Pair {
    AliceTo(const policy::Config& bob, const std::string& psk) : Pair(site_config(kAlice, kBob, psk), bob) {
        up(alice(), "site");
        run();
    }
};

const std::vector<policy::Secret> kAnyAndAlices{secret({"%any"}, "one for all"),
                                                secret({kBob.id, kAlice.id}, "alice's own")};

TEST(PskIdentities, ASecretNamingBothIdentitiesBeatsAny) {
    AliceTo p(any_responder(kAnyAndAlices), "alice's own");
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("rw").state, ConnectionState::up);
}

TEST(PskIdentities, AnAnySecretIsNotUsedForAPeerWithItsOwn) {
    AliceTo p(any_responder(kAnyAndAlices), "one for all");
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_NE(p.bob().connection("rw").state, ConnectionState::up);
}

}  // namespace
