// NAT traversal for IKEv1 (RFC 3947) between two engines, alice behind a NAT (the network
// rewrites her address): NAT-D finds it, IKE moves to port 4500, ESP is encapsulated in UDP
// on both sides, the side behind the NAT sends keepalives.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using namespace std::chrono_literals;

policy::Config any_peer(policy::Config c) {
    c.connections[0].remote.host = "%any";
    c.connections[0].remote.address.reset();
    return c;
}

std::vector<xfrm::Sa> kernel_sas(const Peer& peer) {
    std::vector<xfrm::Sa> out;
    for (const auto& e : peer.history())
        if (const auto* a = std::get_if<engine::AddSa>(&e)) out.push_back(a->sa);
    return out;
}

std::vector<engine::SendDatagram> sent(const Peer& peer, bool keepalive) {
    std::vector<engine::SendDatagram> out;
    for (const auto& e : peer.history())
        if (const auto* d = std::get_if<engine::SendDatagram>(&e); d && d->keepalive == keepalive) out.push_back(*d);
    return out;
}

struct NatPair {
    Pair p{v1_site(true), any_peer(v1_site(false))};
    NatPair() { p.network().set_nat(*net::Address::parse("192.0.2.1"), *net::Address::parse("198.51.100.7")); }
};

TEST(V1NatTraversal, BehindANatIkeMovesTo4500AndEspIsEncapsulatedInUdp) {
    NatPair n;
    Pair& p = n.p;
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, engine::ConnectionState::up);
    EXPECT_TRUE(p.alice().logged("NAT detected: we are behind a NAT"));
    EXPECT_TRUE(p.bob().logged("NAT detected: the peer is behind a NAT"));
    // MM1-MM4 on port 500, MM5 on from 4500 (RFC 3947 4).
    const auto ike = sent(p.alice(), false);
    ASSERT_GE(ike.size(), 4u);
    EXPECT_EQ(ike[0].local.port, 500);
    EXPECT_EQ(ike[1].local.port, 500);
    EXPECT_EQ(ike[2].local.port, 4500);
    EXPECT_EQ(ike[2].remote.port, 4500);
    EXPECT_TRUE(p.bob().logged("NAT-T: the peer is now at 198.51.100.7:4500"));
    for (const auto* peer : {&p.alice(), &p.bob()}) {
        const auto sas = kernel_sas(*peer);
        ASSERT_EQ(sas.size(), 2u);
        for (const auto& sa : sas) {
            ASSERT_TRUE(sa.encap);
            EXPECT_EQ(sa.encap->sport, 4500);
            EXPECT_EQ(sa.encap->dport, 4500);
        }
    }
    // bob's SAs and policies name alice's address as the NAT shows it.
    EXPECT_EQ(kernel_sas(p.bob())[0].src, *net::Address::parse("198.51.100.7"));
}

TEST(V1NatTraversal, WithoutANatNothingMovesAndEspIsPlain) {
    Pair p(v1_site(true), v1_site(false));
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, engine::ConnectionState::up);
    EXPECT_FALSE(p.alice().logged("NAT detected"));
    for (const auto& d : sent(p.alice(), false)) EXPECT_EQ(d.local.port, 500);
    for (const auto& sa : kernel_sas(p.alice())) EXPECT_FALSE(sa.encap);
}

// RFC 3948 2.3: one 0xff byte every 20 s, from the side behind the NAT only.
TEST(V1NatTraversal, TheSideBehindTheNatSendsKeepalives) {
    NatPair n;
    Pair& p = n.p;
    p.up(p.alice(), "site");
    p.run();
    const auto before = sent(p.alice(), true).size();
    p.advance(60s);  // (t, t + 60 s] holds three 20 s marks whatever the phase
    const auto keepalives = sent(p.alice(), true);
    EXPECT_EQ(keepalives.size() - before, 3u);
    ASSERT_FALSE(keepalives.empty());
    EXPECT_EQ(keepalives.back().bytes, base::Bytes{0xff});
    EXPECT_EQ(keepalives.back().remote.port, 4500);
    EXPECT_TRUE(sent(p.bob(), true).empty());
}

}  // namespace
}  // namespace ike::v1::test
