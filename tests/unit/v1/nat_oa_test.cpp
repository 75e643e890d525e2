// NAT-OA (RFC 3947 5.2) for a transport-mode pair behind a NAT, between two engines: alice
// (192.0.2.1) is behind a NAT that shows her as 198.51.100.7. Each side names the original
// addresses as it sees them, and the responder reads the initiator's client IDs through them.
#include <gtest/gtest.h>

#include "ike/v1/nat_oa.hpp"
#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

const net::Address kAliceInside = *net::Address::parse("192.0.2.1");
const net::Address kAliceOutside = *net::Address::parse("198.51.100.7");
const net::Address kBob = *net::Address::parse("192.0.2.2");

policy::Config transport(policy::Config c, bool any_peer) {
    auto& child = c.connections[0].children[0];
    child.mode = policy::Mode::transport;
    child.local_subnets.clear();
    child.remote_subnets.clear();
    if (any_peer) {
        c.connections[0].remote.host = "%any";
        c.connections[0].remote.address.reset();
    }
    return c;
}

std::unique_ptr<Pair> behind_a_nat() {
    auto p = std::make_unique<Pair>(transport(v1_site(true), false), transport(v1_site(false), true));
    p->network().set_nat(kAliceInside, kAliceOutside);
    p->up(p->alice(), "site");
    p->run();
    return p;
}

// The SA the peer receives on (its destination is the peer's own address).
xfrm::Sa inbound(const Peer& peer, const net::Address& own) {
    for (const auto& a : effects<engine::AddSa>(peer))
        if (a.sa.dst == own) return a.sa;
    return {};
}

TEST(V1NatOa, ATransportPairBehindANatComesUpWithTheInitiatorsIdsReadThroughItsNatOa) {
    auto p = behind_a_nat();
    ASSERT_EQ(p->alice().connection("site").state, engine::ConnectionState::up);
    ASSERT_EQ(p->bob().connection("site").state, engine::ConnectionState::up);
    // alice's IDci names 192.0.2.1; bob's policies hold her as the NAT shows her.
    const auto bobs = effects<engine::AddPolicy>(p->bob());
    ASSERT_FALSE(bobs.empty());
    EXPECT_EQ(bobs[0].policy.selector.src, net::Prefix::host(kBob));
    EXPECT_EQ(bobs[0].policy.selector.dst, net::Prefix::host(kAliceOutside));
    const auto alices = effects<engine::AddPolicy>(p->alice());
    ASSERT_FALSE(alices.empty());
    EXPECT_EQ(alices[0].policy.selector.src, net::Prefix::host(kAliceInside));
    EXPECT_EQ(alices[0].policy.selector.dst, net::Prefix::host(kBob));
}

// bob rekeys: his IDcr names alice as the NAT shows her, which she reads as her own address.
TEST(V1NatOa, ARekeyByThePeerOutsideTheNatIsReadThroughItsNatOa) {
    auto p = behind_a_nat();
    const auto first = inbound(p->bob(), kBob);
    p->expire(p->bob(), first.spi, first.reqid, false);
    p->run();
    EXPECT_EQ(effects<engine::AddSa>(p->alice()).size(), 4u);  // the first pair and bob's
    EXPECT_FALSE(p->alice().logged("QM1 refused"));
    // The new pair's selectors are alice's own (in her view): it takes over her policies.
    EXPECT_EQ(effects<engine::AddPolicy>(p->alice()).size(), 2u);
}

TEST(V1NatOa, OneNatOaAloneIsRefused) {
    const std::vector<wire::v1::Payload> one{wire::v1::NatOa{.address = {192, 0, 2, 1}}};
    EXPECT_FALSE(original_addresses(one));
}

}  // namespace
}  // namespace ike::v1::test
