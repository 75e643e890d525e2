#include "daemon/spd_hash.hpp"

#include <gtest/gtest.h>

#include "xfrm/memory_kernel.hpp"

namespace {

using xfrm::SpdHashThreshold;
using xfrm::SpdHashThresholds;

TEST(SpdHash, WithoutThresholdsAskedForTheKernelsAreLeftAlone) {
    xfrm::MemoryKernel kernel;
    ASSERT_TRUE(kernel.set_spd_hash_thresholds({SpdHashThreshold{16, 16}, std::nullopt}));  // someone else's
    auto applied = ipsecd::apply_spd_hash_thresholds(kernel, {std::nullopt, std::nullopt});
    ASSERT_TRUE(applied) << applied.error().message;
    EXPECT_FALSE(*applied);
    EXPECT_EQ(kernel.spd_hash_thresholds()->v4, (SpdHashThreshold{16, 16}));
}

TEST(SpdHash, TheThresholdsAskedForAreInForceAndBothFamiliesAreReported) {
    xfrm::MemoryKernel kernel;
    auto applied = ipsecd::apply_spd_hash_thresholds(kernel, {SpdHashThreshold{24, 32}, std::nullopt});
    ASSERT_TRUE(applied) << applied.error().message;
    ASSERT_TRUE(*applied);
    EXPECT_EQ(**applied, (SpdHashThresholds{SpdHashThreshold{24, 32}, SpdHashThreshold{128, 128}}));
    EXPECT_EQ(*kernel.spd_hash_thresholds(), **applied);
}

TEST(SpdHash, TheKernelsRefusalIsReportedWithWhatWasAsked) {
    xfrm::MemoryKernel kernel;
    auto applied = ipsecd::apply_spd_hash_thresholds(kernel, {std::nullopt, SpdHashThreshold{129, 128}});
    ASSERT_FALSE(applied);
    EXPECT_NE(applied.error().message.find("IPv6 129/128"), std::string::npos) << applied.error().message;
}

}  // namespace
