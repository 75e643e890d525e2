// IKEv2 header MUSTs that can be checked without SA state, one table row each, with the
// RFC 7296 section it comes from.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"
#include "ike/wire/samples.hpp"
#include "tests/unit/wire/support.hpp"

using namespace ike::wire;

namespace {

constexpr std::uint16_t kAccepted = 0;

struct HeaderRule {
    const char* name;
    const char* rfc;
    std::function<void(Bytes&)> mutate;  // applied to a valid IKE_SA_INIT request
    std::uint16_t notify;                // kAccepted: the message must decode
};

void set_u32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

const HeaderRule kRules[] = {
    {"MajorVersionAbove2Rejected", "RFC 7296 3.1", [](Bytes& b) { b[17] = 0x30; }, notify::invalid_major_version},
    {"MajorVersion1Rejected", "RFC 7296 3.1", [](Bytes& b) { b[17] = 0x10; }, notify::invalid_major_version},
    {"MinorVersionIgnored", "RFC 7296 3.1", [](Bytes& b) { b[17] = 0x21; }, kAccepted},
    {"VersionFlagIgnored", "RFC 7296 3.1", [](Bytes& b) { b[19] |= flag::version; }, kAccepted},
    {"ReservedFlagBitsIgnored", "RFC 7296 3.1", [](Bytes& b) { b[19] |= 0xc7; }, kAccepted},
    {"LengthAboveDatagramRejected", "RFC 7296 3.1", [](Bytes& b) { set_u32(b, 24, static_cast<std::uint32_t>(b.size() + 1)); },
     notify::invalid_syntax},
    {"LengthBelowDatagramRejected", "RFC 7296 3.1", [](Bytes& b) { b.push_back(0); }, notify::invalid_syntax},
    {"ShorterThanHeaderRejected", "RFC 7296 3.1", [](Bytes& b) { b.resize(27); }, notify::invalid_syntax},
    {"ZeroInitiatorSpiRejected", "RFC 7296 3.1", [](Bytes& b) { std::fill(b.begin(), b.begin() + 8, 0); }, notify::invalid_syntax},
    {"ResponderSpiInInitRequestRejected", "RFC 7296 3.1", [](Bytes& b) { b[15] = 1; }, notify::invalid_syntax},
    {"ResponderSpiInInitResponseAccepted", "RFC 7296 3.1", [](Bytes& b) { b[15] = 1; b[19] = flag::response; }, kAccepted},
    {"NonZeroMessageIdInInitRejected", "RFC 7296 2.2", [](Bytes& b) { b[23] = 1; }, notify::invalid_message_id},
    {"CriticalBitOnKnownPayloadIgnored", "RFC 7296 3.2", [](Bytes& b) { b[29] = kCriticalBit; }, kAccepted},
};

class HeaderMust : public testing::TestWithParam<HeaderRule> {};

}  // namespace

TEST_P(HeaderMust, IsEnforced) {
    const auto& rule = GetParam();
    Bytes bytes = encode(samples::ike_sa_init_request());
    rule.mutate(bytes);
    auto r = decode_message(bytes);
    if (rule.notify == kAccepted) {
        EXPECT_TRUE(r) << rule.rfc << ": " << r.error().what;
    } else {
        ASSERT_FALSE(r) << rule.rfc << ": accepted";
        EXPECT_EQ(r.error().notify, rule.notify) << rule.rfc << ": " << r.error().what;
    }
}

INSTANTIATE_TEST_SUITE_P(Rfc7296, HeaderMust, testing::ValuesIn(kRules),
                         wire_test::CaseName{});

TEST(CheckHeader, AcceptsTheSampleRequestOnItsOwn) {
    Bytes bytes = encode(samples::ike_sa_init_request());
    auto h = decode_header(bytes);
    ASSERT_TRUE(h);
    EXPECT_TRUE(check_header(*h, bytes.size()));
    EXPECT_EQ(h->first_payload, PayloadType::sa);
}
