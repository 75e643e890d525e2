// The initiator refuses the responder's AUTH after the responder has answered IKE_AUTH
// (RFC 7296 2.21.2): it tells the responder in a separate INFORMATIONAL, and both end with
// nothing in the kernel and the failure recorded.
#include <gtest/gtest.h>

#include "ike/wire/constants.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

// alice expects bob to sign with a certificate, bob authenticates with the PSK: bob
// accepts alice, alice refuses bob.
struct RefusedResponder : Pair {
    RefusedResponder() : Pair(expecting_a_certificate(), site_config(kBob, kAlice)) {
        up(alice(), "site");
        run();
    }
    static policy::Config expecting_a_certificate() {
        auto alice = site_config(kAlice, kBob);
        alice.connections[0].remote.auth = policy::Auth::pubkey;
        return alice;
    }
};

TEST(RefusedAuth, InitiatorRecordsAuthenticationFailedAndInstallsNothing) {
    RefusedResponder p;
    EXPECT_TRUE(p.alice().logged("authentication of @bob.example failed: peer used a PSK"));
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.alice().connection("site").failure.kind, FailureKind::authentication_failed);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.alice().kernel().policies().empty());
}

TEST(RefusedAuth, ResponderTearsDownTheIkeSaAndItsChildSa) {
    RefusedResponder p;
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.bob().connection("site").ike_sas.empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().policies().empty());
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
}

TEST(RefusedAuth, ResponderRecordsAuthenticationFailedWithALogLine) {
    RefusedResponder p;
    EXPECT_TRUE(p.bob().logged("peer refused our authentication (AUTHENTICATION_FAILED)"));
    const auto bob = p.bob().connection("site");
    EXPECT_EQ(bob.failure, (Failure{FailureKind::authentication_failed, {}, wire::notify::authentication_failed}));
}

TEST(RefusedAuth, ResponderAnswersTheInformational) {
    RefusedResponder p;
    EXPECT_EQ(p.network().sent(), 6u);  // IKE_SA_INIT, IKE_AUTH, INFORMATIONAL: each answered
}

}  // namespace
