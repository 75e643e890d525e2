// Proposal syntax: strongSwan keywords in, canonical text out, errors naming the keyword.
#include "ike/policy/proposal.hpp"

#include <gtest/gtest.h>

namespace ike::policy {
namespace {

std::string canonical(std::string_view text, ProtocolId p) {
    auto r = parse_proposal(text, p);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? to_string(*r) : "";
}

std::string error_of(std::string_view text, ProtocolId p) {
    auto r = parse_proposal(text, p);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? "" : r.error().message;
}

TEST(Proposal, ParsesAeadIkeProposal) {
    auto p = parse_proposal("aes256gcm16-prfsha256-x25519", ProtocolId::ike);
    ASSERT_TRUE(p.ok());
    ASSERT_EQ(p->transforms.size(), 3u);
    EXPECT_EQ(p->transforms[0], (Transform{TransformType::encr, 20, 256}));
    EXPECT_EQ(p->transforms[1], (Transform{TransformType::prf, 5, 0}));
    EXPECT_EQ(p->transforms[2], (Transform{TransformType::ke, 31, 0}));
    EXPECT_TRUE(p->is_aead());
}

TEST(Proposal, IkeWithoutPrfTakesPrfFromIntegrity) {
    auto p = parse_proposal("aes128-sha384-modp2048", ProtocolId::ike);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->of(TransformType::prf), (std::vector<Transform>{{TransformType::prf, 6, 0}}));
    EXPECT_EQ(to_string(*p), "aes128-sha384-prfsha384-modp2048");
}

TEST(Proposal, ExplicitPrfIsKept) {
    EXPECT_EQ(canonical("aes256-sha512-prfsha256-ecp384", ProtocolId::ike),
              "aes256-sha512-prfsha256-ecp384");
}

TEST(Proposal, EspWithoutKeNegotiatesNoEsnAndPrintsShortName) {
    auto p = parse_proposal("aes256gcm16", ProtocolId::esp);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->of(TransformType::esn), (std::vector<Transform>{{TransformType::esn, 0, 0}}));
    EXPECT_EQ(to_string(*p), "aes256gcm16");
}

TEST(Proposal, EspWithPfsGroupAndEsn) {
    EXPECT_EQ(canonical("aes128-sha256-x25519-esn", ProtocolId::esp), "aes128-sha256-x25519-esn");
    EXPECT_EQ(canonical("chacha20poly1305-ecp256-esn-noesn", ProtocolId::esp),
              "chacha20poly1305-ecp256-esn-noesn");
}

TEST(Proposal, AhTakesIntegrityOnly) {
    EXPECT_EQ(canonical("sha256-sha512", ProtocolId::ah), "sha256-sha512");
    EXPECT_NE(error_of("aes128-sha256", ProtocolId::ah).find("'aes128'"), std::string::npos);
}

TEST(Proposal, ChaChaCarriesNoKeyLength) {
    auto p = parse_proposal("chacha20poly1305-prfsha512-ecp521", ProtocolId::ike);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->first(TransformType::encr)->key_length, 0);
}

TEST(Proposal, KeywordOrderDoesNotMatter) {
    EXPECT_EQ(parse_proposal("x25519-prfsha256-aes128gcm16", ProtocolId::ike).value(),
              parse_proposal("aes128gcm16-prfsha256-x25519", ProtocolId::ike).value());
}

TEST(Proposal, EveryKeywordRoundTrips) {
    for (std::string_view text :
         {"aes128-aes256-sha256-sha384-sha512-prfsha256-prfsha384-prfsha512-"
          "modp2048-modp3072-modp4096-ecp256-ecp384-ecp521-x25519",
          "aes128gcm16-aes256gcm16-chacha20poly1305-prfsha256-x25519"}) {
        auto p = parse_proposal(text, ProtocolId::ike);
        ASSERT_TRUE(p.ok()) << text;
        EXPECT_EQ(to_string(*p), text);
        EXPECT_EQ(parse_proposal(to_string(*p), ProtocolId::ike).value(), *p);
    }
}

TEST(Proposal, DefaultsRoundTripThroughText) {
    for (ProtocolId p : {ProtocolId::ike, ProtocolId::esp, ProtocolId::ah})
        for (const auto& d : default_proposals(p))
            EXPECT_EQ(parse_proposal(to_string(d), p).value(), d);
}

struct BadProposal {
    const char* text;
    ProtocolId protocol;
    const char* fragment;  // must appear in the error
};

class RejectsBadProposal : public testing::TestWithParam<BadProposal> {};

TEST_P(RejectsBadProposal, NamingTheProblem) {
    const auto& c = GetParam();
    EXPECT_NE(error_of(c.text, c.protocol).find(c.fragment), std::string::npos)
        << error_of(c.text, c.protocol);
}

INSTANTIATE_TEST_SUITE_P(
    Proposal, RejectsBadProposal,
    testing::Values(BadProposal{"aes256-sha1-modp2048", ProtocolId::ike, "'sha1' is not valid in an IKE proposal"},
                    BadProposal{"aes256-sha256-md5", ProtocolId::esp, "'md5' is not a known keyword"},
                    BadProposal{"3des-sha256-modp2048", ProtocolId::ike, "'3des'"},
                    BadProposal{"aes256gcm16-prfsha256-modp1024", ProtocolId::ike, "'modp1024'"},
                    BadProposal{"aes256--sha256", ProtocolId::esp, "stray '-'"},
                    BadProposal{"", ProtocolId::esp, "is empty"},
                    BadProposal{"aes256gcm16-prfsha256", ProtocolId::esp, "'prfsha256' is not valid in an ESP"},
                    BadProposal{"aes256gcm16-prfsha256-x25519-esn", ProtocolId::ike, "'esn' is not valid in an IKE"},
                    BadProposal{"aes256gcm16-aes128-sha256", ProtocolId::esp, "'aes128' mixes AEAD"},
                    BadProposal{"aes256gcm16-sha256", ProtocolId::esp, "'sha256' cannot combine AEAD"},
                    BadProposal{"sha256-aes256gcm16", ProtocolId::esp, "'aes256gcm16' cannot combine AEAD"},
                    BadProposal{"aes128-aes128-sha256", ProtocolId::esp, "'aes128' appears twice"},
                    BadProposal{"aes256", ProtocolId::esp, "no integrity algorithm"},
                    BadProposal{"sha256-x25519", ProtocolId::esp, "no encryption algorithm"},
                    BadProposal{"aes256gcm16-x25519", ProtocolId::ike, "AEAD needs a prf"},
                    BadProposal{"aes256gcm16-prfsha256", ProtocolId::ike, "no key exchange group"},
                    BadProposal{"AES256GCM16", ProtocolId::esp, "'AES256GCM16'"}));

TEST(ProposalDefaults, PutAeadAndModernGroupsFirst) {
    auto ike = default_proposals(ProtocolId::ike);
    ASSERT_EQ(ike.size(), 2u);
    EXPECT_TRUE(ike[0].is_aead());
    EXPECT_EQ(keyword(*ike[0].first(TransformType::encr)), "aes256gcm16");
    EXPECT_EQ(keyword(*ike[0].first(TransformType::ke)), "x25519");
    EXPECT_EQ(keyword(ike[0].of(TransformType::ke)[1]), "ecp256");
}

TEST(ProposalDefaults, EspOffersNoPfsGroup) {
    for (const auto& p : default_proposals(ProtocolId::esp)) EXPECT_FALSE(p.has(TransformType::ke));
    EXPECT_TRUE(default_proposals(ProtocolId::esp)[0].is_aead());
}

TEST(ProposalDefaults, OfferNothingBelowRfc8247) {
    // Every default transform has a keyword: none of SHA-1, MODP-1024, 3DES sneak in.
    for (ProtocolId p : {ProtocolId::ike, ProtocolId::esp, ProtocolId::ah})
        for (const auto& proposal : default_proposals(p))
            for (const auto& t : proposal.transforms)
                EXPECT_EQ(keyword(t).find(':'), std::string::npos) << keyword(t);
}

TEST(Proposal, UnnamedTransformPrintsTypeAndId) {
    EXPECT_EQ(keyword({TransformType::encr, 3, 0}), "1:3");
}

}  // namespace
}  // namespace ike::policy
