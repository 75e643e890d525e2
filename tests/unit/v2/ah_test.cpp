// AH CHILD SAs (protocol: ah): negotiated with protocol ID AH (RFC 7296 3.3.1), keyed with
// integrity keys only (2.17), rekeyed with REKEY_SA naming AH (3.10) and the old pair
// deleted with a Delete payload of protocol AH (3.11).
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

policy::Config ah_config(const Side& local, const Side& remote, policy::Mode mode, const char* proposal) {
    auto c = site_config(local, remote);
    for (auto& child : c.connections.at(0).children) {
        child.protocol = ProtocolId::ah;
        child.proposals = {*policy::parse_proposal(proposal, ProtocolId::ah)};
        child.mode = mode;
    }
    return c;
}

std::unique_ptr<Pair> ah_pair(policy::Mode mode = policy::Mode::tunnel, const char* proposal = "sha256") {
    auto p = std::make_unique<Pair>(ah_config(kAlice, kBob, mode, proposal), ah_config(kBob, kAlice, mode, proposal));
    p->up(p->alice(), "site");
    p->run();
    return p;
}

ChildStatus only_child(Peer& peer) {
    const auto c = peer.connection("site");
    EXPECT_EQ(c.ike_sas.size(), 1u);
    EXPECT_EQ(c.ike_sas.at(0).children.size(), 1u);
    return c.ike_sas.at(0).children.at(0);
}

const xfrm::Sa& kernel_sa(Peer& peer, std::uint32_t spi) {
    for (const auto& [id, sa] : peer.kernel().sas())
        if (id.spi == spi) return sa;
    ADD_FAILURE() << peer.name() << " has no SA with SPI " << spi;
    static const xfrm::Sa none;
    return none;
}

// Each kernel holds exactly the child's pair, AH with HMAC-SHA-256-128 and no cipher, and
// what one side sends with is the key the other checks with.
void expect_ah_pair(Pair& p) {
    const auto a = only_child(p.alice()), b = only_child(p.bob());
    EXPECT_EQ(a.protocol, xfrm::Proto::ah);
    EXPECT_EQ(b.protocol, xfrm::Proto::ah);
    EXPECT_EQ(a.spi_in, b.spi_out);
    EXPECT_EQ(a.spi_out, b.spi_in);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
    for (auto* peer : {&p.alice(), &p.bob()})
        for (const auto& [id, sa] : peer->kernel().sas()) {
            EXPECT_EQ(id.proto, xfrm::Proto::ah);
            EXPECT_FALSE(sa.aead || sa.cipher);
            ASSERT_TRUE(sa.integ);
            EXPECT_EQ(sa.integ->name, "hmac(sha256)");
            EXPECT_EQ(sa.integ->trunc_bits, 128u);
            EXPECT_EQ(sa.integ->key.size(), 32u);
        }
    EXPECT_EQ(kernel_sa(p.alice(), a.spi_out).integ, kernel_sa(p.bob(), b.spi_in).integ);
    EXPECT_EQ(kernel_sa(p.bob(), b.spi_out).integ, kernel_sa(p.alice(), a.spi_in).integ);
    EXPECT_NE(kernel_sa(p.alice(), a.spi_out).integ, kernel_sa(p.alice(), a.spi_in).integ);
}

TEST(AhChild, TunnelChildIsInstalledAsAhSasWithIntegrityKeysOnly) {
    auto p = ah_pair();
    expect_ah_pair(*p);
    EXPECT_EQ(only_child(p->alice()).proposal, "sha256");
}

TEST(AhChild, PoliciesSendThroughAhTemplates) {
    auto p = ah_pair();
    for (auto* peer : {&p->alice(), &p->bob()}) {
        EXPECT_EQ(peer->kernel().policies().size(), 3u);
        for (const auto& [id, policy] : peer->kernel().policies()) {
            ASSERT_EQ(policy.templates.size(), 1u);
            EXPECT_EQ(policy.templates[0].proto, xfrm::Proto::ah);
        }
    }
}

TEST(AhChild, TransportChildIsInstalledInTransportMode) {
    auto p = ah_pair(policy::Mode::transport);
    expect_ah_pair(*p);
    for (const auto& [id, sa] : p->alice().kernel().sas()) EXPECT_EQ(sa.mode, xfrm::Mode::transport);
}

// The responder finds the AH pair the REKEY_SA names and, once the new pair is up, the
// Delete of the old one: each kernel is left with the new AH pair alone.
TEST(AhChild, RekeyReplacesThePairAndDeletesTheOldAhSas) {
    auto p = ah_pair();
    const auto before = only_child(p->alice());
    p->soft_expire(p->alice(), before.spi_in);
    p->run();
    EXPECT_FALSE(p->bob().logged("CHILD_SA_NOT_FOUND"));
    EXPECT_NE(only_child(p->alice()).spi_in, before.spi_in);
    expect_ah_pair(*p);
}

TEST(AhChild, ResponderRekeyAlsoDeletesTheOldAhSas) {
    auto p = ah_pair();
    const auto before = only_child(p->bob());
    p->soft_expire(p->bob(), before.spi_in);
    p->run();
    EXPECT_NE(only_child(p->bob()).spi_in, before.spi_in);
    expect_ah_pair(*p);
}

// 1.3.3: a CREATE_CHILD_SA KE adds g^ir to the keymat; the AH pair still takes integrity keys only.
TEST(AhChild, RekeyWithPfsKeepsAnIntegrityOnlyPair) {
    auto p = ah_pair(policy::Mode::tunnel, "sha256-x25519");
    const auto before = only_child(p->alice());
    p->soft_expire(p->alice(), before.spi_in);
    p->run();
    EXPECT_NE(only_child(p->alice()).spi_in, before.spi_in);
    EXPECT_EQ(only_child(p->alice()).proposal, "sha256-x25519");
    expect_ah_pair(*p);
}

}  // namespace
