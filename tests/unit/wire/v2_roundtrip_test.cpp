// IKEv2: every payload survives encode -> decode unchanged, and real-looking messages
// round-trip byte for byte (RFC 7296 section 3).
#include <gtest/gtest.h>

#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"
#include "ike/wire/samples.hpp"
#include "tests/unit/wire/support.hpp"

using namespace ike;
using namespace ike::wire;
using wire_test::hex;

namespace {

struct PayloadCase {
    const char* name;
    Payload payload;
};

std::vector<PayloadCase> one_of_each() {
    std::vector<PayloadCase> cases;
    auto add = [&](const char* name, Payload p) { cases.push_back({name, std::move(p)}); };
    auto init = samples::ike_sa_init_request();
    add("SA", init.payloads[0]);
    add("KE", init.payloads[1]);
    add("Nonce", init.payloads[2]);
    add("NotifyNatDetection", init.payloads[3]);
    add("VendorId", init.payloads[7]);
    auto auth = samples::ike_auth_inner();
    add("IDi", auth[0]);
    add("CERTREQ", auth[2]);
    add("AUTH", auth[3]);
    add("CPRequest", auth[4]);
    add("SAEsp", auth[5]);
    add("TSiIpv4AndIpv6", auth[6]);
    add("TSr", auth[7]);
    auto info = samples::informational_inner();
    add("DeleteEsp", info[0]);
    add("DeleteIke", info[1]);
    add("CERT", info[2]);
    add("IDrIpv4", info[3]);
    add("EAP", info[4]);
    add("CPReply", info[5]);
    add("NotifyWithSpi", info[7]);
    add("IDrIpv6", IdR{IdType::ipv6_addr, samples::pattern(16, 1)});
    add("IDiDn", IdI{IdType::der_asn1_dn, samples::pattern(40, 2)});
    add("IDiKeyId", IdI{IdType::key_id, samples::pattern(8, 3)});
    add("IDiEmail", IdI{IdType::rfc822_addr, {'a', '@', 'b'}});
    add("UnknownNonCritical", UnknownPayload{200, false, {1, 2, 3}});
    add("CPAllAttributeSizes", Configuration{CfgType::reply, {{CfgAttr::internal_ip4_netmask, {255, 255, 255, 0}},
                                                              {CfgAttr::internal_ip4_subnet, samples::pattern(8, 0)},
                                                              {CfgAttr::internal_ip6_dns, samples::pattern(16, 0)},
                                                              {CfgAttr::supported_attributes, {0, 1, 0, 3}},
                                                              {CfgAttr::application_version, {'x'}}}});
    return cases;
}

class PayloadRoundTrip : public testing::TestWithParam<PayloadCase> {};

}  // namespace

TEST_P(PayloadRoundTrip, DecodesToTheEncodedValue) {
    std::vector<Payload> chain{GetParam().payload};
    auto bytes = encode_payloads(chain);
    auto decoded = decode_payloads(first_payload_type(chain), bytes);
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, chain);
    EXPECT_EQ(encode_payloads(*decoded), bytes);
}

INSTANTIATE_TEST_SUITE_P(EveryPayload, PayloadRoundTrip, testing::ValuesIn(one_of_each()),
                         wire_test::CaseName{});

TEST(Ikev2Message, IkeSaInitRequestRoundTripsByteForByte) {
    auto m = samples::ike_sa_init_request();
    auto bytes = encode(m);
    auto decoded = decode_message(bytes);
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, m);
    EXPECT_EQ(encode(*decoded), bytes);
}

TEST(Ikev2Message, IkeSaInitResponseRoundTrips) {
    auto m = samples::ike_sa_init_response();
    auto decoded = decode_message(encode(m));
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, m);
}

TEST(Ikev2Message, HeaderIsLaidOutAsRfc7296Section3_1) {
    auto bytes = encode(samples::ike_sa_init_request());
    // SPIi, SPIr = 0, Next Payload SA (33), version 2.0, IKE_SA_INIT (34), I flag, Message ID 0.
    EXPECT_EQ(base::to_hex(base::ByteView(bytes).first(24)), "5f1d2c3b4a5968770000000000000000" "21202208" "00000000");
    EXPECT_EQ(bytes[24] << 24 | bytes[25] << 16 | bytes[26] << 8 | bytes[27], static_cast<int>(bytes.size()));
}

TEST(Ikev2Message, SaPayloadMatchesHandAssembledBytes) {
    // One IKE proposal, ENCR_AES_CBC with Key Length 128 (TV), PRF_HMAC_SHA2_256.
    Proposal p{1, ProtocolId::ike, {}, {{TransformType::encr, 12, {DataAttribute::tv(kAttrKeyLength, 128)}},
                                        {TransformType::prf, 5, {}}}};
    std::vector<Payload> chain{SecurityAssociation{{p}}};
    EXPECT_EQ(encode_payloads(chain), hex("00000020"                      // SA header, 32 bytes
                                          "0000001c 01010002"             // last proposal, 28 bytes, #1 IKE, 2 transforms
                                          "0300000c 0100000c 800e0080"    // more, ENCR 12, KeyLength 128
                                          "00000008 02000005"));          // last, PRF 5
}

TEST(Ikev2Message, IkeAuthKeepsSkBodyOpaqueWithFirstInnerType) {
    auto m = samples::ike_auth_request();
    auto decoded = decode_message(encode(m));
    ASSERT_TRUE(decoded) << decoded.error().what;
    const auto& sk = std::get<Encrypted>(decoded->payloads.back());
    EXPECT_EQ(sk.first_inner, PayloadType::id_i);
    EXPECT_EQ(sk.body, std::get<Encrypted>(m.payloads.back()).body);
}

TEST(Ikev2Message, InnerChainOfIkeAuthRoundTrips) {
    auto inner = samples::ike_auth_inner();
    auto decoded = decode_payloads(first_payload_type(inner), encode_payloads(inner));
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, inner);
}

TEST(Ikev2Message, FragmentRoundTripsWithNumberAndTotal) {
    auto m = samples::informational_fragment();
    auto decoded = decode_message(encode(m));
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, m);
}

TEST(Ikev2Message, UnknownCriticalPayloadIsEncodedWithBit0x80) {
    std::vector<Payload> chain{UnknownPayload{200, true, {}}};
    EXPECT_EQ(encode_payloads(chain), hex("00800004"));
}

TEST(EncryptedPrefix, IsHeaderAndSkHeaderSizedForTheBody) {
    auto m = samples::ike_auth_request();
    const auto& body = std::get<Encrypted>(m.payloads.back()).body;
    auto prefix = encrypted_prefix(m, body.size());
    ASSERT_TRUE(prefix);
    ASSERT_EQ(prefix->size(), 28u + 4u);
    Bytes whole = *prefix;
    whole.insert(whole.end(), body.begin(), body.end());
    EXPECT_EQ(whole, encode(m));
}

TEST(EncryptedPrefix, IncludesFragmentNumberAndTotalForSkf) {
    auto m = samples::informational_fragment();
    const auto& body = std::get<EncryptedFragment>(m.payloads.back()).body;
    auto prefix = encrypted_prefix(m, body.size());
    ASSERT_TRUE(prefix);
    EXPECT_EQ(prefix->size(), 28u + 8u);
    EXPECT_EQ(base::to_hex(base::ByteView(*prefix).last(4)), "00010002");
}

TEST(EncryptedPrefix, FailsWhenTheLastPayloadIsNotEncrypted) {
    EXPECT_FALSE(encrypted_prefix(samples::ike_sa_init_request(), 16));
}
