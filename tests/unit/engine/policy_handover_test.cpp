// A reload's batch as the kernel sees it (hand_over_policies): a policy deleted and added
// again is updated in place, and the deletions left go after every addition, so traffic the
// new configuration still covers meets a policy at every step (DESIGN "Fail closed").
#include <gtest/gtest.h>

#include "ike/engine/policy_handover.hpp"
#include "ike/engine/removal_order.hpp"

using namespace ike;
using namespace ike::engine;

namespace {

xfrm::Policy out_policy(const char* dst, std::uint32_t reqid) {
    xfrm::Policy p;
    p.selector = {*net::Prefix::parse("10.1.0.0/24"), *net::Prefix::parse(dst)};
    p.templates.push_back(xfrm::Template{});
    p.templates.back().reqid = reqid;
    return p;
}

DeletePolicy deletion(const char* dst) { return {out_policy(dst, 0).id(), {"site", 0}}; }

}  // namespace

TEST(PolicyHandover, APolicyDeletedAndAddedAgainIsUpdatedInPlace) {
    const auto next = out_policy("10.2.0.0/24", 7);
    const auto out = hand_over_policies({deletion("10.2.0.0/24"), AddPolicy{next, {"site", 0}}});
    ASSERT_EQ(out.size(), 1u);
    const auto* update = std::get_if<UpdatePolicy>(&out[0]);
    ASSERT_NE(update, nullptr);
    EXPECT_EQ(update->policy, next);
}

TEST(PolicyHandover, TheOldSasGoAfterThePoliciesSendToTheNewReqidAndBeforeThePoliciesNoLongerWanted) {
    const auto out = hand_over_policies({DeleteSa{}, deletion("10.2.0.0/24"), deletion("10.3.0.0/24"),
                                         AddPolicy{out_policy("10.2.0.0/24", 7), {"site", 0}}});
    ASSERT_EQ(out.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<UpdatePolicy>(out[0]));
    EXPECT_TRUE(std::holds_alternative<DeleteSa>(out[1]));
    EXPECT_TRUE(std::holds_alternative<DeletePolicy>(out[2]));
}

TEST(PolicyHandover, APolicyNoLongerWantedIsDeletedAfterEveryAddition) {
    const auto out = hand_over_policies({deletion("10.2.0.0/16"), AddPolicy{out_policy("10.2.0.0/24", 7), {"site", 0}},
                                         AddPolicy{out_policy("10.3.0.0/24", 7), {"site", 0}}});
    ASSERT_EQ(out.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<AddPolicy>(out[0]));
    EXPECT_TRUE(std::holds_alternative<AddPolicy>(out[1]));
    const auto* gone = std::get_if<DeletePolicy>(&out[2]);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->id, deletion("10.2.0.0/16").id);
}

TEST(PolicyHandover, AnUpdateOfADeletedPolicyKeepsIt) {
    const auto out = hand_over_policies({deletion("10.2.0.0/24"), UpdatePolicy{out_policy("10.2.0.0/24", 7), {"site", 0}}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<UpdatePolicy>(out[0]));
}

TEST(PolicyHandover, TheDaemonsOrderKeepsTheDeletionsAfterTheAdditions) {
    StatePublished closed;
    closed.connection = "site";
    closed.ike_sa.state = "closed";
    const auto out = removals_after_published_state(
        hand_over_policies({deletion("10.2.0.0/16"), closed, AddPolicy{out_policy("10.2.0.0/24", 7), {"site", 0}}}));
    ASSERT_EQ(out.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<AddPolicy>(out[1]));
    EXPECT_TRUE(std::holds_alternative<DeletePolicy>(out[2]));
}

// A connection moving to the other version (Engines::reconfigure): the policy ledger updates
// the policy in place at the other engine's addition and drops the deleting engine's wish
// after it (xfrm/policy_ledger.hpp).
TEST(PolicyHandover, APolicyOneEngineDeletesAndTheOtherAddsStaysAnAdditionWithTheDeletionAfterIt) {
    const auto next = out_policy("10.2.0.0/24", 7);
    const auto out = hand_over_policies({deletion("10.2.0.0/24"), AddPolicy{next, {"site", 0, kIkev1Engine}}});
    ASSERT_EQ(out.size(), 2u);
    const auto* added = std::get_if<AddPolicy>(&out[0]);
    ASSERT_NE(added, nullptr);
    EXPECT_EQ(added->owner.engine, kIkev1Engine);
    const auto* gone = std::get_if<DeletePolicy>(&out[1]);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->owner.engine, kIkev2Engine);
}
