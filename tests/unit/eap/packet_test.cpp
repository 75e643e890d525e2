// The EAP codec: what goes out decodes to what went in, and lengths are checked.
#include <gtest/gtest.h>

#include "ike/eap/packet.hpp"

namespace ike::eap {
namespace {

Packet roundtrip(const Packet& p) {
    auto d = decode(encode(p));
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
    return d.ok() ? *d : Packet{};
}

TEST(EapPacket, IdentityResponseRoundTrips) {
    const auto p = roundtrip(Packet{Code::response, 7, Identity{"alice"}});
    EXPECT_EQ(p.code, Code::response);
    EXPECT_EQ(p.identifier, 7);
    EXPECT_EQ(std::get<Identity>(p.data).identity, "alice");
}

TEST(EapPacket, SuccessIsFourOctets) {
    EXPECT_EQ(encode(Packet{Code::success, 3, {}}), (base::Bytes{3, 3, 0, 4}));
}

TEST(EapPacket, ChallengeRoundTripsWithItsMsLength) {
    Challenge c;
    c.fill(0xAB);
    const auto bytes = encode(Packet{Code::request, 1, MsChapV2{MsChallenge{1, c, "gw"}}});
    // Code, Id, Length(2), Type, OpCode, MS-ID, MS-Length(2), Value-Size, 16, "gw"
    ASSERT_EQ(bytes.size(), 4u + 1 + 4 + 1 + 16 + 2);
    EXPECT_EQ(bytes[8], bytes.size() - 5);
    const auto p = roundtrip(Packet{Code::request, 1, MsChapV2{MsChallenge{1, c, "gw"}}});
    const auto& m = std::get<MsChallenge>(std::get<MsChapV2>(p.data));
    EXPECT_EQ(m.challenge, c);
    EXPECT_EQ(m.name, "gw");
}

TEST(EapPacket, ResponseIsFortyNineOctetsOfValue) {
    MsResponse r{9, {}, {}, "alice"};
    r.peer_challenge.fill(1);
    r.nt_response.fill(2);
    const auto bytes = encode(Packet{Code::response, 9, MsChapV2{r}});
    EXPECT_EQ(bytes[9], 49);
    const auto p = roundtrip(Packet{Code::response, 9, MsChapV2{r}});
    const auto& m = std::get<MsResponse>(std::get<MsChapV2>(p.data));
    EXPECT_EQ(m.nt_response, r.nt_response);
    EXPECT_EQ(m.name, "alice");
}

TEST(EapPacket, PeerAcknowledgementIsTheOpCodeAlone) {
    EXPECT_EQ(encode(Packet{Code::response, 2, MsChapV2{MsSuccess{}}}), (base::Bytes{2, 2, 0, 6, 26, 3}));
}

TEST(EapPacket, ALengthOtherThanThePayloadsIsRefused) {
    EXPECT_FALSE(decode(base::Bytes{3, 1, 0, 5}).ok());
    EXPECT_FALSE(decode(base::Bytes{3, 1, 0, 3}).ok());
    EXPECT_FALSE(decode(base::Bytes{3, 1, 0}).ok());
}

TEST(EapPacket, ATruncatedResponseIsRefused) {
    auto bytes = encode(Packet{Code::response, 9, MsChapV2{MsResponse{9, {}, {}, ""}}});
    bytes.resize(bytes.size() - 10);
    bytes[3] = static_cast<std::uint8_t>(bytes.size());
    bytes[7] = static_cast<std::uint8_t>(bytes.size() - 5);
    EXPECT_FALSE(decode(bytes).ok());
}

TEST(EapPacket, AnUnknownMethodKeepsItsType) {
    const auto p = decode(base::Bytes{1, 1, 0, 6, 4, 0});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(std::get<OtherType>(p->data).type, 4);
}

}  // namespace
}  // namespace ike::eap
