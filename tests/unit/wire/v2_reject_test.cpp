// IKEv2: malformed payloads are rejected with an error value naming the payload, the offset
// and the Notify to answer with (RFC 7296 section 3). One row, one malformation.
#include <gtest/gtest.h>

#include <string>

#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"
#include "ike/wire/samples.hpp"
#include "tests/unit/wire/support.hpp"

using namespace ike::wire;
using wire_test::hex;

namespace {

struct RejectCase {
    const char* name;
    PayloadType first;
    const char* chain;       // inner payload chain, hex
    const char* what;        // expected to occur in ParseError::what
    std::uint16_t notify = notify::invalid_syntax;
};

const RejectCase kCases[] = {
    {"TruncatedGenericHeader", PayloadType::nonce, "0000", "Nonce: truncated"},
    {"LengthPastEnd", PayloadType::nonce, "00000030 000102030405060708090a0b0c0d0e0f", "payload length beyond data"},
    {"LengthBelowHeader", PayloadType::nonce, "00000002", "payload length below header size"},
    {"NonceShorterThan16", PayloadType::nonce, "00000013 000102030405060708090a0b0c0d0e", "Nonce: length out of range"},
    {"TrailingBytesAfterLastPayload", PayloadType::vendor_id, "00000005 aa bb", "bytes after the last payload"},
    {"SaTransformCountAboveActual", PayloadType::sa, "00000014 00000010 01010002 00000008 01000014", "proposal: count mismatch"},
    {"SaProposalLengthPastPayload", PayloadType::sa, "00000014 00000020 01010001 00000008 01000014", "SA: payload length beyond data"},
    {"SaTransformLengthPastProposal", PayloadType::sa, "00000014 00000010 01010001 0000000c 01000014", "payload length beyond data"},
    {"SaBadLastSubstruc", PayloadType::sa, "00000014 05000010 01010001 00000008 01000014", "bad Last Substruc"},
    {"SaProposalNumbersSkip", PayloadType::sa,
     "00000024 02000010 01010001 00000008 01000014 00000010 03010001 00000008 01000014", "not consecutive"},
    {"SaZeroTransforms", PayloadType::sa, "0000000c 00000008 01010000", "transform count out of range"},
    {"SaEspSpiOfEightBytes", PayloadType::sa, "00000014 00000010 01030008 0102030405060708", "SPI size invalid"},
    {"SaKeyLengthAsTlv", PayloadType::sa, "0000001a 00000016 01010001 0000000e 01000014 000e00020100", "Key Length attribute not in TV"},
    {"SaTrailingBytesInTransform", PayloadType::sa, "00000016 00000012 01010001 0000000a 01000014 800e", "truncated"},
    {"KeWithoutData", PayloadType::ke, "00000008 001f0000", "KE: length out of range"},
    {"IdIpv4OfFiveBytes", PayloadType::id_i, "0000000d 01000000 0a00000001", "IDi: length out of range"},
    {"IdFqdnEmpty", PayloadType::id_r, "00000008 02000000", "IDr: length out of range"},
    {"AuthWithoutData", PayloadType::auth, "00000008 02000000", "AUTH: length out of range"},
    {"NotifySpiPastPayload", PayloadType::notify, "0000000a 03044000 0102", "Notify: truncated"},
    {"NotifySpiTooLarge", PayloadType::notify, "00000008 03104000", "Notify: length out of range"},
    {"DeleteIkeWithSpis", PayloadType::del, "0000000c 01000001 00000000", "IKE SA delete carries SPIs"},
    {"DeleteEspCountMismatch", PayloadType::del, "0000000c 03040002 01020304", "SPI count mismatch"},
    {"DeleteEspWrongSpiSize", PayloadType::del, "0000000c 03080000 01020304", "SPI size invalid"},
    {"TsCountZero", PayloadType::ts_i, "00000008 00000000", "TS count out of range"},
    {"TsCountAboveActual", PayloadType::ts_i, "00000018 02000000 07000010 0000ffff 0a000000 0a0000ff", "truncated"},
    {"TsSelectorLengthMismatch", PayloadType::ts_r, "00000018 01000000 07000011 0000ffff 0a000000 0a0000ff", "selector length mismatch"},
    {"TsUnknownType", PayloadType::ts_i, "00000018 01000000 09000010 0000ffff 0a000000 0a0000ff", "unknown TS type"},
    {"CpAddressOfThreeBytes", PayloadType::cp, "0000000f 01000000 00010003 0a0000", "attribute length invalid"},
    {"CpAttributePastPayload", PayloadType::cp, "0000000c 01000000 00010004", "CP: truncated"},
    {"EapLengthMismatch", PayloadType::eap, "00000009 0107000901", "EAP length mismatch"},
    {"EapShorterThanHeader", PayloadType::eap, "00000007 010700", "EAP: length out of range"},
    {"SkInsideEncryptedPayload", PayloadType::sk, "00000008 00000000", "SK inside encrypted payload"},
    {"SkfInsideEncryptedPayload", PayloadType::skf, "0000000c 00010001 00000000", "SKF inside encrypted payload"},
};

class PayloadReject : public testing::TestWithParam<RejectCase> {};

}  // namespace

TEST_P(PayloadReject, FailsNamingTheFault) {
    const auto& c = GetParam();
    auto bytes = hex(c.chain);
    auto r = decode_payloads(c.first, bytes);
    ASSERT_FALSE(r) << "accepted";
    EXPECT_NE(r.error().what.find(c.what), std::string::npos) << r.error().what;
    EXPECT_EQ(r.error().notify, c.notify);
    EXPECT_LE(r.error().offset, bytes.size());
}

INSTANTIATE_TEST_SUITE_P(Malformed, PayloadReject, testing::ValuesIn(kCases),
                         wire_test::CaseName{});

namespace {

// A datagram with a valid IKE_AUTH header and the given outer chain.
Bytes datagram(PayloadType first, const Bytes& chain) {
    Message m{{0x0102030405060708, 0x1112131415161718, kMajorVersion, 0, ExchangeType::ike_auth, flag::initiator, 1}, {}};
    Bytes out = encode(m);
    out[16] = static_cast<std::uint8_t>(first);
    out.insert(out.end(), chain.begin(), chain.end());
    auto len = out.size();
    out[26] = static_cast<std::uint8_t>(len >> 8);
    out[27] = static_cast<std::uint8_t>(len);
    return out;
}

}  // namespace

// RFC 7296 3.2: an unrecognised critical payload rejects the message with
// UNSUPPORTED_CRITICAL_PAYLOAD, whose data is the one-octet payload type.
TEST(CriticalBit, UnknownCriticalPayloadYieldsUnsupportedCriticalPayload) {
    auto r = decode_payloads(static_cast<PayloadType>(200), hex("00800008 00000000"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().notify, notify::unsupported_critical_payload);
    EXPECT_EQ(r.error().notify_data, Bytes{200});
    EXPECT_EQ(r.error().offset, 0u);
}

TEST(CriticalBit, UnknownNonCriticalPayloadIsKeptAndTheChainContinues) {
    auto r = decode_payloads(static_cast<PayloadType>(200), hex("2b000008 00000000 00000005 aa"));
    ASSERT_TRUE(r) << r.error().what;
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ(std::get<UnknownPayload>((*r)[0]), (UnknownPayload{200, false, {0, 0, 0, 0}}));
    EXPECT_EQ(std::get<VendorId>((*r)[1]).data, Bytes{0xaa});
}

// RFC 7296 3.2: the critical bit MUST be ignored for payload types the recipient knows.
TEST(CriticalBit, IsIgnoredOnAKnownPayload) {
    auto r = decode_payloads(PayloadType::vendor_id, hex("00800005 aa"));
    ASSERT_TRUE(r) << r.error().what;
}

TEST(CriticalBit, OnlyTheMostSignificantBitCounts) {
    auto r = decode_payloads(static_cast<PayloadType>(200), hex("00010004"));
    EXPECT_TRUE(r);
}

TEST(PayloadChain, RejectsMoreThanTheLimitOfPayloads) {
    std::string chain;
    for (int i = 0; i < 64; ++i) chain += "2b000004";
    chain += "00000004";
    auto r = decode_payloads(PayloadType::vendor_id, hex(chain));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().what, "too many payloads");
}

// RFC 7296 3.14: the Encrypted payload MUST be the last payload in the message.
TEST(PayloadChain, RejectsBytesAfterTheSkPayload) {
    auto r = decode_message(datagram(PayloadType::sk, hex("23000008 aabbccdd 00000004")));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().what.find("SK is not the last payload"), std::string::npos);
    EXPECT_EQ(r.error().offset, 36u);
}

TEST(PayloadChain, ReportsOffsetsWithinTheDatagram) {
    auto r = decode_message(datagram(PayloadType::nonce, hex("00000013 000102030405060708090a0b0c0d0e")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().offset, 32u);
}

// RFC 7383 2.5: fragment numbers start at 1 and do not exceed Total Fragments; Next
// Payload is zero in all but the first fragment.
TEST(Fragment, RejectsFragmentNumberZero) {
    auto r = decode_message(datagram(PayloadType::skf, hex("0000000c 00000002 aabbccdd")));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().what.find("fragment number out of range"), std::string::npos);
}

TEST(Fragment, RejectsFragmentNumberAboveTotal) {
    auto r = decode_message(datagram(PayloadType::skf, hex("0000000c 00030002 aabbccdd")));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().what.find("fragment number out of range"), std::string::npos);
}

TEST(Fragment, RejectsNextPayloadInNonFirstFragment) {
    auto r = decode_message(datagram(PayloadType::skf, hex("2a00000c 00020002 aabbccdd")));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().what.find("Next Payload set in non-first fragment"), std::string::npos);
}

TEST(Fragment, AcceptsLaterFragmentWithZeroNextPayload) {
    auto r = decode_message(datagram(PayloadType::skf, hex("0000000c 00020002 aabbccdd")));
    EXPECT_TRUE(r) << r.error().what;
}
