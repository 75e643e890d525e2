#include "xfrm/policy_message.hpp"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>

#include "samples.hpp"

namespace xfrm {
namespace {

using test::ip;
using test::tunnel_policy;

Policy round_trip(const Policy& p, bool update = false) {
    auto m = encode_policy(p, update);
    EXPECT_TRUE(m.ok()) << (m ? "" : m.error().message);
    if (!m) return {};
    EXPECT_EQ(m->nlh().nlmsg_type, update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY);
    auto r = decode_policy(m->nlh());
    EXPECT_TRUE(r.ok() && *r) << (r ? "" : r.error().message);
    return r && *r ? **r : Policy{};
}

TEST(PolicyMessage, EveryDirectionRoundTrips) {
    for (auto dir : {Dir::in, Dir::out, Dir::fwd}) {
        auto p = tunnel_policy(dir);
        EXPECT_EQ(round_trip(p), p) << to_string(dir);
    }
}

TEST(PolicyMessage, UpdateUsesUpdpolicy) {
    auto p = tunnel_policy();
    EXPECT_EQ(round_trip(p, true), p);
}

TEST(PolicyMessage, TransportTemplateLeavesEndpointsAny) {
    auto p = tunnel_policy();
    p.selector = Selector{test::prefix("2001:db8::1/128"), test::prefix("2001:db8::2/128"), 6, 0, 443};
    p.templates = {Template{net::Address::any(net::Family::v6), net::Address::any(net::Family::v6), Proto::esp,
                            Mode::transport, 3, 0}};
    EXPECT_EQ(round_trip(p), p);
}

TEST(PolicyMessage, BlockWithoutTemplatesRoundTrips) {
    auto p = tunnel_policy();
    p.action = Action::block;
    p.templates.clear();
    EXPECT_EQ(round_trip(p), p);
}

TEST(PolicyMessage, NestedTemplatesKeepTheirOrder) {
    auto p = tunnel_policy();
    p.templates.push_back(Template{ip("198.51.100.1"), ip("198.51.100.2"), Proto::ah, Mode::tunnel, 8, 0x99});
    EXPECT_EQ(round_trip(p), p);
}

TEST(PolicyMessage, MarkAndIfIdRoundTrip) {
    auto p = tunnel_policy();
    p.mark = Mark{0x10, 0xf0};
    p.if_id = 4;
    EXPECT_EQ(round_trip(p), p);
}

TEST(PolicyMessage, MoreThanSixTemplatesAreRejected) {
    auto p = tunnel_policy();
    p.templates.assign(7, p.templates.front());
    auto m = encode_policy(p, false);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("out policy 10.1.0.0/24→10.2.0.0/24"), std::string::npos);
}

TEST(PolicyMessage, MixedSelectorFamiliesAreRejected) {
    auto p = tunnel_policy();
    p.selector.dst = test::prefix("2001:db8::/32");
    EXPECT_FALSE(encode_policy(p, false).ok());
}

TEST(PolicyMessage, DeleteCarriesSelectorDirectionMarkAndIfId) {
    auto p = tunnel_policy(Dir::fwd);
    p.mark = Mark{1, 1};
    p.if_id = 2;
    auto m = encode_delete_policy(p.id());
    EXPECT_EQ(m.nlh().nlmsg_type, XFRM_MSG_DELPOLICY);
    const auto* id = static_cast<const xfrm_userpolicy_id*>(mnl_nlmsg_get_payload(&m.nlh()));
    EXPECT_EQ(id->dir, XFRM_POLICY_FWD);
    EXPECT_EQ(id->sel.prefixlen_d, 24);
    auto attrs = parse_attrs(m.nlh(), sizeof(xfrm_userpolicy_id));
    ASSERT_TRUE(attrs.ok());
    EXPECT_NE((*attrs)[XFRMA_MARK], nullptr);
    EXPECT_EQ(mnl_attr_get_u32((*attrs)[XFRMA_IF_ID]), 2u);
}

TEST(PolicyMessage, DumpRequestAsksForAllRecords) {
    auto m = encode_policy_dump();
    EXPECT_EQ(m.nlh().nlmsg_type, XFRM_MSG_GETPOLICY);
    EXPECT_EQ(m.nlh().nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
}

TEST(PolicyMessage, PerSocketPoliciesAreSkipped) {
    auto m = encode_policy(tunnel_policy(), false);
    ASSERT_TRUE(m.ok());
    auto info = *static_cast<const xfrm_userpolicy_info*>(mnl_nlmsg_get_payload(&m->nlh()));
    info.dir = XFRM_POLICY_MAX + XFRM_POLICY_OUT;
    test::RawMessage raw(XFRM_MSG_NEWPOLICY, info);
    auto r = decode_policy(raw.nlh());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
}

TEST(PolicyMessage, DecodeRejectsPartialTemplate) {
    auto m = encode_policy(tunnel_policy(), false);
    ASSERT_TRUE(m.ok());
    auto info = *static_cast<const xfrm_userpolicy_info*>(mnl_nlmsg_get_payload(&m->nlh()));
    test::RawMessage raw(XFRM_MSG_NEWPOLICY, info);
    xfrm_user_tmpl t{};
    raw.attr(XFRMA_TMPL, &t, sizeof t - 4);
    EXPECT_FALSE(decode_policy(raw.nlh()).ok());
}

TEST(PolicyMessage, DecodeRejectsOtherMessageTypes) {
    EXPECT_FALSE(decode_policy(encode_policy_dump().nlh()).ok());
}

}  // namespace
}  // namespace xfrm
