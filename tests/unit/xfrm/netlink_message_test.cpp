#include "xfrm/netlink_message.hpp"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>

#include <cstring>

#include "samples.hpp"

namespace xfrm {
namespace {

using test::RawMessage;

TEST(Message, StartsAsARequestWithTheGivenFlags) {
    Message m(XFRM_MSG_GETSA, NLM_F_ACK);
    EXPECT_EQ(m.nlh().nlmsg_type, XFRM_MSG_GETSA);
    EXPECT_EQ(m.nlh().nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(m.size(), NLMSG_HDRLEN);
}

TEST(Message, PutRefusesWhatDoesNotFitAndLeavesTheMessageIntact) {
    Message m(XFRM_MSG_NEWSA, 0);
    m.header<xfrm_usersa_info>();
    auto before = m.size();
    std::vector<std::uint8_t> big(Message::capacity);
    EXPECT_FALSE(m.put(XFRMA_ALG_AEAD, big.data(), big.size()));
    EXPECT_EQ(m.size(), before);
    EXPECT_TRUE(m.put(XFRMA_IF_ID, std::uint32_t{5}));
}

TEST(Message, CopiesAreIndependent) {
    Message a(XFRM_MSG_NEWSA, 0);
    Message b = a;
    EXPECT_TRUE(b.put(XFRMA_IF_ID, std::uint32_t{1}));
    EXPECT_NE(a.size(), b.size());
    a = b;
    EXPECT_EQ(a.size(), b.size());
}

TEST(Attrs, IndexedByTypeAfterTheFixedHeader) {
    RawMessage raw(XFRM_MSG_NEWSA, xfrm_usersa_info{});
    raw.attr(XFRMA_IF_ID, std::uint32_t{77});
    auto attrs = parse_attrs(raw.nlh(), sizeof(xfrm_usersa_info));
    ASSERT_TRUE(attrs.ok());
    EXPECT_EQ(mnl_attr_get_u32((*attrs)[XFRMA_IF_ID]), 77u);
    EXPECT_EQ((*attrs)[XFRMA_MARK], nullptr);
}

TEST(Attrs, RejectAttributeShorterThanItsStructure) {
    RawMessage raw(XFRM_MSG_NEWSA, xfrm_usersa_info{});
    raw.attr(XFRMA_MARK, std::uint32_t{1});  // xfrm_mark is 8 bytes
    EXPECT_FALSE(parse_attrs(raw.nlh(), sizeof(xfrm_usersa_info)).ok());
}

TEST(Attrs, RejectMessageShorterThanItsFixedHeader) {
    RawMessage raw(XFRM_MSG_NEWSA, std::uint32_t{0});
    EXPECT_FALSE(parse_attrs(raw.nlh(), sizeof(xfrm_usersa_info)).ok());
    EXPECT_FALSE(fixed_header<xfrm_usersa_info>(raw.nlh()).ok());
    EXPECT_TRUE(fixed_header<std::uint32_t>(raw.nlh()).ok());
}

TEST(Attrs, IgnoreTypesNewerThanOurHeaders) {
    RawMessage raw(XFRM_MSG_NEWSA, xfrm_usersa_info{});
    raw.attr(XFRMA_MAX + 5, std::uint32_t{1});
    EXPECT_TRUE(parse_attrs(raw.nlh(), sizeof(xfrm_usersa_info)).ok());
}

nlmsgerr error_body(int err) {
    nlmsgerr e{};
    e.error = -err;
    e.msg.nlmsg_len = NLMSG_HDRLEN;
    return e;
}

TEST(Ack, ZeroErrorIsSuccess) {
    RawMessage raw(NLMSG_ERROR, error_body(0));
    auto ack = decode_ack(raw.nlh());
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->error, 0);
}

TEST(Ack, CarriesErrnoAndExtendedAckMessage) {
    RawMessage raw(NLMSG_ERROR, error_body(ESRCH));
    const char text[] = "Requested type not found";
    raw.attr(NLMSGERR_ATTR_MSG, text, sizeof text);
    auto& h = const_cast<nlmsghdr&>(raw.nlh());
    h.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
    auto ack = decode_ack(raw.nlh());
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->error, ESRCH);
    EXPECT_EQ(ack->message, "Requested type not found");
}

TEST(Ack, WithoutTlvsHasNoMessage) {
    RawMessage raw(NLMSG_ERROR, error_body(ENOENT));
    auto ack = decode_ack(raw.nlh());
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->error, ENOENT);
    EXPECT_TRUE(ack->message.empty());
}

TEST(Ack, OtherMessagesAreNotAcks) {
    RawMessage raw(XFRM_MSG_NEWSA, xfrm_usersa_info{});
    EXPECT_FALSE(decode_ack(raw.nlh()).has_value());
}

}  // namespace
}  // namespace xfrm
