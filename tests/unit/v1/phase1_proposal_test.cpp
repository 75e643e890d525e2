// The phase-1 SA payload (RFC 2409 5, Appendix A).
#include <gtest/gtest.h>

#include "ike/v1/phase1_proposal.hpp"

namespace ike::v1 {
namespace {

using namespace std::chrono_literals;

std::vector<policy::Proposal> parse(const char* text) { return {*policy::parse_proposal(text, ProtocolId::ike)}; }

TEST(Phase1Proposal, EachConfiguredCombinationIsOneSuite) {
    const auto suites = phase1_suites(parse("aes128-aes256-sha256-modp2048-x25519"), 3600s);
    ASSERT_EQ(suites.size(), 4u);
    EXPECT_EQ(to_string(suites[0]), "aes128-sha256-modp2048");
    EXPECT_EQ(to_string(suites[3]), "aes256-sha256-x25519");
}

TEST(Phase1Proposal, AeadProposalsHaveNoIkev1Form) {
    EXPECT_TRUE(phase1_suites(parse("aes256gcm16-prfsha256-x25519"), 3600s).empty());
}

TEST(Phase1Proposal, TheOfferCarriesEveryAttributeOfASuite) {
    const auto sa = phase1_offer(phase1_suites(parse("aes256-sha384-ecp384"), 3600s));
    ASSERT_EQ(sa.proposals.size(), 1u);
    EXPECT_EQ(sa.proposals[0].protocol, wire::v1::ProtocolId::isakmp);
    ASSERT_EQ(sa.proposals[0].transforms.size(), 1u);
    const auto& t = sa.proposals[0].transforms[0];
    EXPECT_EQ(t.id, kKeyIke);
    const std::vector<wire::DataAttribute> expected = {
        wire::DataAttribute::tv(attr::encryption, attr::encr_aes_cbc), wire::DataAttribute::tv(attr::key_length, 256),
        wire::DataAttribute::tv(attr::hash, 5), wire::DataAttribute::tv(attr::auth_method, attr::auth_psk),
        wire::DataAttribute::tv(attr::group, 20), wire::DataAttribute::tv(attr::life_type, attr::life_seconds),
        wire::DataAttribute::tv(attr::life_duration, 3600)};
    EXPECT_EQ(t.attributes, expected);
}

TEST(Phase1Proposal, ALifetimeBeyondSixteenBitsIsAVariableLengthAttribute) {
    const auto sa = phase1_offer(phase1_suites(parse("aes256-sha256-modp2048"), 86400s));
    EXPECT_EQ(sa.proposals[0].transforms[0].attributes.back(),
              wire::DataAttribute::tlv(attr::life_duration, {0x00, 0x01, 0x51, 0x80}));
}

TEST(Phase1Proposal, TheResponderAcceptsTheOfferedLifetime) {
    const auto ours = phase1_suites(parse("aes256-sha256-modp2048"), 3600s);
    const auto offer = phase1_offer(phase1_suites(parse("aes256-sha256-modp2048"), 86400s));
    auto choice = choose_phase1(offer, ours);
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->suite.lifetime, 86400s);
    EXPECT_EQ(choice->transform, offer.proposals[0].transforms[0]);
}

TEST(Phase1Proposal, AnUnknownAttributeMakesATransformUnacceptable) {
    const auto ours = phase1_suites(parse("aes256-sha256-modp2048"), 3600s);
    auto offer = phase1_offer(ours);
    offer.proposals[0].transforms[0].attributes.push_back(wire::DataAttribute::tv(5, 1));  // Group Type
    EXPECT_FALSE(choose_phase1(offer, ours));
}

TEST(Phase1Proposal, ATransformWithAnotherAuthenticationMethodIsRefused) {
    const auto ours = phase1_suites(parse("aes256-sha256-modp2048"), 3600s);
    auto offer = phase1_offer(ours);
    offer.proposals[0].transforms[0].attributes[3] = wire::DataAttribute::tv(attr::auth_method, 3);  // RSA
    EXPECT_FALSE(choose_phase1(offer, ours));
    const auto rsa = phase1_suites(parse("aes256-sha256-modp2048"), 3600s, 3);
    ASSERT_TRUE(choose_phase1(offer, rsa));
    EXPECT_EQ(choose_phase1(offer, rsa)->suite.auth, 3);
}

TEST(Phase1Proposal, TheInitiatorRefusesAnAnswerItDidNotOffer) {
    const auto offered = phase1_suites(parse("aes256-sha256-modp2048"), 3600s);
    const auto other = phase1_offer(phase1_suites(parse("aes128-sha256-modp2048"), 3600s));
    EXPECT_FALSE(accept_phase1(phase1_answer(other.proposals[0].transforms[0]), offered));
    const auto same = phase1_offer(offered);
    EXPECT_TRUE(accept_phase1(phase1_answer(same.proposals[0].transforms[0]), offered));
}

}  // namespace
}  // namespace ike::v1
