// SA negotiation, RFC 7296 2.7 and 3.3.6, responder and initiator side.
#include "ike/policy/negotiation.hpp"

#include <gtest/gtest.h>

namespace ike::policy {
namespace {

std::vector<Proposal> ours(std::initializer_list<std::string_view> texts, ProtocolId p = ProtocolId::ike) {
    std::vector<Proposal> out;
    for (auto t : texts) out.push_back(parse_proposal(t, p).value());
    return out;
}

// The peer's offer, written in our syntax for brevity.
std::vector<OfferedProposal> offer(std::initializer_list<std::string_view> texts,
                                   ProtocolId p = ProtocolId::ike) {
    auto list = ours(texts, p);
    return make_offer(list, base::Bytes{});
}

std::string chosen_name(const Selection& s) {
    if (auto* c = std::get_if<Chosen>(&s)) return to_string(c->proposal);
    if (auto* k = std::get_if<InvalidKe>(&s)) return "invalid-ke:" + std::to_string(static_cast<int>(k->group));
    return "no-proposal-chosen";
}

TEST(Select, ChoosesTheCommonSuite) {
    auto s = select(offer({"aes256gcm16-prfsha256-x25519"}), ours({"aes256gcm16-prfsha256-x25519"}));
    EXPECT_EQ(chosen_name(s), "aes256gcm16-prfsha256-x25519");
}

TEST(Select, ReplyHasOfferedNumberAndOneTransformPerType) {
    auto offered = offer({"aes128-sha256-modp2048", "aes256gcm16-aes128gcm16-prfsha384-prfsha256-ecp256-x25519"});
    auto s = select(offered, ours({"aes128gcm16-prfsha256-x25519"}));
    ASSERT_TRUE(std::holds_alternative<Chosen>(s));
    const auto& reply = std::get<Chosen>(s).reply;
    EXPECT_EQ(reply.number, 2);
    EXPECT_EQ(reply.transforms.size(), 3u);
    EXPECT_EQ(to_string(std::get<Chosen>(s).proposal), "aes128gcm16-prfsha256-x25519");
}

TEST(Select, PrefersOurFirstProposalOverThePeersOrder) {
    auto s = select(offer({"aes128-sha256-x25519", "aes256gcm16-prfsha256-x25519"}),
                    ours({"aes256gcm16-prfsha256-x25519", "aes128-sha256-x25519"}));
    EXPECT_EQ(chosen_name(s), "aes256gcm16-prfsha256-x25519");
    EXPECT_EQ(std::get<Chosen>(s).reply.number, 2);
}

TEST(Select, PrefersOurFirstTransformWithinAType) {
    auto s = select(offer({"aes128gcm16-aes256gcm16-prfsha256-x25519"}),
                    ours({"aes256gcm16-aes128gcm16-prfsha256-x25519"}));
    EXPECT_EQ(chosen_name(s), "aes256gcm16-prfsha256-x25519");
}

TEST(Select, NoCommonCipherIsNoProposalChosen) {
    auto s = select(offer({"aes128-sha256-x25519"}), ours({"aes256gcm16-prfsha256-x25519"}));
    EXPECT_TRUE(std::holds_alternative<NoProposalChosen>(s));
}

TEST(Select, KeyLengthMustMatch) {
    auto s = select(offer({"aes128-sha256-x25519"}), ours({"aes256-sha256-x25519"}));
    EXPECT_TRUE(std::holds_alternative<NoProposalChosen>(s));
}

TEST(Select, ProtocolMustMatch) {
    auto s = select(offer({"aes256gcm16"}, ProtocolId::esp), ours({"aes256gcm16"}, ProtocolId::esp));
    EXPECT_EQ(chosen_name(s), "aes256gcm16");
    auto ah = select(offer({"sha256"}, ProtocolId::ah), ours({"aes256-sha256"}, ProtocolId::esp));
    EXPECT_TRUE(std::holds_alternative<NoProposalChosen>(ah));
}

TEST(Select, KePayloadGroupAcceptedIsTakenFirst) {
    SelectOptions opt{.ke_sent = KeGroup::ecp256};
    auto s = select(offer({"aes256gcm16-prfsha256-x25519-ecp256"}),
                    ours({"aes256gcm16-prfsha256-x25519-ecp256"}), opt);
    EXPECT_EQ(chosen_name(s), "aes256gcm16-prfsha256-ecp256");
}

TEST(Select, KePayloadOfAnotherGroupAsksForOurs) {
    // Peer offers ecp256 and x25519 but guessed ecp256; we accept only x25519.
    SelectOptions opt{.ke_sent = KeGroup::ecp256};
    auto s = select(offer({"aes256gcm16-prfsha256-ecp256-x25519"}), ours({"aes256gcm16-prfsha256-x25519"}), opt);
    ASSERT_TRUE(std::holds_alternative<InvalidKe>(s));
    EXPECT_EQ(std::get<InvalidKe>(s).group, KeGroup::curve25519);
}

TEST(Select, NoCommonGroupIsNoProposalChosen) {
    SelectOptions opt{.ke_sent = KeGroup::modp2048};
    auto s = select(offer({"aes256gcm16-prfsha256-modp2048"}), ours({"aes256gcm16-prfsha256-x25519"}), opt);
    EXPECT_TRUE(std::holds_alternative<NoProposalChosen>(s));
}

TEST(Select, UnknownTransformTypeMakesProposalUnacceptable) {
    auto offered = offer({"aes256gcm16-prfsha256-x25519", "aes256gcm16-prfsha256-x25519"});
    offered[0].transforms.push_back({6, 1, 0, false});  // RFC 7296 3.3.6
    auto s = select(offered, ours({"aes256gcm16-prfsha256-x25519"}));
    ASSERT_TRUE(std::holds_alternative<Chosen>(s));
    EXPECT_EQ(std::get<Chosen>(s).reply.number, 2);
}

TEST(Select, TransformWithUnknownAttributeIsUnacceptable) {
    auto offered = offer({"aes256gcm16-aes128gcm16-prfsha256-x25519"});
    offered[0].transforms[0].unknown_attribute = true;  // the aes256gcm16 transform
    auto s = select(offered, ours({"aes256gcm16-aes128gcm16-prfsha256-x25519"}));
    EXPECT_EQ(chosen_name(s), "aes128gcm16-prfsha256-x25519");
}

TEST(Select, MissingMandatoryTypeIsUnacceptable) {
    auto offered = offer({"aes256gcm16-prfsha256-x25519"});
    offered[0].transforms.pop_back();  // no KE in an IKE proposal
    EXPECT_TRUE(std::holds_alternative<NoProposalChosen>(select(offered, ours({"aes256gcm16-prfsha256-x25519"}))));
}

TEST(Select, IntegNoneInAeadOfferIsEchoed) {
    auto offered = offer({"aes256gcm16"}, ProtocolId::esp);
    offered[0].transforms.push_back({3, 0, 0, false});  // INTEG NONE, RFC 7296 3.3.3
    auto s = select(offered, ours({"aes256gcm16"}, ProtocolId::esp));
    ASSERT_TRUE(std::holds_alternative<Chosen>(s));
    EXPECT_EQ(std::get<Chosen>(s).reply.transforms.size(), 3u);
    EXPECT_EQ(to_string(std::get<Chosen>(s).proposal), "aes256gcm16");
}

TEST(Select, PfsRequiredByUsIsNotMetByOfferWithoutGroup) {
    auto s = select(offer({"aes256gcm16"}, ProtocolId::esp), ours({"aes256gcm16-x25519"}, ProtocolId::esp));
    EXPECT_TRUE(std::holds_alternative<NoProposalChosen>(s));
}

TEST(Select, FirstChildInIkeAuthIgnoresKe) {
    SelectOptions opt{.ignore_ke = true};
    auto s = select(offer({"aes256gcm16-ecp256"}, ProtocolId::esp), ours({"aes256gcm16-x25519"}, ProtocolId::esp), opt);
    EXPECT_EQ(chosen_name(s), "aes256gcm16");
}

TEST(Select, EsnMustBeCommon) {
    auto s = select(offer({"aes256gcm16-esn"}, ProtocolId::esp), ours({"aes256gcm16"}, ProtocolId::esp));
    EXPECT_TRUE(std::holds_alternative<NoProposalChosen>(s));
    auto both = select(offer({"aes256gcm16-esn-noesn"}, ProtocolId::esp), ours({"aes256gcm16"}, ProtocolId::esp));
    EXPECT_EQ(chosen_name(both), "aes256gcm16");
}

TEST(Select, KeepsPeerSpiInReply) {
    auto list = ours({"aes256gcm16"}, ProtocolId::esp);
    auto offered = make_offer(list, base::Bytes{1, 2, 3, 4});
    auto s = select(offered, list);
    EXPECT_EQ(std::get<Chosen>(s).reply.spi, (base::Bytes{1, 2, 3, 4}));
}

TEST(MakeOffer, NumbersProposalsFromOne) {
    auto offered = make_offer(default_proposals(ProtocolId::ike), base::Bytes{});
    ASSERT_EQ(offered.size(), 2u);
    EXPECT_EQ(offered[0].number, 1);
    EXPECT_EQ(offered[1].number, 2);
}

TEST(MakeOffer, CanLeaveOutKeForIkeAuth) {
    auto offered = make_offer(ours({"aes256gcm16-x25519"}, ProtocolId::esp), base::Bytes{}, true);
    for (const auto& t : offered[0].transforms) EXPECT_NE(t.type, 4);
}

TEST(CheckChoice, AcceptsWhatTheResponderSelected) {
    auto mine = ours({"aes256gcm16-aes128gcm16-prfsha256-x25519-ecp256"});
    auto offered = make_offer(mine, base::Bytes{});
    auto s = select(offered, ours({"aes128gcm16-prfsha256-ecp256"}));
    auto r = check_choice(std::get<Chosen>(s).reply, offered);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(to_string(*r), "aes128gcm16-prfsha256-ecp256");
}

TEST(CheckChoice, RejectsATransformWeDidNotOffer) {
    auto offered = make_offer(ours({"aes256gcm16-prfsha256-x25519"}), base::Bytes{});
    auto reply = make_offer(ours({"aes128gcm16-prfsha256-x25519"}), base::Bytes{})[0];
    auto r = check_choice(reply, offered);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("aes128gcm16"), std::string::npos);
}

TEST(CheckChoice, RejectsAnUnofferedProposalNumber) {
    auto offered = make_offer(ours({"aes256gcm16-prfsha256-x25519"}), base::Bytes{});
    auto reply = offered[0];
    reply.number = 2;
    EXPECT_FALSE(check_choice(reply, offered).ok());
}

TEST(CheckChoice, RejectsTwoTransformsOfOneType) {
    auto offered = make_offer(ours({"aes256gcm16-prfsha256-x25519-ecp256"}), base::Bytes{});
    EXPECT_FALSE(check_choice(offered[0], offered).ok());
}

TEST(CheckChoice, RejectsAMissingType) {
    auto offered = make_offer(ours({"aes256gcm16-prfsha256-x25519"}), base::Bytes{});
    auto reply = offered[0];
    reply.transforms.pop_back();
    EXPECT_FALSE(check_choice(reply, offered).ok());
}

TEST(InitiatorKe, PreferredGroupIsOurFirst) {
    EXPECT_EQ(preferred_ke(default_proposals(ProtocolId::ike)), KeGroup::curve25519);
    EXPECT_EQ(preferred_ke(default_proposals(ProtocolId::esp)), std::nullopt);
}

TEST(InitiatorKe, RequestedGroupMustBeOneWeOffered) {
    auto mine = ours({"aes256gcm16-prfsha256-x25519-ecp256"});
    EXPECT_TRUE(offers_ke(mine, KeGroup::ecp256));
    EXPECT_FALSE(offers_ke(mine, KeGroup::modp2048));
}

}  // namespace
}  // namespace ike::policy
