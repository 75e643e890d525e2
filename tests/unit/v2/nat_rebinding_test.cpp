// NAT rebinding (RFC 7296 2.23): when the NAT in front of a peer maps it to a new address
// or port, the side not behind the NAT follows the peer's next authenticated request, and
// its kernel follows too: the CHILD SA's SAs (UDP encapsulation included) and policies
// move to the new endpoints (XFRM_MSG_MIGRATE).
#include <gtest/gtest.h>

#include <optional>
#include <utility>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

net::Address ip(const char* s) { return *net::Address::parse(s); }

const net::Address kOutside = ip("198.51.100.7");  // alice's NAT, first mapping
const net::Address kRebound = ip("198.51.100.9");  // the same NAT after it lost its mappings

// alice behind a NAT checks liveness every 10 s; bob accepts any peer and sends nothing.
struct NatPair {
    Pair p{with_dpd(site_config(kAlice, kBob), 10s), any_peer(with_dpd(site_config(kBob, kAlice), 0s))};
    NatPair() {
        p.network().set_nat(ip(kAlice.address), kOutside);
        p.up(p.alice(), "site");
        p.run();
    }
    static policy::Config with_dpd(policy::Config c, std::chrono::seconds dpd) {
        c.connections[0].ike.dpd = dpd;
        return c;
    }
    static policy::Config any_peer(policy::Config c) {
        c.connections[0].remote.host = "%any";
        c.connections[0].remote.address.reset();
        return c;
    }
    // The NAT maps alice to a new address and ports; her next liveness check goes out.
    void rebind() {
        p.network().set_nat(ip(kAlice.address), kRebound, 1000);
        p.advance(11s);
    }
};

std::vector<MigrateSa> migrations(const Peer& peer, std::size_t from = 0) {
    std::vector<MigrateSa> out;
    for (std::size_t i = from; i < peer.history().size(); ++i)
        if (const auto* m = std::get_if<MigrateSa>(&peer.history()[i])) out.push_back(*m);
    return out;
}

ChildStatus child_of(Peer& peer) { return peer.connection("site").ike_sas.at(0).children.at(0); }

const xfrm::Sa& sa_to(Peer& peer, const net::Address& dst, std::uint32_t spi) {
    return peer.kernel().sas().at({dst, spi, xfrm::Proto::esp, std::nullopt});
}

}  // namespace

TEST(NatRebinding, TheKernelSasOfThePeerBehindTheNatMoveToItsNewMapping) {
    NatPair n;
    Peer& bob = n.p.bob();
    ASSERT_EQ(n.p.bob().connection("site").state, ConnectionState::up);
    n.rebind();
    const auto child = child_of(bob);
    EXPECT_EQ(bob.connection("site").ike_sas.at(0).remote, (net::Endpoint{kRebound, 5500}));
    const auto& out = sa_to(bob, kRebound, child.spi_out);
    EXPECT_EQ(out.src, ip(kBob.address));
    EXPECT_EQ(out.encap, (xfrm::UdpEncap{4500, 5500}));
    const auto& in = sa_to(bob, ip(kBob.address), child.spi_in);
    EXPECT_EQ(in.src, kRebound);
    EXPECT_EQ(in.encap, (xfrm::UdpEncap{5500, 4500}));
    EXPECT_TRUE(in.aead.has_value());  // the same SA, keys and all
    EXPECT_EQ(bob.kernel().sas().size(), 2u);
    EXPECT_TRUE(bob.logged("peer moved from 198.51.100.7:4500 to 198.51.100.9:5500 (NAT rebinding)"));
    EXPECT_EQ(bob.kernel_errors(), 0u);
}

TEST(NatRebinding, TheTunnelPoliciesTemplatesMoveToo) {
    NatPair n;
    n.rebind();
    const auto& policies = n.p.bob().kernel().policies();
    ASSERT_EQ(policies.size(), 3u);  // out, in, fwd
    for (const auto& [id, policy] : policies) {
        const auto& t = policy.templates.at(0);
        const bool out = id.dir == xfrm::Dir::out;
        EXPECT_EQ(t.src, out ? ip(kBob.address) : kRebound) << xfrm::describe(id);
        EXPECT_EQ(t.dst, out ? kRebound : ip(kBob.address)) << xfrm::describe(id);
    }
}

TEST(NatRebinding, APortChangeAloneMovesTheEncapsulation) {
    NatPair n;
    n.p.network().set_nat(ip(kAlice.address), kOutside, 7);
    n.p.advance(11s);
    const auto child = child_of(n.p.bob());
    EXPECT_EQ(sa_to(n.p.bob(), kOutside, child.spi_out).encap, (xfrm::UdpEncap{4500, 4507}));
    EXPECT_EQ(sa_to(n.p.bob(), ip(kBob.address), child.spi_in).encap, (xfrm::UdpEncap{4507, 4500}));
    EXPECT_EQ(n.p.bob().kernel_errors(), 0u);
}

TEST(NatRebinding, TheMovedChildIsDeletedCleanly) {
    NatPair n;
    n.rebind();
    n.p.down(n.p.bob(), "site");
    n.p.run();
    EXPECT_TRUE(n.p.bob().kernel().sas().empty());
    EXPECT_TRUE(n.p.bob().kernel().policies().empty());
    EXPECT_EQ(n.p.bob().kernel_errors(), 0u);
}

TEST(NatRebinding, NothingMovesWhileThePeerKeepsItsMapping) {
    NatPair n;
    n.p.advance(11s);  // a liveness check from the same mapping
    EXPECT_TRUE(migrations(n.p.bob()).empty());
}

TEST(NatRebinding, AReplayedRequestFromTheOldMappingMovesNothingBack) {
    NatPair n;
    // The liveness check as the old mapping carried it, captured, then replayed after the
    // peer moved: a retransmit of an answered request, answered again and nothing more.
    std::optional<Datagram> captured;
    n.p.network().set_rule([&](const Datagram& d, std::uint64_t) {
        if (d.from.address == kOutside && d.bytes.size() > 1 && !captured) captured = d;  // not a keepalive
        return Fate{};
    });
    n.p.advance(11s);
    ASSERT_TRUE(captured.has_value());
    n.p.network().set_rule({});
    n.rebind();
    const std::size_t mark = n.p.bob().history().size();
    n.p.bob().handle(n.p.now(), DatagramIn{captured->to, captured->from, captured->bytes}, n.p.network());
    EXPECT_TRUE(migrations(n.p.bob(), mark).empty());
    EXPECT_EQ(n.p.bob().connection("site").ike_sas.at(0).remote, (net::Endpoint{kRebound, 5500}));
}

TEST(NatRebinding, TheSideBehindTheNatDoesNotFollow) {
    NatPair n;
    n.rebind();
    EXPECT_TRUE(migrations(n.p.alice()).empty());
    EXPECT_EQ(n.p.alice().kernel_errors(), 0u);
}

TEST(NatRebinding, AChildSaRekeyedJustBeforeIsDeletedWhereItStayed) {
    NatPair n;
    const auto old = child_of(n.p.bob());
    // alice rekeys; the NAT rebinds once bob has answered, so her Delete of the old CHILD SA
    // comes from the new mapping: bob moves the new CHILD SA, and removes the old one (which
    // the kernel did not move) at its old endpoints.
    bool rebound = false;
    n.p.network().set_rule([&](const Datagram& d, std::uint64_t) {
        if (d.from.address == ip(kBob.address) && !std::exchange(rebound, true))
            n.p.network().set_nat(ip(kAlice.address), kRebound, 1000);
        return Fate{};
    });
    n.p.soft_expire(n.p.alice(), child_of(n.p.alice()).spi_in);
    n.p.advance(2s);
    ASSERT_TRUE(rebound);
    const auto now = child_of(n.p.bob());
    EXPECT_NE(now.spi_in, old.spi_in);
    EXPECT_EQ(sa_to(n.p.bob(), kRebound, now.spi_out).encap, (xfrm::UdpEncap{4500, 5500}));
    EXPECT_EQ(n.p.bob().kernel().sas().size(), 2u);
    EXPECT_EQ(n.p.bob().kernel_errors(), 0u);
}

TEST(NatRebinding, AnAnswerLostWithTheOldMappingGoesAgainWhereTheRetransmitCameFrom) {
    NatPair n;
    // bob's answer to alice's liveness check is lost as the NAT rebinds: her retransmit comes
    // from the new mapping, and the answer must go there (2.11), though it moves nothing.
    bool lost = false;
    n.p.network().set_rule([&](const Datagram& d, std::uint64_t) {
        if (d.from.address != ip(kBob.address) || std::exchange(lost, true)) return Fate{};
        n.p.network().set_nat(ip(kAlice.address), kRebound, 1000);
        return Fate{0};
    });
    const std::size_t mark = n.p.bob().history().size();
    n.p.advance(16s);  // the check at 10 s, its retransmit 4 s later; the next check at 24 s
    ASSERT_TRUE(lost);
    bool answered_there = false;
    for (std::size_t i = mark; i < n.p.bob().history().size(); ++i)
        if (const auto* d = std::get_if<SendDatagram>(&n.p.bob().history()[i]))
            answered_there = answered_there || d->remote == net::Endpoint{kRebound, 5500};
    EXPECT_TRUE(answered_there);
    EXPECT_TRUE(migrations(n.p.bob(), mark).empty());
    EXPECT_EQ(n.p.bob().connection("site").ike_sas.at(0).remote, (net::Endpoint{kOutside, 4500}));
}
