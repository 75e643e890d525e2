#include "xfrm/memory_kernel.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <set>

#include "samples.hpp"

namespace xfrm {
namespace {

using test::gcm_sa;
using test::ip;
using test::tunnel_policy;

TEST(MemoryKernel, AllocatedSpisAreUniqueAndInRange) {
    MemoryKernel k;
    std::set<std::uint32_t> seen;
    for (int i = 0; i < 16; ++i) {
        auto spi = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1, 0x100, 0x10f);
        ASSERT_TRUE(spi.ok());
        EXPECT_GE(*spi, 0x100u);
        EXPECT_LE(*spi, 0x10fu);
        EXPECT_TRUE(seen.insert(*spi).second);
    }
    auto exhausted = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1, 0x100, 0x10f);
    ASSERT_FALSE(exhausted.ok());
    EXPECT_EQ(exhausted.error().code, ENOENT);
}

TEST(MemoryKernel, AllocatedSpiSkipsSpisInUse) {
    MemoryKernel k;
    auto sa = gcm_sa();
    sa.spi = 0x100;
    ASSERT_TRUE(k.add_sa(sa).ok());
    auto spi = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1, 0x100, 0x101);
    ASSERT_TRUE(spi.ok());
    EXPECT_EQ(*spi, 0x101u);
}

TEST(MemoryKernel, AllocatedSpiSkipsSpisAMarkedSaUses) {
    MemoryKernel k;
    auto sa = gcm_sa();
    sa.spi = 0x100;
    sa.mark = Mark{1, 0xff};
    ASSERT_TRUE(k.add_sa(sa).ok());
    auto spi = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1, 0x100, 0x101);
    ASSERT_TRUE(spi.ok());
    EXPECT_EQ(*spi, 0x101u);
}

TEST(MemoryKernel, AllocSpiRejectsBadArguments) {
    MemoryKernel k;
    EXPECT_EQ(k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1, 9, 8).error().code, EINVAL);
    EXPECT_EQ(k.alloc_spi(ip("192.0.2.1"), ip("2001:db8::2"), Proto::esp, 1).error().code, EINVAL);
}

TEST(MemoryKernel, UpdateCompletesTheLarvalSa) {
    MemoryKernel k;
    auto spi = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 7);
    ASSERT_TRUE(spi.ok());
    auto sa = gcm_sa();
    sa.spi = *spi;
    EXPECT_TRUE(k.is_larval(sa.id()));
    ASSERT_TRUE(k.update_sa(sa).ok());
    EXPECT_FALSE(k.is_larval(sa.id()));
    EXPECT_EQ(k.sas().at(sa.id()), sa);
}

TEST(CompleteLarval, FillsTheLarvalSa) {
    MemoryKernel k;
    auto spi = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 0);
    ASSERT_TRUE(spi.ok());
    auto sa = gcm_sa();
    sa.spi = *spi;
    ASSERT_TRUE(complete_larval(k, sa).ok());
    EXPECT_FALSE(k.is_larval(sa.id()));
    EXPECT_EQ(k.sas().at(sa.id()), sa);
    EXPECT_EQ(k.sas().size(), 1u);
}

TEST(CompleteLarval, AddsTheSaWhenTheLarvalSaExpired) {
    MemoryKernel k;
    auto spi = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 0);
    ASSERT_TRUE(spi.ok());
    auto sa = gcm_sa();
    sa.spi = *spi;
    ASSERT_TRUE(k.delete_sa(sa.id()).ok());  // the kernel's acquire timeout
    ASSERT_TRUE(complete_larval(k, sa).ok());
    EXPECT_EQ(k.sas().at(sa.id()), sa);
}

TEST(CompleteLarval, NeverTakesAnSpiAnotherSaHoldsMeanwhile) {
    MemoryKernel k;
    auto spi = k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 0);
    ASSERT_TRUE(spi.ok());
    auto ours = gcm_sa();
    ours.spi = *spi;
    ASSERT_TRUE(k.delete_sa(ours.id()).ok());
    auto other = gcm_sa();
    other.spi = *spi;
    other.reqid = 99;
    ASSERT_TRUE(k.add_sa(other).ok());  // someone took the SPI after the larval SA expired
    ours.reqid = 1;
    auto st = complete_larval(k, ours);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, EEXIST);
    EXPECT_EQ(k.sas().at(other.id()), other);
}

TEST(MemoryKernel, AddingAnExistingSaFailsWithEexist) {
    MemoryKernel k;
    ASSERT_TRUE(k.add_sa(gcm_sa()).ok());
    auto again = k.add_sa(gcm_sa());
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, EEXIST);
    EXPECT_EQ(again.error().message, "adding ESP SA spi 0x0000c1a5 192.0.2.1→192.0.2.2: File exists");
}

TEST(MemoryKernel, MissingSaIsReportedLikeTheKernel) {
    MemoryKernel k;
    auto id = gcm_sa().id();
    EXPECT_EQ(k.update_sa(gcm_sa()).error().code, ESRCH);
    EXPECT_EQ(k.delete_sa(id).error().code, ESRCH);
    auto got = k.get_sa(id);
    ASSERT_FALSE(got.ok());
    EXPECT_TRUE(is_not_found(got.error()));
    EXPECT_EQ(got.error().message.rfind("reading ESP SA spi 0x0000c1a5 to 192.0.2.2: ", 0), 0u);
}

TEST(MemoryKernel, InvalidSaIsRejectedWithContext) {
    MemoryKernel k;
    auto sa = gcm_sa();
    sa.aead.reset();
    auto s = k.add_sa(sa);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, EINVAL);
    EXPECT_EQ(s.error().message.rfind("adding ESP SA", 0), 0u);
    EXPECT_EQ(k.update_sa(sa).error().code, EINVAL);
    EXPECT_TRUE(k.sas().empty());
}

TEST(MemoryKernel, MarkedSaIsFoundOnlyWithItsMark) {
    MemoryKernel k;
    auto sa = gcm_sa();
    sa.mark = Mark{1, 0xff};
    ASSERT_TRUE(k.add_sa(sa).ok());
    EXPECT_FALSE(k.get_sa(SaId{sa.dst, sa.spi, sa.proto, {}}).ok());
    EXPECT_TRUE(k.get_sa(sa.id()).ok());
}

TEST(MemoryKernel, CountersAreSettableAndReadBack) {
    MemoryKernel k;
    auto sa = gcm_sa();
    ASSERT_TRUE(k.add_sa(sa).ok());
    EXPECT_EQ(k.get_sa(sa.id())->counters, Counters{});
    Counters c{4096, 32, 1700000000, 1700000001, 1, 2};
    ASSERT_TRUE(k.set_counters(sa.id(), c).ok());
    auto info = k.get_sa(sa.id());
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->counters, c);
    EXPECT_EQ(info->algorithm, "rfc4106(gcm(aes))");
    EXPECT_EQ(k.set_counters(SaId{ip("192.0.2.9"), 1, Proto::esp, {}}, c).error().code, ESRCH);
}

TEST(MemoryKernel, SaCountersAreThoseGetSaReportsAndZeroWithoutTheSa) {
    MemoryKernel k;
    auto sa = gcm_sa();
    ASSERT_TRUE(k.add_sa(sa).ok());
    EXPECT_EQ(k.sa_counters(sa.id()), Counters{});
    Counters c{4096, 32, 1700000000, 1700000001, 1, 2};
    ASSERT_TRUE(k.set_counters(sa.id(), c).ok());
    EXPECT_EQ(k.sa_counters(sa.id()), k.get_sa(sa.id())->counters);
    ASSERT_TRUE(k.delete_sa(sa.id()).ok());
    EXPECT_EQ(k.sa_counters(sa.id()), Counters{});
}

TEST(MemoryKernel, DeleteRemovesSaAndItsCounters) {
    MemoryKernel k;
    auto sa = gcm_sa();
    ASSERT_TRUE(k.add_sa(sa).ok());
    ASSERT_TRUE(k.set_counters(sa.id(), Counters{1, 1, 0, 0, 0, 0}).ok());
    ASSERT_TRUE(k.delete_sa(sa.id()).ok());
    ASSERT_TRUE(k.add_sa(sa).ok());
    EXPECT_EQ(k.get_sa(sa.id())->counters, Counters{});
}

TEST(MemoryKernel, PoliciesAreKeyedByPolicyId) {
    MemoryKernel k;
    auto out = tunnel_policy(Dir::out);
    auto in = tunnel_policy(Dir::in);
    ASSERT_TRUE(k.add_policy(out).ok());
    ASSERT_TRUE(k.add_policy(in).ok());
    auto marked = out;
    marked.mark = Mark{1, 1};
    ASSERT_TRUE(k.add_policy(marked).ok());
    EXPECT_EQ(k.policies().size(), 3u);
    auto dup = k.add_policy(out);
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, EEXIST);
}

TEST(MemoryKernel, UpdatePolicyCreatesOrReplaces) {
    MemoryKernel k;
    auto p = tunnel_policy();
    ASSERT_TRUE(k.update_policy(p).ok());
    p.priority = 5;
    ASSERT_TRUE(k.update_policy(p).ok());
    auto list = k.list_policies();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->front().priority, 5u);
}

TEST(MemoryKernel, DeletingMissingPolicyFailsWithEnoentAndContext) {
    MemoryKernel k;
    auto s = k.delete_policy(tunnel_policy().id());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ENOENT);
    EXPECT_EQ(s.error().message, "deleting out policy 10.1.0.0/24→10.2.0.0/24: No such file or directory");
}

TEST(MemoryKernel, DeletePolicyRemovesIt) {
    MemoryKernel k;
    ASSERT_TRUE(k.add_policy(tunnel_policy()).ok());
    ASSERT_TRUE(k.delete_policy(tunnel_policy().id()).ok());
    EXPECT_TRUE(k.policies().empty());
}

TEST(MemoryKernel, FlushOwnedRemovesEverythingItAdded) {
    MemoryKernel k;
    ASSERT_TRUE(k.add_sa(gcm_sa()).ok());
    ASSERT_TRUE(k.alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1).ok());
    ASSERT_TRUE(k.add_policy(tunnel_policy()).ok());
    ASSERT_TRUE(k.flush_owned().ok());
    EXPECT_TRUE(k.sas().empty());
    EXPECT_TRUE(k.policies().empty());
}

TEST(MemoryKernel, EmitDeliversToTheHandler) {
    MemoryKernel k;
    k.emit(Expire{});  // no handler yet: dropped
    std::vector<Event> got;
    k.set_event_handler([&](const Event& ev) { got.push_back(ev); });
    Expire ev{gcm_sa().id(), ip("192.0.2.1"), 7, true};
    k.emit(ev);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(std::get<Expire>(got.front()), ev);
}

TEST(MemoryKernel, SpdHashThresholdsStartAtTheKernelsDefaults) {
    MemoryKernel k;
    EXPECT_EQ(*k.spd_hash_thresholds(), (SpdHashThresholds{SpdHashThreshold{32, 32}, SpdHashThreshold{128, 128}}));
}

TEST(MemoryKernel, SettingOneFamilysSpdHashThresholdsLeavesTheOthers) {
    MemoryKernel k;
    ASSERT_TRUE(k.set_spd_hash_thresholds({SpdHashThreshold{24, 32}, std::nullopt}));
    EXPECT_EQ(*k.spd_hash_thresholds(), (SpdHashThresholds{SpdHashThreshold{24, 32}, SpdHashThreshold{128, 128}}));
}

TEST(MemoryKernel, SpdHashThresholdsLongerThanTheAddressFailWithEinvalAndContext) {
    MemoryKernel k;
    auto ok = k.set_spd_hash_thresholds({SpdHashThreshold{24, 40}, std::nullopt});
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, EINVAL);
    EXPECT_NE(ok.error().message.find("setting the SPD hash thresholds IPv4 24/40"), std::string::npos)
        << ok.error().message;
    EXPECT_EQ(k.spd_hash_thresholds()->v4, (SpdHashThreshold{32, 32}));
}

}  // namespace
}  // namespace xfrm
