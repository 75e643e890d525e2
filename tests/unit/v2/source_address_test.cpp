// A connection without a local address ("any"): the initiator sends from the source address
// the host's route to the peer prefers (EngineOptions::source_address), so that NAT
// detection (RFC 7296 2.23) hashes the real address and the kernel SAs are built from it;
// the responder answers from the address the request reached.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

const net::Address kAliceAddress = *net::Address::parse(kAlice.address);
const net::Address kBobAddress = *net::Address::parse(kBob.address);

policy::Config without_local_address(policy::Config c) {
    c.connections[0].local.address.reset();
    return c;
}

// The host's routing as the daemon would ask it: alice's route to bob prefers her address.
EngineOptions routed_to_bob_from_alice() {
    EngineOptions o;
    o.source_address = [](const net::Address& remote) -> base::Result<net::Address> {
        if (remote == kBobAddress) return kAliceAddress;
        return base::fail("Network is unreachable");
    };
    return o;
}

EngineOptions no_route() {
    EngineOptions o;
    o.source_address = [](const net::Address&) -> base::Result<net::Address> {
        return base::fail("Network is unreachable");
    };
    return o;
}

bool sent_any(const Peer& peer) {
    return std::any_of(peer.history().begin(), peer.history().end(),
                       [](const Effect& e) { return std::holds_alternative<SendDatagram>(e); });
}

IkeSaStatus only_ike_sa(const Peer& peer) {
    const auto status = peer.connection("site");
    EXPECT_EQ(status.ike_sas.size(), 1u);
    return status.ike_sas.empty() ? IkeSaStatus{} : status.ike_sas[0];
}

}  // namespace

TEST(SourceAddress, InitiatorWithoutLocalAddressSendsFromTheRoutesSource) {
    Pair p(without_local_address(site_config(kAlice, kBob)), site_config(kBob, kAlice), routed_to_bob_from_alice());
    p.up(p.alice(), "site");
    p.run();
    const auto sa = only_ike_sa(p.alice());
    EXPECT_EQ(sa.state, "established");
    EXPECT_EQ(sa.local, (net::Endpoint{kAliceAddress, 500}));
}

TEST(SourceAddress, RoutesSourceMeansNoNatDetected) {
    Pair p(without_local_address(site_config(kAlice, kBob)), site_config(kBob, kAlice), routed_to_bob_from_alice());
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(only_ike_sa(p.alice()).remote.port, 500);
    EXPECT_EQ(only_ike_sa(p.bob()).remote.port, 500);
    for (auto* peer : {&p.alice(), &p.bob()})
        for (const auto& [id, sa] : peer->kernel().sas()) EXPECT_FALSE(sa.encap) << peer->name();
}

TEST(SourceAddress, KernelSasAreBuiltFromTheRoutesSource) {
    Pair p(without_local_address(site_config(kAlice, kBob)), site_config(kBob, kAlice), routed_to_bob_from_alice());
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().kernel().sas().size(), 2u);
    for (const auto& [id, sa] : p.alice().kernel().sas()) {
        EXPECT_TRUE(sa.src == kAliceAddress || sa.dst == kAliceAddress);
        EXPECT_TRUE(sa.src == kBobAddress || sa.dst == kBobAddress);
    }
}

TEST(SourceAddress, NoRouteToThePeerFailsTheInitiationWithoutADatagram) {
    Pair p(without_local_address(site_config(kAlice, kBob)), site_config(kBob, kAlice), no_route());
    p.up(p.alice(), "site");
    p.run();
    EXPECT_FALSE(sent_any(p.alice()));
    EXPECT_TRUE(p.alice().logged("cannot initiate: no source address towards 192.0.2.2: Network is unreachable"));
    EXPECT_TRUE(p.alice().connection("site").ike_sas.empty());
}

TEST(SourceAddress, ConfiguredLocalAddressNeedsNoLookup) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice), no_route());
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(only_ike_sa(p.alice()).local, (net::Endpoint{kAliceAddress, 500}));
}

TEST(SourceAddress, ResponderWithoutLocalAddressAnswersFromTheAddressReached) {
    Pair p(site_config(kAlice, kBob), without_local_address(site_config(kBob, kAlice)), no_route());
    p.up(p.alice(), "site");
    p.run();
    const auto sa = only_ike_sa(p.bob());
    EXPECT_EQ(sa.state, "established");
    EXPECT_EQ(sa.local, (net::Endpoint{kBobAddress, 500}));
    EXPECT_EQ(only_ike_sa(p.alice()).remote.port, 500);  // no NAT seen by alice either
}
