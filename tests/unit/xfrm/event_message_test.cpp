// Events decoded from messages built the way the kernel builds them (net/xfrm/xfrm_user.c:
// build_acquire, build_expire, build_migrate).
#include "xfrm/event_message.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "samples.hpp"
#include "xfrm/wire.hpp"

namespace xfrm {
namespace {

using test::ip;
using test::RawMessage;

Event only(RawMessage& raw) {
    auto events = decode_event(raw.nlh());
    EXPECT_TRUE(events.ok()) << (events ? "" : events.error().message);
    EXPECT_EQ(events ? events->size() : 0u, 1u);
    return events && events->size() == 1 ? events->front() : Event{};
}

xfrm_user_acquire acquire_body() {
    xfrm_user_acquire a{};
    a.id.daddr = wire::address(ip("192.0.2.2"));
    a.id.proto = IPPROTO_ESP;
    a.saddr = wire::address(ip("192.0.2.1"));
    a.sel = wire::selector(Selector{test::prefix("10.1.0.5/32"), test::prefix("10.2.0.9/32"), 17, 1234, 53});
    a.policy.sel = wire::selector(test::selector("10.1.0.0/24", "10.2.0.0/24"));
    return a;
}

TEST(EventMessage, AcquireCarriesPacketSelectorEndpointsAndReqid) {
    RawMessage raw(XFRM_MSG_ACQUIRE, acquire_body());
    xfrm_user_tmpl t{};
    t.family = AF_INET;
    t.reqid = 7;
    t.id.proto = IPPROTO_ESP;
    raw.attr(XFRMA_TMPL, t);
    Acquire want{Selector{test::prefix("10.1.0.5/32"), test::prefix("10.2.0.9/32"), 17, 1234, 53},
                 ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 7};
    EXPECT_EQ(std::get<Acquire>(only(raw)), want);
}

TEST(EventMessage, AcquireTakesEndpointFamilyFromTemplate) {
    auto a = acquire_body();
    a.id.daddr = wire::address(ip("2001:db8::2"));
    a.saddr = wire::address(ip("2001:db8::1"));
    RawMessage raw(XFRM_MSG_ACQUIRE, a);
    xfrm_user_tmpl t{};
    t.family = AF_INET6;
    raw.attr(XFRMA_TMPL, t);
    auto ev = std::get<Acquire>(only(raw));
    EXPECT_EQ(ev.dst, ip("2001:db8::2"));
    EXPECT_EQ(ev.selector.src.address.family, net::Family::v4);
}

TEST(EventMessage, AcquireWithoutSelectorIsMalformed) {
    auto a = acquire_body();
    a.sel = {};
    RawMessage raw(XFRM_MSG_ACQUIRE, a);
    EXPECT_FALSE(decode_event(raw.nlh()).ok());
}

xfrm_user_expire expire_body(bool hard) {
    xfrm_user_expire e{};
    e.state.family = AF_INET6;
    e.state.id.daddr = wire::address(ip("2001:db8::2"));
    e.state.id.spi = htonl(0xc1a5);
    e.state.id.proto = IPPROTO_ESP;
    e.state.saddr = wire::address(ip("2001:db8::1"));
    e.state.reqid = 3;
    e.hard = hard;
    return e;
}

TEST(EventMessage, SoftExpireNamesTheSa) {
    RawMessage raw(XFRM_MSG_EXPIRE, expire_body(false));
    Expire want{SaId{ip("2001:db8::2"), 0xc1a5, Proto::esp, {}}, ip("2001:db8::1"), 3, false};
    EXPECT_EQ(std::get<Expire>(only(raw)), want);
}

TEST(EventMessage, HardExpireCarriesTheSasMark) {
    RawMessage raw(XFRM_MSG_EXPIRE, expire_body(true));
    raw.attr(XFRMA_MARK, xfrm_mark{5, 0xff});
    auto ev = std::get<Expire>(only(raw));
    EXPECT_TRUE(ev.hard);
    EXPECT_EQ(ev.sa.mark, (Mark{5, 0xff}));
}

TEST(EventMessage, ExpireOfUnknownProtocolIsMalformed) {
    auto e = expire_body(true);
    e.state.id.proto = 108;  // IPComp
    RawMessage raw(XFRM_MSG_EXPIRE, e);
    EXPECT_FALSE(decode_event(raw.nlh()).ok());
}

xfrm_user_migrate migrate_entry(const char* new_src, const char* new_dst, std::uint32_t reqid) {
    xfrm_user_migrate m{};
    m.old_family = AF_INET;
    m.old_saddr = wire::address(ip("192.0.2.1"));
    m.old_daddr = wire::address(ip("192.0.2.2"));
    m.new_family = AF_INET;
    m.new_saddr = wire::address(ip(new_src));
    m.new_daddr = wire::address(ip(new_dst));
    m.proto = IPPROTO_ESP;
    m.mode = XFRM_MODE_TUNNEL;
    m.reqid = reqid;
    return m;
}

xfrm_userpolicy_id migrate_policy() {
    xfrm_userpolicy_id id{};
    id.sel = wire::selector(test::selector("10.1.0.0/24", "10.2.0.0/24"));
    id.dir = XFRM_POLICY_OUT;
    return id;
}

TEST(EventMessage, MigrateYieldsOneEventPerEntry) {
    xfrm_user_migrate entries[2] = {migrate_entry("198.51.100.1", "192.0.2.2", 1),
                                    migrate_entry("198.51.100.1", "192.0.2.2", 2)};
    RawMessage raw(XFRM_MSG_MIGRATE, migrate_policy());
    raw.attr(XFRMA_MIGRATE, entries, sizeof entries);
    auto events = decode_event(raw.nlh());
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 2u);
    Migrate want{test::selector("10.1.0.0/24", "10.2.0.0/24"), Dir::out, ip("192.0.2.1"), ip("192.0.2.2"),
                 ip("198.51.100.1"), ip("192.0.2.2"), Proto::esp, Mode::tunnel, 1};
    EXPECT_EQ(std::get<Migrate>((*events)[0]), want);
    EXPECT_EQ(std::get<Migrate>((*events)[1]).reqid, 2u);
}

TEST(EventMessage, MigrateWithoutEntriesIsMalformed) {
    RawMessage raw(XFRM_MSG_MIGRATE, migrate_policy());
    EXPECT_FALSE(decode_event(raw.nlh()).ok());
}

TEST(EventMessage, OtherMessagesCarryNoEvent) {
    RawMessage raw(XFRM_MSG_NEWSA, xfrm_usersa_info{});
    auto events = decode_event(raw.nlh());
    ASSERT_TRUE(events.ok());
    EXPECT_TRUE(events->empty());
}

TEST(EventMessage, TruncatedEventIsMalformed) {
    RawMessage raw(XFRM_MSG_EXPIRE, expire_body(true));
    raw.truncate(NLMSG_HDRLEN + 16);
    EXPECT_FALSE(decode_event(raw.nlh()).ok());
}

}  // namespace
}  // namespace xfrm
