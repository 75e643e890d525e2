// IKE over IPv6 with IPv6 traffic selectors: the whole handshake and the kernel state it leaves.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

constexpr Side kAlice6{"2001:db8::1", "@alice.example", "fd00:1::/64"};
constexpr Side kBob6{"2001:db8::2", "@bob.example", "fd00:2::/64"};

TEST(Ipv6, HandshakeOverIpv6InstallsIpv6SasAndPolicies) {
    Pair p(site_config(kAlice6, kBob6), site_config(kBob6, kAlice6), {}, 1, 2, kAlice6.address, kBob6.address);
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    ASSERT_EQ(p.bob().connection("site").state, ConnectionState::up);
    const auto ike_sa = p.alice().connection("site").ike_sas.at(0);
    EXPECT_EQ(ike_sa.local.str(), "[2001:db8::1]:500");
    EXPECT_EQ(ike_sa.remote.str(), "[2001:db8::2]:500");
    for (auto* peer : {&p.alice(), &p.bob()}) {
        ASSERT_EQ(peer->kernel().sas().size(), 2u);
        for (const auto& [id, sa] : peer->kernel().sas()) EXPECT_EQ(sa.src.family, net::Family::v6);
        ASSERT_FALSE(peer->kernel().policies().empty());
        for (const auto& [id, pol] : peer->kernel().policies())
            EXPECT_EQ(pol.selector.src.address.family, net::Family::v6);
    }
    const auto child = p.alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_EQ(child.local_ts.at(0).str(), "fd00:1::/64");
    EXPECT_EQ(child.remote_ts.at(0).str(), "fd00:2::/64");
}

}  // namespace
