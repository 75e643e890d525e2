// The daemon's --ike-port / --natt-port and a connection's remote.port reach the wire
// (RFC 7296 2.23: IKE starts on the IKE port and moves to the NAT-T port behind a NAT).
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

using PortPair = std::pair<std::uint16_t, std::uint16_t>;   // from, to

EngineOptions ports(std::uint16_t ike, std::uint16_t natt) {
    EngineOptions o;
    o.ike_port = ike;
    o.natt_port = natt;
    return o;
}

// Records the ports of every datagram on the network, in order.
std::vector<PortPair>& record(Pair& p) {
    static std::vector<PortPair> seen;
    seen.clear();
    p.network().set_rule([](const Datagram& d, std::uint64_t) {
        seen.push_back({d.from.port, d.to.port});
        return Fate{};
    });
    return seen;
}

TEST(Ports, ConfiguredIkePortIsUsedBothWays) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice), ports(41500, 44500));
    auto& seen = record(p);
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(std::set<PortPair>(seen.begin(), seen.end()), (std::set<PortPair>{{41500, 41500}}));
}

TEST(Ports, BehindANatIkeMovesToTheConfiguredNattPort) {
    auto bob = site_config(kBob, kAlice);
    bob.connections[0].remote.host = "%any";   // alice appears from the NAT's address
    bob.connections[0].remote.address.reset();
    Pair p(site_config(kAlice, kBob), bob, ports(41500, 44500));
    p.network().set_nat(*net::Address::parse(kAlice.address), *net::Address::parse("198.51.100.7"));
    auto& seen = record(p);
    p.up(p.alice(), "site");
    p.run(Duration{10000});
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    ASSERT_GE(seen.size(), 4u);
    EXPECT_EQ(seen[0], (PortPair{41500, 41500}));   // IKE_SA_INIT
    EXPECT_EQ(seen[2], (PortPair{44500, 44500}));   // IKE_AUTH
}

TEST(Ports, RemotePortIsWhereTheInitiatorSends) {
    auto alice = site_config(kAlice, kBob);
    alice.connections[0].remote.port = 4242;
    Pair p(alice, site_config(kBob, kAlice));
    auto& seen = record(p);
    p.up(p.alice(), "site");
    p.run(Duration{1000});
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen[0], (PortPair{500, 4242}));
}

// RFC 7296 2.23 lets an initiator move IKE to port 4500 without a NAT (strongSwan does): the
// responder answers each request from the port it came to, to the port it came from (2.11),
// and talks to it there from then on, while ESP stays plain (no NAT, no UDP encapsulation).
TEST(Ports, AResponderAnswersOnThePortsTheInitiatorMovedTo) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    const auto alice = *net::Address::parse(kAlice.address);
    std::vector<std::pair<bool, PortPair>> seen;   // from alice?, ports as delivered
    p.network().set_rule([&](const Datagram& d, std::uint64_t sequence) {
        Fate f;
        if (d.from.address == alice && sequence >= 2) f.ports = PortPair{4500, 4500};   // after IKE_SA_INIT
        seen.push_back({d.from.address == alice, f.ports.value_or(PortPair{d.from.port, d.to.port})});
        return f;
    });
    p.up(p.alice(), "site");
    p.run(Duration{10000});
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    ASSERT_EQ(p.bob().connection("site").state, ConnectionState::up);
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        ASSERT_FALSE(peer->kernel().sas().empty());
        for (const auto& [id, sa] : peer->kernel().sas()) EXPECT_FALSE(sa.encap) << peer->name();
    }
    p.down(p.bob(), "site");   // bob's own request (a Delete) goes where alice now is
    p.run(Duration{10000});
    ASSERT_GE(seen.size(), 6u);
    EXPECT_EQ(seen[1], (std::pair{false, PortPair{500, 500}}));   // IKE_SA_INIT response
    for (std::size_t i = 2; i < seen.size(); ++i)
        EXPECT_EQ(seen[i].second, (PortPair{4500, 4500})) << "datagram " << i << (seen[i].first ? " from alice" : " from bob");
}

// A half-open IKE SA is found by the initiator's SPI and address for retransmitted
// IKE_SA_INITs (2.1). When IKE_AUTH moved it to port 4500 and then failed, its entry went
// with it: a late retransmission once found an entry naming an IKE SA gone (found by the
// engine fuzzer).
TEST(Ports, AHalfOpenIkeSaThatMovedPortsAndFailedLeavesNoEntryBehind) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice, "another secret"));
    const auto alice = *net::Address::parse(kAlice.address);
    std::optional<Datagram> init;
    p.network().set_rule([&](const Datagram& d, std::uint64_t sequence) {
        Fate f;
        if (sequence == 0) init = d;
        if (d.from.address == alice && sequence >= 2) f.ports = PortPair{4500, 4500};
        return f;
    });
    p.up(p.alice(), "site");
    p.run(Duration{10000});
    ASSERT_TRUE(init);
    ASSERT_EQ(p.bob().connection("site").state, ConnectionState::down);   // AUTH refused
    p.bob().handle(p.now(), DatagramIn{init->to, init->from, init->bytes}, p.network());
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::connecting);   // answered anew
}

}  // namespace
