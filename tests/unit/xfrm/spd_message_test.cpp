#include "xfrm/spd_message.hpp"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>

#include <cerrno>
#include <map>

namespace xfrm {
namespace {

// The SPD attributes of a message, by type, as (lbits, rbits).
std::map<std::uint16_t, std::pair<unsigned, unsigned>> thresholds_of(const Message& m) {
    std::map<std::uint16_t, std::pair<unsigned, unsigned>> got;
    mnl_attr_parse(
        &m.nlh(), sizeof(std::uint32_t),
        [](const nlattr* a, void* data) {
            auto& out = *static_cast<std::map<std::uint16_t, std::pair<unsigned, unsigned>>*>(data);
            const auto h = attr_value<xfrmu_spdhthresh>(a);
            out[mnl_attr_get_type(a)] = {h.lbits, h.rbits};
            return MNL_CB_OK;
        },
        &got);
    return got;
}

TEST(SpdMessage, SettingCarriesOnlyTheFamiliesGiven) {
    auto m = encode_set_spd_hash({SpdHashThreshold{24, 32}, std::nullopt});
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->nlh().nlmsg_type, XFRM_MSG_NEWSPDINFO);
    EXPECT_TRUE(m->nlh().nlmsg_flags & NLM_F_ACK);
    const auto got = thresholds_of(*m);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got.at(XFRMA_SPD_IPV4_HTHRESH), std::make_pair(24u, 32u));
}

TEST(SpdMessage, SettingBothFamiliesCarriesBoth) {
    auto m = encode_set_spd_hash({SpdHashThreshold{32, 32}, SpdHashThreshold{64, 128}});
    ASSERT_TRUE(m) << m.error().message;
    const auto got = thresholds_of(*m);
    EXPECT_EQ(got.at(XFRMA_SPD_IPV4_HTHRESH), std::make_pair(32u, 32u));
    EXPECT_EQ(got.at(XFRMA_SPD_IPV6_HTHRESH), std::make_pair(64u, 128u));
}

TEST(SpdMessage, ThresholdsLongerThanTheAddressAreRefusedBeforeTheKernel) {
    for (const SpdHashThresholds& t : {SpdHashThresholds{SpdHashThreshold{33, 32}, std::nullopt},
                                       SpdHashThresholds{SpdHashThreshold{24, 33}, std::nullopt},
                                       SpdHashThresholds{std::nullopt, SpdHashThreshold{129, 128}}}) {
        auto m = encode_set_spd_hash(t);
        ASSERT_FALSE(m) << describe(t);
        EXPECT_EQ(m.error().code, EINVAL);
    }
}

TEST(SpdMessage, ReadingIsAFlagsOnlyRequest) {
    const auto m = encode_get_spdinfo();
    EXPECT_EQ(m.nlh().nlmsg_type, XFRM_MSG_GETSPDINFO);
    EXPECT_EQ(m.size(), NLMSG_HDRLEN + sizeof(std::uint32_t));
}

// The kernel's reply: counters and bucket sizes first, then both thresholds.
Message reply(bool with_v6) {
    Message m(XFRM_MSG_NEWSPDINFO, 0);
    m.header<std::uint32_t>();
    EXPECT_TRUE(m.put(XFRMA_SPD_INFO, xfrmu_spdinfo{}));
    EXPECT_TRUE(m.put(XFRMA_SPD_HINFO, xfrmu_spdhinfo{7, 1048576}));
    EXPECT_TRUE(m.put(XFRMA_SPD_IPV4_HTHRESH, xfrmu_spdhthresh{24, 32}));
    if (with_v6) {
        EXPECT_TRUE(m.put(XFRMA_SPD_IPV6_HTHRESH, xfrmu_spdhthresh{64, 128}));
    }
    return m;
}

TEST(SpdMessage, TheKernelsReplyGivesBothFamiliesThresholds) {
    auto t = decode_spd_hash(reply(true).nlh());
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(t->v4, (SpdHashThreshold{24, 32}));
    EXPECT_EQ(t->v6, (SpdHashThreshold{64, 128}));
}

TEST(SpdMessage, AReplyWithoutBothThresholdsIsAnError) {
    EXPECT_FALSE(decode_spd_hash(reply(false).nlh()));
}

}  // namespace
}  // namespace xfrm
