// Kernel effects name their owner; a failed one fed back as KernelFailed takes the IKE SA
// down cleanly.
#include <gtest/gtest.h>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {
Pair make_pair() { return Pair(site_config(kAlice, kBob), site_config(kBob, kAlice)); }
}  // namespace

TEST(KernelEffects, NameTheirConnectionAndIkeSa) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const auto spi = p.alice().connection("site").ike_sas.at(0).local_spi;
    unsigned kernel_effects = 0;
    for (const auto& e : p.alice().history()) {
        const KernelOwner* owner = nullptr;
        if (const auto* a = std::get_if<AddSa>(&e)) owner = &a->owner;
        if (const auto* a = std::get_if<AddPolicy>(&e)) owner = &a->owner;
        if (!owner) continue;
        ++kernel_effects;
        EXPECT_EQ(owner->connection, "site");
        EXPECT_EQ(owner->ike_spi, spi);
    }
    EXPECT_EQ(kernel_effects, 5u);  // 2 SAs, out/in/fwd policies
}

TEST(KernelFailed, TakesTheIkeSaDownOnBothSides) {
    Pair p = make_pair();
    p.up(p.alice(), "site");
    p.run();
    const auto spi = p.alice().connection("site").ike_sas.at(0).local_spi;
    p.alice().handle(p.now(), KernelFailed{"site", spi, "adding ESP SA: Invalid argument"}, p.network());
    EXPECT_TRUE(p.alice().logged("Invalid argument"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::down);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::down);
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

TEST(KernelFailed, ForAnIkeSaAlreadyGoneOnlyLogs) {
    Pair p = make_pair();
    p.alice().handle(p.now(), KernelFailed{"site", 0x1234, "deleting ESP SA: No such process"}, p.network());
    EXPECT_TRUE(p.alice().logged("No such process"));
    EXPECT_EQ(p.network().sent(), 0u);
}
