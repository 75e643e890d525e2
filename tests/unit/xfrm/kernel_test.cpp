// The helpers of kernel.hpp and the conversions of wire.hpp.
#include "xfrm/kernel.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "samples.hpp"
#include "xfrm/wire.hpp"

namespace xfrm {
namespace {

using test::gcm_sa;
using test::ip;

TEST(Names, ProtocolsModesAndDirections) {
    EXPECT_EQ(to_string(Proto::esp), "esp");
    EXPECT_EQ(to_string(Proto::ah), "ah");
    EXPECT_EQ(to_string(Mode::tunnel), "tunnel");
    EXPECT_EQ(to_string(Mode::transport), "transport");
    EXPECT_EQ(to_string(Dir::in), "in");
    EXPECT_EQ(to_string(Dir::out), "out");
    EXPECT_EQ(to_string(Dir::fwd), "fwd");
}

TEST(Describe, SaIdNamesProtocolSpiAndDestination) {
    EXPECT_EQ(describe(SaId{ip("192.0.2.2"), 0xc1a5, Proto::esp, {}}), "ESP SA spi 0x0000c1a5 to 192.0.2.2");
    EXPECT_EQ(describe(SaId{ip("2001:db8::2"), 1, Proto::ah, {}}), "AH SA spi 0x00000001 to 2001:db8::2");
}

TEST(Describe, SaNamesBothEndpoints) {
    EXPECT_EQ(describe(gcm_sa()), "ESP SA spi 0x0000c1a5 192.0.2.1→192.0.2.2");
}

TEST(Describe, SelectorShowsProtocolAndPortsOnlyWhenSet) {
    EXPECT_EQ(describe(test::selector("10.1.0.0/24", "10.2.0.0/24")), "10.1.0.0/24→10.2.0.0/24");
    Selector s{test::prefix("10.1.0.1/32"), test::prefix("10.2.0.1/32"), 6, 0, 443};
    EXPECT_EQ(describe(s), "10.1.0.1/32→10.2.0.1/32 proto 6 port 0→443");
}

TEST(Describe, PolicyIdStartsWithDirection) {
    EXPECT_EQ(describe(test::tunnel_policy(Dir::fwd).id()), "fwd policy 10.1.0.0/24→10.2.0.0/24");
}

TEST(MakeInfo, KeepsParametersDropsKeys) {
    auto sa = test::cbc_sa("hmac(sha384)", 192, 48);
    sa.mark = Mark{1, 2};
    sa.encap = UdpEncap{};
    auto info = make_info(sa, Counters{10, 1, 0, 0, 0, 0});
    EXPECT_EQ(info.algorithm, "cbc(aes)");
    EXPECT_EQ(info.integrity, "hmac(sha384)");
    EXPECT_EQ(info.counters.bytes, 10u);
    EXPECT_EQ(info.mark, sa.mark);
    EXPECT_EQ(info.encap, sa.encap);
    EXPECT_EQ(make_info(gcm_sa(), {}).algorithm, "rfc4106(gcm(aes))");
}

TEST(Check, AcceptsEveryRequiredSuite) {
    EXPECT_TRUE(check(gcm_sa()).ok());
    auto chacha = gcm_sa();
    chacha.aead = Aead{"rfc7539esp(chacha20,poly1305)", test::key(36), 128};
    EXPECT_TRUE(check(chacha).ok());
    EXPECT_TRUE(check(test::cbc_sa("hmac(sha512)", 256, 64)).ok());
}

Status check_with(void (*change)(Sa&)) {
    auto sa = gcm_sa();
    change(sa);
    return check(sa);
}

TEST(Check, RejectsInconsistentSas) {
    EXPECT_FALSE(check_with([](Sa& s) { s.dst = ip("2001:db8::2"); }).ok());
    EXPECT_FALSE(check_with([](Sa& s) { s.spi = 0; }).ok());
    EXPECT_FALSE(check_with([](Sa& s) { s.cipher = Cipher{"cbc(aes)", test::key(16)}; }).ok());
    EXPECT_FALSE(check_with([](Sa& s) { s.aead.reset(); }).ok());
    EXPECT_FALSE(check_with([](Sa& s) { s.proto = Proto::ah; }).ok());
    EXPECT_FALSE(check_with([](Sa& s) { s.aead->key = test::key(16); }).ok());
    EXPECT_FALSE(check_with([](Sa& s) { s.esn = true; s.replay_window = 0; }).ok());
    EXPECT_FALSE(check_with([](Sa& s) {
        s.selector = Selector{test::prefix("10.0.0.0/8"), test::prefix("2001:db8::/32"), 0, 0, 0};
    }).ok());
}

TEST(Check, AhNeedsIntegrityAndNoCipher) {
    auto ah = test::cbc_sa("hmac(sha256)", 128, 32);
    ah.proto = Proto::ah;
    EXPECT_FALSE(check(ah).ok());
    ah.cipher.reset();
    EXPECT_TRUE(check(ah).ok());
    ah.integ->key.clear();
    EXPECT_FALSE(check(ah).ok());
}

TEST(Check, ErrorNamesTheSa) {
    auto s = check_with([](Sa& sa) { sa.spi = 0; });
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, EINVAL);
    EXPECT_EQ(s.error().message.rfind("ESP SA spi 0x00000000 192.0.2.1→192.0.2.2: ", 0), 0u);
}

TEST(NotFound, CoversMissingSaAndMissingPolicy) {
    EXPECT_TRUE(is_not_found(base::Error{"", ESRCH}));
    EXPECT_TRUE(is_not_found(base::Error{"", ENOENT}));
    EXPECT_FALSE(is_not_found(base::Error{"", EEXIST}));
}

TEST(Wire, SelectorRoundTripsWithPorts) {
    Selector s{test::prefix("2001:db8::/48"), test::prefix("2001:db8:1::/64"), 17, 500, 4500};
    auto back = wire::selector(wire::selector(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
}

TEST(Wire, EmptyKernelSelectorIsNone) {
    auto back = wire::selector(xfrm_selector{});
    ASSERT_TRUE(back.ok());
    EXPECT_FALSE(back->has_value());
}

TEST(Wire, SelectorWithImpossiblePrefixIsRejected) {
    auto x = wire::selector(test::selector("10.0.0.0/8", "10.0.0.0/8"));
    x.prefixlen_d = 33;
    EXPECT_FALSE(wire::selector(x).ok());
}

TEST(Wire, UnknownFamilyIsRejected) {
    EXPECT_FALSE(wire::family(99).ok());
    EXPECT_EQ(*wire::family(wire::af(net::Family::v6)), net::Family::v6);
}

TEST(Wire, LifetimeZeroIsInfinite) {
    auto x = wire::lifetime(Lifetime{});
    EXPECT_EQ(x.soft_byte_limit, XFRM_INF);
    EXPECT_EQ(x.hard_add_expires_seconds, 0u);
    Lifetime l{1, 2, 3, 4, 5, 6};
    EXPECT_EQ(wire::lifetime(wire::lifetime(l)), l);
}

TEST(Wire, AddressAndMarkRoundTrip) {
    auto a = ip("2001:db8::7");
    EXPECT_EQ(wire::address(wire::address(a), net::Family::v6), a);
    EXPECT_EQ(wire::mark(wire::mark(Mark{3, 4})), (Mark{3, 4}));
}

TEST(SpdHashThreshold, ParsesLocalSlashRemoteUpToTheFamilysBits) {
    EXPECT_EQ(parse_spd_hash_threshold("24/32", 32), (SpdHashThreshold{24, 32}));
    EXPECT_EQ(parse_spd_hash_threshold("0/0", 32), (SpdHashThreshold{0, 0}));
    EXPECT_EQ(parse_spd_hash_threshold("64/128", 128), (SpdHashThreshold{64, 128}));
}

TEST(SpdHashThreshold, RefusesMalformedOrTooLongThresholds) {
    for (const char* bad : {"33/32", "24/33", "24", "24/", "/32", "a/32", "-1/32", "24/32/1", " 24/32", "0024/32", ""})
        EXPECT_FALSE(parse_spd_hash_threshold(bad, 32)) << bad;
    EXPECT_FALSE(parse_spd_hash_threshold("64/129", 128));
}

TEST(Describe, SpdHashThresholdsNameTheFamiliesGiven) {
    EXPECT_EQ(describe(SpdHashThresholds{}), "IPv4 32/32, IPv6 128/128");
    EXPECT_EQ(describe(SpdHashThresholds{std::nullopt, SpdHashThreshold{64, 128}}), "IPv6 64/128");
}

}  // namespace
}  // namespace xfrm
