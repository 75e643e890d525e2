// The order the daemon applies a batch of effects in (removals_after_published_state): a
// policy leaves the kernel only once the state that drops its routes and virtual IPs is
// published, so a packet from a virtual IP meets the leaving policy (dropped), never no
// policy (DESIGN "Fail closed").
#include <gtest/gtest.h>

#include "ike/engine/removal_order.hpp"

using namespace ike;
using namespace ike::engine;

namespace {

xfrm::Policy out_policy(const char* src) {
    xfrm::Policy p;
    p.selector = {*net::Prefix::parse(src), *net::Prefix::parse("10.2.0.0/24")};
    return p;
}

StatePublished closed() {
    StatePublished s;
    s.connection = "site";
    s.ike_sa.state = "closed";
    return s;
}

std::vector<std::size_t> kinds(const Effects& effects) {
    std::vector<std::size_t> out;
    for (const auto& e : effects) out.push_back(e.index());
    return out;
}

template <class T>
std::size_t kind() {
    return Effect{std::in_place_type<T>}.index();
}
const std::size_t kDeletePolicy = kind<DeletePolicy>(), kAddPolicy = kind<AddPolicy>(), kDeleteSa = kind<DeleteSa>(),
                  kStatePublished = kind<StatePublished>();

TEST(RemovalOrder, APolicyRemovalWaitsForThePublishedStateThatFollowsIt) {
    const auto p = out_policy("10.3.0.1/32");
    const auto ordered = removals_after_published_state(
        {DeletePolicy{p.id(), {"site", 1}}, DeleteSa{{}, {"site", 1}}, closed()});
    EXPECT_EQ(kinds(ordered), (std::vector<std::size_t>{kDeleteSa, kStatePublished, kDeletePolicy}));
}

TEST(RemovalOrder, APolicyRemovalStillGoesBeforeALaterKernelAddition) {
    const auto p = out_policy("10.3.0.1/32");
    const auto ordered = removals_after_published_state(
        {DeletePolicy{p.id(), {"site", 1}}, AddPolicy{p, {"site", 2}}, closed()});
    EXPECT_EQ(kinds(ordered), (std::vector<std::size_t>{kDeletePolicy, kAddPolicy, kStatePublished}));
}

TEST(RemovalOrder, APolicyRemovalWithNoPublishedStateAfterItEndsTheBatch) {
    const auto p = out_policy("10.3.0.1/32");
    const auto ordered = removals_after_published_state({DeletePolicy{p.id(), {"site", 1}}, DeleteSa{{}, {"site", 1}}});
    EXPECT_EQ(kinds(ordered), (std::vector<std::size_t>{kDeleteSa, kDeletePolicy}));
}

}  // namespace
