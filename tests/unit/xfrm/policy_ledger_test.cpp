// The policy ledger (xfrm/policy_ledger.hpp) in front of the in-memory kernel: every owner's
// wish per policy, the latest one installed, the policy deleted only with the last wish.
#include "xfrm/policy_ledger.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "samples.hpp"
#include "xfrm/memory_kernel.hpp"

namespace xfrm {
namespace {

using test::ip;
using test::tunnel_policy;

constexpr PolicyLedger::Owner kFirst = 0, kSecond = 1;

// The out policy 10.1/24 -> 10.2/24 sending to `reqid`, for port `port` (0: any).
Policy wish(std::uint32_t reqid, std::uint16_t port = 0) {
    auto p = tunnel_policy();
    p.selector.dport = port;
    p.templates.at(0).reqid = reqid;
    return p;
}

struct Ledger : ::testing::Test {
    MemoryKernel kernel;
    PolicyLedger ledger{kernel};
    unsigned failures = 0;
    Kernel::Done counted() {
        return [this](const Status& s) { failures += s ? 0 : 1; };
    }
    std::uint32_t installed_reqid() const { return kernel.policies().at(wish(0).id()).templates.at(0).reqid; }
};

TEST_F(Ledger, APolicyTwoOwnersWantStaysInstalledWithTheSecondOwnersWishWhenTheFirstDropsItsOwn) {
    ledger.want(kFirst, wish(7), false, counted());
    ledger.want(kSecond, wish(8), false, counted());
    ledger.want(kFirst, wish(9), false, counted());  // the first owner's latest: installed
    ledger.drop(kFirst, wish(0).id(), counted());
    ASSERT_EQ(kernel.policies().size(), 1u);
    EXPECT_EQ(installed_reqid(), 8u);
    EXPECT_EQ(failures, 0u);
}

TEST_F(Ledger, TheLatestWishIsTheOneInstalled) {
    ledger.want(kFirst, wish(7), false, counted());
    ledger.want(kSecond, wish(8), false, counted());
    EXPECT_EQ(installed_reqid(), 8u);
    ledger.want(kFirst, wish(9), false, counted());
    EXPECT_EQ(installed_reqid(), 9u);
    EXPECT_EQ(failures, 0u);  // a wish beside another updates in place: no EEXIST
}

TEST_F(Ledger, DroppingAnEarlierWishLeavesTheLatestInstalled) {
    ledger.want(kFirst, wish(7), false, counted());
    ledger.want(kSecond, wish(8), false, counted());
    ledger.drop(kFirst, wish(0).id(), counted());
    EXPECT_EQ(installed_reqid(), 8u);
    EXPECT_EQ(failures, 0u);
}

TEST_F(Ledger, TheLastOwnersDropDeletesThePolicyFromTheKernel) {
    ledger.want(kFirst, wish(7), false, counted());
    ledger.want(kSecond, wish(8), false, counted());
    ledger.drop(kSecond, wish(0).id(), counted());
    ledger.drop(kFirst, wish(0).id(), counted());
    EXPECT_TRUE(kernel.policies().empty());
    EXPECT_TRUE(ledger.installed().empty());
    EXPECT_EQ(failures, 0u);
}

TEST_F(Ledger, AnOwnerDroppingAPolicyItNeverWishedForChangesNothing) {
    ledger.want(kFirst, wish(7), false, counted());
    ledger.drop(kSecond, wish(0).id(), counted());
    ledger.drop(kSecond, wish(0, 443).id(), counted());  // no owner at all
    ASSERT_EQ(kernel.policies().size(), 1u);
    EXPECT_EQ(installed_reqid(), 7u);
    EXPECT_EQ(failures, 0u);
}

TEST_F(Ledger, AFirstWishTheCallerKnowsIsThereUpdatesItInPlace) {
    ASSERT_TRUE(kernel.add_policy(wish(5)).ok());  // a predecessor's leftover, taken over
    ledger.want(kFirst, wish(7), true, counted());
    EXPECT_EQ(installed_reqid(), 7u);
    EXPECT_EQ(failures, 0u);
}

TEST_F(Ledger, AWishTheKernelRefusesNowIsNotKeptSoItsOwnersDropLeavesAnotherProgramsPolicyAlone) {
    ASSERT_TRUE(kernel.add_policy(wish(5)).ok());  // another program's
    EXPECT_FALSE(ledger.want_now(kFirst, wish(7)));  // EEXIST
    EXPECT_TRUE(ledger.installed().empty());
    EXPECT_TRUE(ledger.drop_now(kFirst, wish(0).id()));
    EXPECT_EQ(installed_reqid(), 5u);
}

TEST_F(Ledger, AWishMadeNowBesideAnotherOwnersStaysWhenThatOwnerDropsItsOwn) {
    ledger.want(kFirst, wish(7), false, counted());
    ASSERT_TRUE(ledger.want_now(kSecond, wish(8)));
    EXPECT_EQ(installed_reqid(), 8u);
    ledger.drop(kFirst, wish(0).id(), counted());
    EXPECT_EQ(installed_reqid(), 8u);
    EXPECT_TRUE(ledger.drop_now(kSecond, wish(0).id()));
    EXPECT_TRUE(kernel.policies().empty());
    EXPECT_EQ(failures, 0u);
}

// A MOBIKE move of the first owner's policy, 192.0.2.1 -> 192.0.2.2 becoming 198.51.100.9 ->
// 192.0.2.2 (RFC 4555 3.5).
Migration moved_away(std::uint32_t reqid) {
    return {wish(0).id(), Proto::esp, Mode::tunnel, reqid, ip("192.0.2.1"), ip("192.0.2.2"), ip("198.51.100.9"),
            ip("192.0.2.2"), 0, std::nullopt};
}

TEST_F(Ledger, AMovedWishIsPutBackWithItsNewEndpointsWhenALaterOwnerDropsItsOwn) {
    ledger.want(kFirst, wish(7), false, counted());
    ASSERT_TRUE(ledger.migrate(kFirst, moved_away(7)).ok());
    ledger.want(kSecond, wish(8), false, counted());
    ledger.drop(kSecond, wish(0).id(), counted());
    const auto& t = kernel.policies().at(wish(0).id()).templates.at(0);
    EXPECT_EQ(t.reqid, 7u);
    EXPECT_EQ(t.src, ip("198.51.100.9"));  // not back towards the old mapping, where no SA is
    EXPECT_EQ(kernel.policies(), ledger.installed());
    EXPECT_EQ(failures, 0u);
}

TEST_F(Ledger, AMoveTheKernelRefusesLeavesTheWishWhereItWas) {
    ledger.want(kFirst, wish(7), false, counted());
    EXPECT_FALSE(ledger.migrate(kFirst, moved_away(9)).ok());  // no template of reqid 9
    EXPECT_EQ(kernel.policies().at(wish(0).id()).templates.at(0).src, ip("192.0.2.1"));
    EXPECT_EQ(kernel.policies(), ledger.installed());
}

// Two owners on two threads, each wanting every policy and dropping its half (the first the
// even ports, the second the odd ones): however their calls interleave, the kernel ends equal
// to the ledger's latest wishes, each policy carrying the wish of the owner that kept it.
TEST_F(Ledger, WishesFromTwoThreadsLeaveTheKernelEqualToTheLedgersLatestWishes) {
    constexpr std::uint16_t kPorts = 200;
    std::atomic<unsigned> failed{0};
    std::latch start(2);
    auto run = [&](PolicyLedger::Owner owner) {
        const Kernel::Done done = [&](const Status& s) { failed += s ? 0 : 1; };
        start.arrive_and_wait();
        for (std::uint16_t port = 1; port <= kPorts; ++port) ledger.want(owner, wish(100 + owner, port), false, done);
        for (std::uint16_t port = 1; port <= kPorts; ++port)
            if (port % 2 == owner) ledger.drop(owner, wish(0, port).id(), done);
    };
    std::thread first(run, kFirst), second(run, kSecond);
    first.join();
    second.join();
    EXPECT_EQ(failed.load(), 0u);
    EXPECT_EQ(kernel.policies(), ledger.installed());
    ASSERT_EQ(kernel.policies().size(), kPorts);
    for (const auto& [id, p] : kernel.policies())
        EXPECT_EQ(p.templates.at(0).reqid, 100u + (id.selector.dport % 2 == kFirst ? kSecond : kFirst));
}

}  // namespace
}  // namespace xfrm
