// The reqids of IKEv1's pairs stay in its half of the engines' range (ike/v1/engine.hpp), so
// the kernel's acquires and expiries for them reach the IKEv1 engine, and a reqid is never
// given to two users at once, also after the half was used up once.
#include <gtest/gtest.h>

#include <cstdint>

#include "ike/crypto/rng.hpp"
#include "ike/v1/core.hpp"

using namespace ike;
using namespace ike::v1;

namespace {

struct Reqids : ::testing::Test {
    crypto::DeterministicRng rng{7};
    Core core{policy::Config{}, rng, EngineOptions{}};
};

TEST_F(Reqids, PastTheEndOfIkev1sHalfTheNextReqidIsItsFirst) {
    core.next_reqid = kReqidEndV1 - 1;
    core.advance_reqid();
    EXPECT_EQ(core.next_reqid, kReqidBaseV1);
    EXPECT_TRUE(is_v1_reqid(core.next_reqid));
}

TEST_F(Reqids, AfterAWrapTheReqidsOfATrapAHeldPolicyAndAPairAreSkipped) {
    core.traps[kReqidBaseV1] = {"site", "net"};
    core.policies[xfrm::PolicyId{}] = {"site", kReqidBaseV1 + 1};
    IsakmpSa sa;
    sa.ipsec_sas.push_back(IpsecSa{.reqid = kReqidBaseV1 + 2});
    core.sas.emplace(1, std::move(sa));
    core.next_reqid = kReqidEndV1 - 1;
    core.advance_reqid();
    EXPECT_EQ(core.next_reqid, kReqidBaseV1 + 3);
}

}  // namespace
