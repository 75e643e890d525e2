#include "xfrm/sa_message.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>

#include "samples.hpp"

namespace xfrm {
namespace {

using test::cbc_sa;
using test::gcm_sa;
using test::ip;
using test::key;

Sa round_trip(const Sa& sa, bool update = false) {
    auto m = encode_sa(sa, update);
    EXPECT_TRUE(m.ok()) << (m ? "" : m.error().message);
    if (!m) return {};
    EXPECT_EQ(m->nlh().nlmsg_type, update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA);
    auto r = decode_sa(m->nlh());
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
    return r ? r->sa : Sa{};
}

TEST(SaMessage, AesGcm128RoundTrips) {
    auto sa = gcm_sa();
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, AesGcm256KeyCarriesItsSalt) {
    auto sa = gcm_sa();
    sa.aead->key = key(36);
    auto m = encode_sa(sa, false);
    ASSERT_TRUE(m.ok());
    auto attrs = parse_attrs(m->nlh(), sizeof(xfrm_usersa_info));
    ASSERT_TRUE(attrs.ok());
    const auto* aead = static_cast<const xfrm_algo_aead*>(mnl_attr_get_payload((*attrs)[XFRMA_ALG_AEAD]));
    EXPECT_EQ(aead->alg_key_len, 288u);  // 256-bit key + 32-bit salt (RFC 4106 8.1)
    EXPECT_EQ(aead->alg_icv_len, 128u);
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, ChaCha20Poly1305RoundTrips) {
    auto sa = gcm_sa();
    sa.aead = Aead{"rfc7539esp(chacha20,poly1305)", key(36), 128};
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, CbcWithHmacSha256RoundTrips) {
    auto sa = cbc_sa("hmac(sha256)", 128, 32);
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, HmacTruncationDefaultsToRfc4868) {
    for (auto [name, bits, keylen] : {std::tuple{"hmac(sha256)", 128u, 32u}, std::tuple{"hmac(sha384)", 192u, 48u},
                                      std::tuple{"hmac(sha512)", 256u, 64u}}) {
        auto sa = cbc_sa(name, 0, keylen);
        EXPECT_EQ(round_trip(sa).integ->trunc_bits, bits) << name;
    }
}

TEST(SaMessage, AhCarriesOnlyIntegrity) {
    auto sa = cbc_sa("hmac(sha512)", 256, 64);
    sa.cipher.reset();
    sa.proto = Proto::ah;
    auto back = round_trip(sa);
    EXPECT_EQ(back, sa);
    EXPECT_EQ(back.proto, Proto::ah);
}

TEST(SaMessage, AhOverIpv4IsAlignedTo32BitsAndOverIpv6To64) {
    auto flags = [](const Sa& sa) {
        auto m = encode_sa(sa, false);
        EXPECT_TRUE(m.ok());
        return static_cast<const xfrm_usersa_info*>(mnl_nlmsg_get_payload(&m->nlh()))->flags;
    };
    auto ah = cbc_sa("hmac(sha256)", 128, 32);
    ah.cipher.reset();
    ah.proto = Proto::ah;
    EXPECT_TRUE(flags(ah) & XFRM_STATE_ALIGN4);
    auto ah6 = gcm_sa("2001:db8::1", "2001:db8::2");
    ah6.aead.reset();
    ah6.integ = ah.integ;
    ah6.proto = Proto::ah;
    EXPECT_FALSE(flags(ah6) & XFRM_STATE_ALIGN4);
    EXPECT_FALSE(flags(cbc_sa("hmac(sha256)", 128, 32)) & XFRM_STATE_ALIGN4);
}

TEST(SaMessage, TunnelWithoutSelectorCarriesEitherInnerFamily) {
    auto flags = [](const Sa& sa) {
        auto m = encode_sa(sa, false);
        EXPECT_TRUE(m.ok());
        return static_cast<const xfrm_usersa_info*>(mnl_nlmsg_get_payload(&m->nlh()))->flags;
    };
    auto tunnel = gcm_sa();  // tunnel mode
    EXPECT_TRUE(flags(tunnel) & XFRM_STATE_AF_UNSPEC);
    EXPECT_TRUE(flags(gcm_sa("2001:db8::1", "2001:db8::2")) & XFRM_STATE_AF_UNSPEC);
    auto transport = gcm_sa();
    transport.mode = Mode::transport;
    EXPECT_FALSE(flags(transport) & XFRM_STATE_AF_UNSPEC);
    tunnel.selector = test::selector("10.1.0.0/24", "10.2.0.0/24");
    EXPECT_FALSE(flags(tunnel) & XFRM_STATE_AF_UNSPEC);
}

TEST(SaMessage, TransportModeWithSelectorRoundTrips) {
    auto sa = gcm_sa();
    sa.mode = Mode::transport;
    sa.selector = Selector{net::Prefix::host(ip("192.0.2.1")), net::Prefix::host(ip("192.0.2.2")), 17, 500, 4500};
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, Ipv6RoundTrips) {
    auto sa = gcm_sa("2001:db8::1", "2001:db8::2");
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, UdpEncapsulationRoundTrips) {
    auto sa = gcm_sa();
    sa.encap = UdpEncap{4500, 31337};
    auto m = encode_sa(sa, false);
    ASSERT_TRUE(m.ok());
    auto attrs = parse_attrs(m->nlh(), sizeof(xfrm_usersa_info));
    ASSERT_TRUE(attrs.ok());
    const auto* e = static_cast<const xfrm_encap_tmpl*>(mnl_attr_get_payload((*attrs)[XFRMA_ENCAP]));
    EXPECT_EQ(e->encap_type, 2);  // UDP_ENCAP_ESPINUDP (RFC 3948)
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, LifetimesRoundTripAndZeroMeansNoLimit) {
    auto sa = gcm_sa();
    sa.lifetime = Lifetime{1000, 2000, 10, 20, 30, 60};
    EXPECT_EQ(round_trip(sa), sa);
    auto m = encode_sa(gcm_sa(), false);
    ASSERT_TRUE(m.ok());
    const auto* info = static_cast<const xfrm_usersa_info*>(mnl_nlmsg_get_payload(&m->nlh()));
    EXPECT_EQ(info->lft.hard_byte_limit, XFRM_INF);
    EXPECT_EQ(info->lft.soft_packet_limit, XFRM_INF);
}

TEST(SaMessage, MarkAndIfIdRoundTrip) {
    auto sa = gcm_sa();
    sa.mark = Mark{42, 0xff};
    sa.if_id = 9;
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, EsnUsesTheEsnReplayState) {
    auto sa = gcm_sa();
    sa.esn = true;
    sa.replay_window = 128;
    auto m = encode_sa(sa, false);
    ASSERT_TRUE(m.ok());
    const auto* info = static_cast<const xfrm_usersa_info*>(mnl_nlmsg_get_payload(&m->nlh()));
    EXPECT_TRUE(info->flags & XFRM_STATE_ESN);
    auto attrs = parse_attrs(m->nlh(), sizeof(xfrm_usersa_info));
    ASSERT_TRUE(attrs.ok());
    const auto* r = static_cast<const xfrm_replay_state_esn*>(mnl_attr_get_payload((*attrs)[XFRMA_REPLAY_ESN_VAL]));
    EXPECT_EQ(r->bmp_len, 4u);
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, SmallReplayWindowStaysInTheFixedHeader) {
    auto sa = gcm_sa();
    sa.replay_window = 32;
    auto m = encode_sa(sa, false);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(static_cast<const xfrm_usersa_info*>(mnl_nlmsg_get_payload(&m->nlh()))->replay_window, 32);
    EXPECT_EQ(round_trip(sa), sa);
}

TEST(SaMessage, UpdateUsesUpdsa) {
    auto sa = gcm_sa();
    EXPECT_EQ(round_trip(sa, true), sa);
}

TEST(SaMessage, EncodingChecksTheSaFirst) {
    auto sa = gcm_sa();
    sa.aead->key = key(17);
    auto m = encode_sa(sa, false);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, EINVAL);
}

TEST(SaMessage, OversizedKeyIsRefusedNotOverflowed) {
    auto sa = gcm_sa();
    sa.aead->name = "some(aead)";  // no known key size: only the buffer bound applies
    sa.aead->key = key(Message::capacity);
    auto m = encode_sa(sa, false);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, EMSGSIZE);
    EXPECT_NE(m.error().message.find("ESP SA spi 0x0000c1a5"), std::string::npos);
}

TEST(SaMessage, SaIdCarriesDestinationSpiProtoAndMark) {
    SaId id{ip("2001:db8::2"), 0xdeadbeef, Proto::ah, Mark{1, 0xf}};
    auto m = encode_sa_id(id, XFRM_MSG_DELSA);
    EXPECT_EQ(m.nlh().nlmsg_type, XFRM_MSG_DELSA);
    EXPECT_TRUE(m.nlh().nlmsg_flags & NLM_F_ACK);
    const auto* sid = static_cast<const xfrm_usersa_id*>(mnl_nlmsg_get_payload(&m.nlh()));
    EXPECT_EQ(ntohl(sid->spi), 0xdeadbeefu);
    EXPECT_EQ(sid->proto, IPPROTO_AH);
    EXPECT_EQ(sid->family, AF_INET6);
    auto attrs = parse_attrs(m.nlh(), sizeof(xfrm_usersa_id));
    ASSERT_TRUE(attrs.ok());
    EXPECT_EQ(static_cast<const xfrm_mark*>(mnl_attr_get_payload((*attrs)[XFRMA_MARK]))->v, 1u);
}

TEST(SaMessage, AllocSpiCarriesRangeAndReqid) {
    auto m = encode_alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 5, 0x1000, 0x1fff);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->nlh().nlmsg_type, XFRM_MSG_ALLOCSPI);
    const auto* spi = static_cast<const xfrm_userspi_info*>(mnl_nlmsg_get_payload(&m->nlh()));
    EXPECT_EQ(spi->min, 0x1000u);
    EXPECT_EQ(spi->max, 0x1fffu);
    EXPECT_EQ(spi->info.reqid, 5u);
    EXPECT_EQ(spi->info.id.proto, IPPROTO_ESP);
}

TEST(SaMessage, AllocSpiRejectsEmptyRangeAndMixedFamilies) {
    EXPECT_FALSE(encode_alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 0, 5, 4).ok());
    EXPECT_FALSE(encode_alloc_spi(ip("192.0.2.1"), ip("2001:db8::2"), Proto::esp, 0, 1, 4).ok());
}

TEST(SaMessage, DecodeCountersFromKernelRecord) {
    xfrm_usersa_info info{};
    info.family = AF_INET;
    info.id.proto = IPPROTO_ESP;
    info.id.spi = htonl(0x1234);
    info.mode = XFRM_MODE_TUNNEL;
    info.curlft = {1500, 10, 1700000000, 1700000005};
    info.stats.replay = 2;
    info.stats.integrity_failed = 3;
    test::RawMessage raw(XFRM_MSG_NEWSA, info);
    auto r = decode_sa(raw.nlh());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->counters, (Counters{1500, 10, 1700000000, 1700000005, 2, 3}));
    EXPECT_EQ(r->sa.spi, 0x1234u);
}

TEST(SaMessage, DecodeRejectsTruncatedRecord) {
    auto m = encode_sa(gcm_sa(), false);
    ASSERT_TRUE(m.ok());
    xfrm_usersa_info info = *static_cast<const xfrm_usersa_info*>(mnl_nlmsg_get_payload(&m->nlh()));
    test::RawMessage raw(XFRM_MSG_NEWSA, info);
    raw.truncate(NLMSG_HDRLEN + 8);
    EXPECT_FALSE(decode_sa(raw.nlh()).ok());
}

TEST(SaMessage, DecodeRejectsKeyLongerThanItsAttribute) {
    xfrm_usersa_info info{};
    info.family = AF_INET;
    info.id.proto = IPPROTO_ESP;
    xfrm_algo_aead aead{};
    aead.alg_key_len = 160;  // claims 20 bytes, carries none
    test::RawMessage raw(XFRM_MSG_NEWSA, info);
    raw.attr(XFRMA_ALG_AEAD, aead);
    auto r = decode_sa(raw.nlh());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("truncated"), std::string::npos);
}

TEST(SaMessage, DecodeRejectsOtherMessageTypes) {
    auto m = encode_sa_id(SaId{ip("192.0.2.2"), 1, Proto::esp, {}}, XFRM_MSG_GETSA);
    EXPECT_FALSE(decode_sa(m.nlh()).ok());
}

}  // namespace
}  // namespace xfrm
