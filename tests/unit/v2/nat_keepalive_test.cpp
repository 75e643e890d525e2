// NAT keepalives (RFC 3948 2.3): only the side behind a NAT sends them, every 20 seconds.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

policy::Config without_dpd(policy::Config c) {
    c.connections[0].ike.dpd = 0s;
    return c;
}

// alice behind a NAT, bob accepting any peer; no DPD traffic in between.
struct NatPair {
    Pair p{without_dpd(site_config(kAlice, kBob)), any_peer(without_dpd(site_config(kBob, kAlice)))};
    NatPair() { p.network().set_nat(*net::Address::parse(kAlice.address), *net::Address::parse("198.51.100.7")); }
    static policy::Config any_peer(policy::Config c) {
        c.connections[0].remote.host = "%any";
        c.connections[0].remote.address.reset();
        return c;
    }
};

std::vector<SendDatagram> keepalives(const Peer& peer) {
    std::vector<SendDatagram> out;
    for (const auto& e : peer.history())
        if (const auto* d = std::get_if<SendDatagram>(&e); d && d->keepalive) out.push_back(*d);
    return out;
}

}  // namespace

TEST(NatKeepalive, SideBehindTheNatSendsOneByteEvery20Seconds) {
    NatPair n;
    Pair& p = n.p;
    p.up(p.alice(), "site");
    p.run();
    p.advance(61s);
    const auto sent = keepalives(p.alice());
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[0].bytes, base::Bytes{0xff});
    EXPECT_EQ(sent[0].remote.port, 4500);
    EXPECT_TRUE(keepalives(p.bob()).empty());
}

TEST(NatKeepalive, NoneWithoutANat) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    p.advance(61s);
    EXPECT_TRUE(keepalives(p.alice()).empty());
    EXPECT_TRUE(keepalives(p.bob()).empty());
}
