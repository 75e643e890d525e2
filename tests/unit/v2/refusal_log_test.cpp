// A refused proposal or selector is logged with what the peer offered and what we are
// configured with (proposals in strongSwan's syntax), so the user sees why at once.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

TEST(RefusalLog, TsUnacceptableNamesTheProposedAndTheConfiguredSelectors) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, {kAlice.address, kAlice.id, "10.9.0.0/24"}));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("TS_UNACCEPTABLE: peer proposed TSi 10.1.0.0/24 TSr 10.2.0.0/24, "
                               "configured local 10.2.0.0/24 remote 10.9.0.0/24"));
}

TEST(RefusalLog, TsUnacceptableNamesAModeMismatch) {
    auto alice = site_config(kAlice, kBob);
    alice.connections[0].children[0].mode = policy::Mode::transport;
    Pair p(alice, site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("TS_UNACCEPTABLE: peer proposed TSi 10.1.0.0/24 TSr 10.2.0.0/24 in transport mode, "
                               "configured local 10.2.0.0/24 remote 10.1.0.0/24"));
}

TEST(RefusalLog, ChildNoProposalChosenNamesBothSidesProposals) {
    auto alice = site_config(kAlice, kBob);
    auto bob = site_config(kBob, kAlice);
    set_child_proposal(alice, "aes256gcm16");
    set_child_proposal(bob, "aes128-sha256");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("NO_PROPOSAL_CHOSEN: peer proposed aes256gcm16, configured aes128-sha256"));
}

TEST(RefusalLog, IkeNoProposalChosenNamesBothSidesProposals) {
    auto alice = site_config(kAlice, kBob);
    auto bob = site_config(kBob, kAlice);
    set_ike_proposal(alice, "aes256gcm16-prfsha256-x25519");
    set_ike_proposal(bob, "aes128-sha256-modp2048");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("NO_PROPOSAL_CHOSEN: 192.0.2.1:500 proposed IKE aes256gcm16-prfsha256-x25519, "
                               "configured aes128-sha256-prfsha256-modp2048"));
}
