// IKEv1 / ISAKMP codec (RFC 2408 section 3, RFC 2409, RFC 3947): round trips and rejections.
#include <gtest/gtest.h>

#include <string>

#include "ike/wire/samples.hpp"
#include "ike/wire/v1/codec.hpp"
#include "tests/unit/wire/support.hpp"

using namespace ike::wire::v1;
namespace samples = ike::wire::samples;
using ike::wire::Bytes;
using wire_test::hex;

namespace {

// An unencrypted Main Mode datagram around `chain`.
Bytes datagram(PayloadType first, const Bytes& chain) {
    Bytes out = encode(samples::v1::main_mode_ke());
    out.resize(28);
    out[16] = static_cast<std::uint8_t>(first);
    out.insert(out.end(), chain.begin(), chain.end());
    out[26] = static_cast<std::uint8_t>(out.size() >> 8);
    out[27] = static_cast<std::uint8_t>(out.size());
    return out;
}

}  // namespace

TEST(Ikev1Message, MainModeSaRoundTripsByteForByte) {
    auto m = samples::v1::main_mode_sa();
    auto bytes = encode(m);
    auto decoded = decode_message(bytes);
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, m);
    EXPECT_EQ(encode(*decoded), bytes);
}

TEST(Ikev1Message, MainModeKeRoundTrips) {
    auto m = samples::v1::main_mode_ke();
    auto decoded = decode_message(encode(m));
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, m);
}

TEST(Ikev1Message, HeaderIsLaidOutAsRfc2408Section3_1) {
    auto bytes = encode(samples::v1::main_mode_sa());
    // Cookies, Next Payload SA (1), version 1.0, Identity Protection (2), no flags, Message ID 0.
    EXPECT_EQ(base::to_hex(base::ByteView(bytes).first(24)), "5f1d2c3b4a5968770000000000000000" "01100200" "00000000");
}

TEST(Ikev1Message, EncryptedBodyStaysOpaque) {
    auto m = samples::v1::quick_mode_encrypted();
    auto decoded = decode_message(encode(m));
    ASSERT_TRUE(decoded) << decoded.error().what;
    ASSERT_TRUE(decoded->encrypted);
    EXPECT_EQ(decoded->encrypted->first_payload, PayloadType::hash);
    EXPECT_EQ(*decoded, m);
}

TEST(Ikev1Payloads, QuickModeChainRoundTrips) {
    auto inner = samples::v1::quick_mode_inner();
    auto decoded = decode_payloads(first_payload_type(inner), encode_payloads(inner));
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, inner);
}

TEST(Ikev1Payloads, InformationalChainRoundTrips) {
    auto inner = samples::v1::informational_inner();
    auto decoded = decode_payloads(first_payload_type(inner), encode_payloads(inner));
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(*decoded, inner);
}

// RFC 2408 3.5 / RFC 2409 5.3: a decrypted body may end in cipher padding.
TEST(Ikev1Payloads, PaddingAfterTheLastPayloadIsIgnored) {
    auto plaintext = hex("00000008 aabbccdd 000000");
    auto decoded = decode_payloads(PayloadType::hash, plaintext);
    ASSERT_TRUE(decoded) << decoded.error().what;
    EXPECT_EQ(decoded->size(), 1u);
}

TEST(Ikev1VendorIds, NatTIsMd5OfRfc3947) {
    EXPECT_EQ(base::to_hex(kVendorIdNatT), "4a131c81070358455c5728f20e95452f");
}

TEST(Ikev1VendorIds, DpdIsTheRfc3706Value) {
    EXPECT_EQ(base::to_hex(kVendorIdDpd), "afcad71368a1f1c96b8696fc77570100");
}

namespace {

struct V1Reject {
    const char* name;
    PayloadType first;
    const char* chain;
    const char* what;
    std::uint16_t notify;
};

const V1Reject kRejects[] = {
    {"TruncatedPayloadHeader", PayloadType::hash, "0000", "truncated", notify::payload_malformed},
    {"LengthPastEnd", PayloadType::hash, "00000010 aabb", "payload length beyond data", notify::payload_malformed},
    {"UnknownPayloadType", static_cast<PayloadType>(99), "00000004", "invalid payload type 99", notify::invalid_payload_type},
    {"ProposalOutsideSa", PayloadType::proposal, "00000004", "invalid payload type 2", notify::invalid_payload_type},
    {"SaDoiNotIpsec", PayloadType::sa, "0000000c 00000002 00000001", "DOI not supported", notify::doi_not_supported},
    {"SaSecrecySituation", PayloadType::sa, "0000000c 00000001 00000002", "situation not supported", notify::situation_not_supported},
    {"SaTransformCountAboveActual", PayloadType::sa, "0000001c 00000001 00000001 00000010 01010002 00000008 01010000",
     "proposal: count mismatch", notify::bad_proposal_syntax},
    {"SaTransformLengthPastProposal", PayloadType::sa, "0000001c 00000001 00000001 00000010 01010001 0000000c 01010000",
     "payload length beyond data", notify::bad_proposal_syntax},
    {"SaProposalNumbersDecrease", PayloadType::sa,
     "0000002c 00000001 00000001 02000010 02010001 00000008 01010000 00000010 01010001 00000008 01010000",
     "proposal numbers decrease", notify::bad_proposal_syntax},
    {"SaProposalSpiOf17Bytes", PayloadType::sa,
     "00000025 00000001 00000001 00000019 01011101 0102030405060708090a0b0c0d0e0f1011", "SPI size invalid",
     notify::bad_proposal_syntax},
    {"NonceShorterThan8", PayloadType::nonce, "0000000b 01020304050607", "NONCE: length out of range", notify::payload_malformed},
    {"IdIpv4OfThreeBytes", PayloadType::id, "0000000b 01000000 0a0000", "ID: length out of range", notify::invalid_id_information},
    {"NatOaNotAnAddress", PayloadType::nat_oa, "0000000c 02000000 61626364", "ID type is not an address", notify::payload_malformed},
    {"DeleteCountMismatch", PayloadType::del, "00000010 00000001 03040002 01020304", "SPI count mismatch", notify::payload_malformed},
    {"NotificationSpiPastPayload", PayloadType::notification, "0000000e 00000001 03040001 0102", "truncated", notify::payload_malformed},
};

class Ikev1Reject : public testing::TestWithParam<V1Reject> {};

}  // namespace

TEST_P(Ikev1Reject, FailsNamingTheFault) {
    const auto& c = GetParam();
    auto r = decode_payloads(c.first, hex(c.chain));
    ASSERT_FALSE(r) << "accepted";
    EXPECT_NE(r.error().what.find(c.what), std::string::npos) << r.error().what;
    EXPECT_EQ(r.error().notify, c.notify);
}

INSTANTIATE_TEST_SUITE_P(Malformed, Ikev1Reject, testing::ValuesIn(kRejects),
                         wire_test::CaseName{});

// RFC 2408 3.1 header rules, one each.
TEST(Ikev1Header, RejectsMajorVersionOtherThan1) {
    auto bytes = encode(samples::v1::main_mode_sa());
    bytes[17] = 0x20;
    auto r = decode_message(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().notify, notify::invalid_major_version);
}

TEST(Ikev1Header, RejectsZeroInitiatorCookie) {
    auto bytes = encode(samples::v1::main_mode_sa());
    std::fill(bytes.begin(), bytes.begin() + 8, 0);
    auto r = decode_message(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().notify, notify::invalid_cookie);
}

TEST(Ikev1Header, RejectsLengthOtherThanTheDatagram) {
    auto bytes = encode(samples::v1::main_mode_sa());
    bytes.push_back(0);
    auto r = decode_message(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().notify, notify::unequal_payload_lengths);
}

TEST(Ikev1Header, RejectsBytesAfterTheLastCleartextPayload) {
    auto r = decode_message(datagram(PayloadType::hash, hex("00000008 aabbccdd 00")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().what, "bytes after the last payload");
}

TEST(Ikev1Header, ReportsUnknownPayloadAtItsOffset) {
    auto r = decode_message(datagram(PayloadType::hash, hex("63000008 aabbccdd 00000004")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().notify, notify::invalid_payload_type);
    EXPECT_EQ(r.error().offset, 36u);
}
