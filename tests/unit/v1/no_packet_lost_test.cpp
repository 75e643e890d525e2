// Quick Mode loses no packet (RFC 2409 5.5): at every moment of a first Quick Mode and of a
// rekey by either side, what either kernel sends with the other's kernel can decrypt (the
// initiator sends on its new pair as soon as it has QM2, before the responder has read QM3);
// and a Quick Mode that never completes leaves no SA behind. Like ChildRekey.NoPacketIsLost*
// in tests/unit/v2/rekey_test.cpp.
#include <gtest/gtest.h>

#include "tests/unit/v1/harness.hpp"

namespace ike::v1::test {
namespace {

using wire::v1::ExchangeType;

// The SPI `from`'s kernel sends with: of the outbound SAs it holds, the one added last (XFRM
// picks the newest valid SA matching the policy's template); none before the first pair.
std::optional<std::uint32_t> sending_spi(Peer& from) {
    std::optional<std::uint32_t> newest;
    for (const auto& e : from.history())
        if (const auto* a = std::get_if<engine::AddSa>(&e);
            a && a->sa.src == from.endpoint().address && from.kernel().sas().contains(a->sa.id()))
            newest = a->sa.spi;
    return newest;
}

bool receives_on(Peer& to, std::uint32_t spi) {
    return to.kernel().sas().contains({to.endpoint().address, spi, xfrm::Proto::esp, std::nullopt});
}

std::uint32_t inbound_spi(const Peer& p) {
    const auto c = p.connection("site");
    return c.ike_sas.empty() || c.ike_sas[0].children.empty() ? 0 : c.ike_sas[0].children[0].spi_in;
}

std::uint32_t reqid(const Peer& p) {
    for (const auto& e : p.history())
        if (const auto* a = std::get_if<engine::AddSa>(&e)) return a->sa.reqid;
    return 0;
}

// `p` has a pair installed (its IpsecSa, not just an SA) that receives on `spi`.
bool installed_pair(const Peer& p, std::uint32_t spi) {
    for (const auto& sa : p.connection("site").ike_sas)
        for (const auto& c : sa.children)
            if (c.spi_in == spi) return true;
    return false;
}

// Watches both kernels from now on; the first moment one side sends with an SA the other
// does not hold is named in `lost`.
struct Watch {
    unsigned moments = 0;
    std::string lost;

    explicit Watch(Pair& p) {
        p.watch([this, &p] {
            ++moments;
            for (auto [from, to] : {std::pair{&p.alice(), &p.bob()}, std::pair{&p.bob(), &p.alice()}}) {
                const auto spi = sending_spi(*from);
                if (lost.empty() && spi && !receives_on(*to, *spi))
                    lost = (from == &p.alice() ? "alice" : "bob") + std::string(" sends with an SA the other does not hold, at moment ") +
                           std::to_string(moments);
            }
        });
    }
};

void expect_clean_kernels(Pair& p) {
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
}

TEST(NoPacketIsLost, InTheFirstQuickMode) {
    Pair p(v1_site(true), v1_site(false));
    Watch w(p);
    p.up(p.alice(), "site");
    p.run();
    p.watch(nullptr);
    EXPECT_EQ(w.lost, "");
    EXPECT_GE(w.moments, 9u);  // MM1..MM6, QM1..QM3
    ASSERT_NE(inbound_spi(p.bob()), 0u);
    EXPECT_TRUE(sending_spi(p.alice()) && *sending_spi(p.alice()) == inbound_spi(p.bob()));
    expect_clean_kernels(p);
}

void expect_rekey_loses_nothing(bool alice_rekeys) {
    Pair p(v1_site(true), v1_site(false));
    p.up(p.alice(), "site");
    p.run();
    Peer& who = alice_rekeys ? p.alice() : p.bob();
    const auto before = inbound_spi(who);
    Watch w(p);
    p.expire(who, before, reqid(who), false);
    p.run();
    p.watch(nullptr);
    EXPECT_EQ(w.lost, "");
    EXPECT_GE(w.moments, 4u);  // QM1..QM3 and the Delete of the old pair
    EXPECT_NE(inbound_spi(who), before);
    // The old pair is gone from both kernels: one SA each way.
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
    expect_clean_kernels(p);
}

TEST(NoPacketIsLost, WhenTheInitiatorRekeys) { expect_rekey_loses_nothing(true); }
TEST(NoPacketIsLost, WhenTheResponderRekeys) { expect_rekey_loses_nothing(false); }

// bob answering alice's rekey as strongSwan's charon does: he installs the new pair, both
// SAs, only when he reads QM3 (not his inbound SA with QM2, as we do), and QM3 is `late`
// or lost `lost` times before it arrives (alice's first QM datagram from now on is QM1).
// `lost` says, at the first moment it happens, that alice sends with an SA of a pair bob
// has not installed yet.
std::string rekey_against_charon(engine::Duration late, unsigned lost) {
    Pair p(v1_site(true), v1_site(false));
    p.up(p.alice(), "site");
    p.run();
    const auto alice = p.alice().endpoint();
    auto qm_sent = std::make_shared<unsigned>(0);
    p.network().set_rule([=](const v2::test::Datagram& d, std::uint64_t) {
        const bool qm = d.bytes.size() > 18 && d.bytes[18] == static_cast<std::uint8_t>(ExchangeType::quick_mode);
        if (!qm || d.from != alice || (*qm_sent)++ == 0) return v2::test::Fate{};
        return *qm_sent - 1 <= lost ? v2::test::Fate{.copies = 0} : v2::test::Fate{.delay = late};
    });
    std::string what;
    p.watch([&] {
        const auto spi = sending_spi(p.alice());
        if (what.empty() && spi && !installed_pair(p.bob(), *spi))
            what = "alice sends with spi " + std::to_string(*spi) + " before bob read QM3";
    });
    p.expire(p.alice(), inbound_spi(p.alice()), reqid(p.alice()), false);
    p.run();
    p.watch(nullptr);
    EXPECT_NE(*sending_spi(p.alice()), 0u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);  // the old pair deleted, the new one in
    expect_clean_kernels(p);
    return what;
}

TEST(NoPacketIsLost, WhenTheInitiatorRekeysWithAResponderThatInstallsOnQm3) {
    EXPECT_EQ(rekey_against_charon(std::chrono::milliseconds(300), 0), "");
}

TEST(NoPacketIsLost, WhenTheInitiatorRekeysWithAResponderThatInstallsOnQm3AndTheFirstQm3IsLost) {
    EXPECT_EQ(rekey_against_charon(std::chrono::milliseconds(1), 1), "");
}

// alice's QM3 never reaches bob (the network drops every Quick Mode datagram of hers but QM1).
void lose_qm3(Pair& p) {
    auto sent = std::make_shared<unsigned>(0);
    const auto alice = p.alice().endpoint();
    p.network().set_rule([sent, alice](const v2::test::Datagram& d, std::uint64_t) {
        const bool qm = d.bytes.size() > 18 && d.bytes[18] == static_cast<std::uint8_t>(ExchangeType::quick_mode);
        return v2::test::Fate{.copies = qm && d.from == alice && (*sent)++ > 0 ? 0u : 1u};
    });
}

TEST(QuickModeNotCompleted, TheResponderGivingUpRemovesTheInboundSaOfQm2) {
    Pair p(v1_site(true), v1_site(false));
    lose_qm3(p);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.bob().logged("not completed: inbound spi"));
    EXPECT_TRUE(p.bob().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().policies().empty());
    expect_clean_kernels(p);
}

TEST(QuickModeNotCompleted, TheIsakmpSaGoingRemovesTheInboundSaOfQm2) {
    Pair p(v1_site(true), v1_site(false));
    lose_qm3(p);
    p.up(p.alice(), "site");
    p.advance(std::chrono::seconds(1));  // QM2 sent, QM3 lost, bob not given up yet
    ASSERT_EQ(p.bob().kernel().sas().size(), 1u);
    p.down(p.bob(), "site");
    EXPECT_TRUE(p.bob().kernel().sas().empty());
    expect_clean_kernels(p);
}

// Found by ikev1-engine-fuzz: the kernel removed the inbound SA of QM2 at its hard lifetime
// before QM3 came; the Quick Mode ends without deleting it a second time.
TEST(QuickModeNotCompleted, AHardExpiryOfTheInboundSaOfQm2EndsItWithoutDeletingItAgain) {
    Pair p(v1_site(true), v1_site(false));
    lose_qm3(p);
    p.up(p.alice(), "site");
    p.advance(std::chrono::seconds(1));
    ASSERT_EQ(p.bob().kernel().sas().size(), 1u);
    const std::uint32_t spi = p.bob().kernel().sas().begin()->first.spi;
    const std::uint32_t held = p.bob().kernel().sas().begin()->second.reqid;
    p.expire(p.bob(), spi, held, true);
    EXPECT_TRUE(p.bob().logged("expired before QM3"));
    p.run();
    EXPECT_TRUE(p.bob().kernel().sas().empty());
    expect_clean_kernels(p);
}

}  // namespace
}  // namespace ike::v1::test
