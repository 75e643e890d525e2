// Inbound CHILD SA SPIs come from the kernel (EngineOptions::allocate_spi, XFRM_MSG_ALLOCSPI
// in the daemon): reserved as larval SAs, completed by the CHILD SA's inbound SA, deleted when
// the negotiation fails. The in-memory kernel allocates with the kernel's collision rules.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "ike/wire/notify_data.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

net::Address ip(const char* s) { return *net::Address::parse(s); }

unsigned larval_sas(Peer& peer) {
    unsigned n = 0;
    for (const auto& [id, sa] : peer.kernel().sas()) n += peer.kernel().is_larval(id) ? 1 : 0;
    return n;
}

ChildStatus child_of(Peer& peer) {
    const auto c = peer.connection("site");
    if (c.ike_sas.empty() || c.ike_sas[0].children.empty()) return {};
    return c.ike_sas[0].children[0];
}

}  // namespace

TEST(SpiAllocation, InboundSasCompleteTheLarvalSasTheKernelReserved) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    for (Peer* peer : {&p.alice(), &p.bob()}) {
        const auto child = child_of(*peer);
        ASSERT_NE(child.spi_in, 0u) << peer->name();
        const xfrm::SaId in{peer->endpoint().address, child.spi_in, xfrm::Proto::esp, std::nullopt};
        ASSERT_TRUE(peer->kernel().sas().contains(in)) << peer->name();
        EXPECT_FALSE(peer->kernel().is_larval(in)) << peer->name();
        EXPECT_TRUE(peer->kernel().sas().at(in).aead.has_value()) << peer->name();
        EXPECT_EQ(larval_sas(*peer), 0u) << peer->name();
        EXPECT_EQ(peer->kernel_errors(), 0u) << peer->name();
        unsigned completing = 0;
        for (const auto& e : peer->history())
            if (const auto* a = std::get_if<AddSa>(&e); a && a->larval) {
                ++completing;
                EXPECT_EQ(a->sa.spi, child.spi_in);
            }
        EXPECT_EQ(completing, 1u) << peer->name();
    }
}

TEST(SpiAllocation, AnSpiAnotherSaHoldsIsNeverChosen) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    // Another IKE daemon's larval SA holds the SPI alice's kernel would hand out next, and a
    // manual SA the one after it.
    auto& k = p.alice().kernel();
    const auto held = k.alloc_spi(ip(kBob.address), ip(kAlice.address), xfrm::Proto::esp, 0);
    ASSERT_TRUE(held.ok());
    xfrm::Sa manual;
    manual.src = ip(kBob.address);
    manual.dst = ip(kAlice.address);
    manual.spi = *held + 1;
    manual.aead = xfrm::Aead{"rfc4106(gcm(aes))", base::SecretBytes(20, 7), 128};
    ASSERT_TRUE(k.add_sa(manual).ok());
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(child_of(p.alice()).spi_in, *held + 2);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(k.is_larval({manual.dst, *held, xfrm::Proto::esp, std::nullopt}));  // left alone
    EXPECT_EQ(k.sas().at(manual.id()), manual);
}

TEST(SpiAllocation, ARefusedChildDeletesItsLarvalSa) {
    auto bob = site_config(kBob, kAlice);
    bob.connections[0].children[0].remote_subnets = {*net::Prefix::parse("10.9.0.0/24")};
    Pair p(site_config(kAlice, kBob), bob);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").failure.kind, FailureKind::child_refused);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(SpiAllocation, AnIkeSaThatTimesOutDeletesItsLarvalSa) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    // IKE_SA_INIT goes through (datagrams 0 and 1), then the network goes dark.
    p.network().set_rule([](const Datagram&, std::uint64_t seq) { return Fate{seq < 2 ? 1u : 0u}; });
    p.up(p.alice(), "site");
    p.advance(Duration{60000});
    EXPECT_EQ(larval_sas(p.alice()), 1u);  // IKE_AUTH is being retransmitted
    p.advance(Duration{300000});
    EXPECT_EQ(p.alice().connection("site").failure.kind, FailureKind::timeout);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

// Found by engine-fuzz: the kernel removes a larval SA at its acquire timeout (hard expiry);
// the IKE SA that reserved it does not delete it again when its negotiation ends.
TEST(SpiAllocation, ALarvalSaTheKernelExpiredIsNotDeletedAgain) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice));
    p.network().set_rule([](const Datagram&, std::uint64_t seq) { return Fate{seq < 2 ? 1u : 0u}; });
    p.up(p.alice(), "site");
    p.advance(Duration{1000});
    ASSERT_EQ(larval_sas(p.alice()), 1u);
    const xfrm::SaId larval = p.alice().kernel().sas().begin()->first;
    ASSERT_TRUE(p.alice().kernel().delete_sa(larval));
    xfrm::Expire e;
    e.sa = larval;
    e.hard = true;
    p.alice().handle(p.now(), KernelExpire{e}, p.network());
    p.advance(Duration{300000});
    EXPECT_EQ(p.alice().connection("site").failure.kind, FailureKind::timeout);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(SpiAllocation, ACreateChildSaRefusedDeletesItsLarvalSa) {
    auto alice = site_config(kAlice, kBob);
    alice.connections[0].children[0].start = policy::Start::up;
    auto second = alice.connections[0].children[0];
    second.name = "other";  // created with CREATE_CHILD_SA; bob has no such selectors
    second.local_subnets = {*net::Prefix::parse("10.3.0.0/24")};
    alice.connections[0].children.push_back(second);
    Pair p(alice, site_config(kBob, kAlice));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").failure, (Failure{FailureKind::child_refused, "other", wire::notify::ts_unacceptable}));
    EXPECT_EQ(p.alice().connection("site").ike_sas.at(0).children.size(), 1u);
    EXPECT_EQ(larval_sas(p.alice()), 0u);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(SpiAllocation, WithoutAFreeSpiTheChildFailsBeforeIkeAuth) {
    EngineOptions o;
    o.allocate_spi = [](const net::Address&, const net::Address&, xfrm::Proto) -> base::Result<std::uint32_t> {
        return base::fail("allocating esp SPI: No such file or directory", 2);
    };
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice), o);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("cannot reserve an inbound SPI: allocating esp SPI"));
    EXPECT_EQ(p.alice().connection("site").failure, (Failure{FailureKind::child_failed, "net", 0}));
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

// The kernel names an outbound SA by the peer's address and SPI (RFC 4301 4.1). A peer that
// restarted as another identity (so bob's IKE SA with the first stays) and whose kernel hands
// out the same SPI again gets its new CHILD SA refused: bob's old one still sends with that
// SPI, and a second would be refused by the kernel (found by the engine fuzzer).
TEST(SpiAllocation, APeersSpiOfAChildSaWeStillHoldIsRefusedNotInstalledTwice) {
    constexpr Side kCarol{"192.0.2.1", "@carol.example", "10.3.0.0/24"};
    auto bob = site_config(kBob, {kAlice.address, "%any", "10.0.0.0/8"});
    bob.connections[0].remote.host = "%any";
    bob.connections[0].remote.address.reset();
    bob.secrets[0].ids = {*policy::Identity::parse("%any")};
    Pair p(site_config(kAlice, kBob), bob);
    p.up(p.alice(), "site");
    p.run();
    const auto first = child_of(p.alice()).spi_in;
    ASSERT_NE(first, 0u);

    p.alice().restart(site_config(kCarol, kBob));
    p.alice().limit_spis(first, first);
    p.up(p.alice(), "site");
    p.run(Duration{10000});
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
    char spi[16];
    std::snprintf(spi, sizeof spi, "0x%08x", first);
    EXPECT_TRUE(p.bob().logged(std::string("the peer's SPI ") + spi + " is that of CHILD SA net still installed"));
    const xfrm::SaId old_out{p.alice().endpoint().address, first, xfrm::Proto::esp, std::nullopt};
    EXPECT_TRUE(p.bob().kernel().sas().contains(old_out));
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
}
