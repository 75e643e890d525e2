// NetlinkKernel against the host's kernel, inside a private network namespace so the host's
// own XFRM state is never touched. The host has XFRM policies but no ESP/AH types: SAs are
// rejected (which the error-path tests rely on), SPI allocation and policies work. The
// process must be root: without unshare(CLONE_NEWNET) every test fails, none is skipped.
#include "xfrm/netlink_kernel.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "private_netns.hpp"
#include "samples.hpp"
#include "xfrm/wire.hpp"

namespace xfrm {
namespace {

using test::gcm_sa;
using test::ip;
using test::tunnel_policy;

class NetlinkKernelTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(test::private_netns_error(), "");
        auto k = NetlinkKernel::open();
        ASSERT_TRUE(k.ok()) << k.error().message;
        kernel = std::move(*k);
    }
    void TearDown() override {
        if (!kernel) return;
        auto flushed = kernel->flush_owned();
        EXPECT_TRUE(flushed.ok()) << flushed.error().message;
    }
    std::vector<Policy> policies() {
        auto list = kernel->list_policies();
        EXPECT_TRUE(list.ok()) << list.error().message;
        return list ? *list : std::vector<Policy>{};
    }
    // Waits up to a second for events and dispatches them.
    std::vector<Event> wait_events() {
        std::vector<Event> got;
        kernel->set_event_handler([&](const Event& ev) { got.push_back(ev); });
        pollfd p{kernel->event_fd(), POLLIN, 0};
        if (poll(&p, 1, 1000) == 1) kernel->dispatch_events();
        return got;
    }
    std::unique_ptr<NetlinkKernel> kernel;
};

bool contains(const std::vector<Policy>& list, const Policy& p) {
    return std::find(list.begin(), list.end(), p) != list.end();
}

TEST_F(NetlinkKernelTest, AddedPolicyIsListedAsGiven) {
    auto p = tunnel_policy();
    ASSERT_TRUE(kernel->add_policy(p).ok());
    EXPECT_TRUE(contains(policies(), p));
}

TEST_F(NetlinkKernelTest, Ipv6TransportPolicyWithMarkAndIfIdIsListedAsGiven) {
    Policy p;
    p.selector = Selector{test::prefix("2001:db8::1/128"), test::prefix("2001:db8::2/128"), 6, 0, 443};
    p.dir = Dir::in;
    p.priority = 7;
    p.templates = {Template{net::Address::any(net::Family::v6), net::Address::any(net::Family::v6), Proto::esp,
                            Mode::transport, 3, 0}};
    p.mark = Mark{0x10, 0xff};
    p.if_id = 5;
    auto ok = kernel->add_policy(p);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_TRUE(contains(policies(), p));
}

TEST_F(NetlinkKernelTest, BlockPolicyInEveryDirection) {
    for (auto dir : {Dir::in, Dir::out, Dir::fwd}) {
        auto p = tunnel_policy(dir);
        p.action = Action::block;
        p.templates.clear();
        ASSERT_TRUE(kernel->add_policy(p).ok()) << to_string(dir);
        EXPECT_TRUE(contains(policies(), p)) << to_string(dir);
    }
}

TEST_F(NetlinkKernelTest, UpdatePolicyReplacesIt) {
    auto p = tunnel_policy();
    ASSERT_TRUE(kernel->add_policy(p).ok());
    p.priority = 50;
    p.templates[0].reqid = 8;
    ASSERT_TRUE(kernel->update_policy(p).ok());
    auto list = policies();
    EXPECT_TRUE(contains(list, p));
    EXPECT_EQ(list.size(), 1u);
}

TEST_F(NetlinkKernelTest, UpdatePolicyCreatesAMissingOne) {
    ASSERT_TRUE(kernel->update_policy(tunnel_policy()).ok());
    EXPECT_TRUE(contains(policies(), tunnel_policy()));
}

TEST_F(NetlinkKernelTest, DeletedPolicyIsGone) {
    ASSERT_TRUE(kernel->add_policy(tunnel_policy()).ok());
    ASSERT_TRUE(kernel->delete_policy(tunnel_policy().id()).ok());
    EXPECT_TRUE(policies().empty());
}

TEST_F(NetlinkKernelTest, DuplicatePolicyFailsWithEexistAndContext) {
    ASSERT_TRUE(kernel->add_policy(tunnel_policy()).ok());
    auto again = kernel->add_policy(tunnel_policy());
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, EEXIST);
    EXPECT_EQ(again.error().message, "adding out policy 10.1.0.0/24→10.2.0.0/24: File exists");
}

TEST_F(NetlinkKernelTest, DeletingMissingPolicyFailsWithEnoentAndContext) {
    auto s = kernel->delete_policy(tunnel_policy().id());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ENOENT);
    EXPECT_EQ(s.error().message, "deleting out policy 10.1.0.0/24→10.2.0.0/24: No such file or directory");
}

// 300 policies: several batches of the request queue in one flush, read back by the dump.
TEST_F(NetlinkKernelTest, QueuedPoliciesAreAllAddedAndADuplicateFailsAloneWithItsContext) {
    std::vector<Status> results;
    auto record = [&](const Status& s) { results.push_back(s); };
    std::vector<Policy> added;
    for (unsigned i = 0; i < 300; ++i) {
        auto p = tunnel_policy();
        p.selector.dst = net::Prefix::host(net::Address::v4(0x0a020000 + i));
        added.push_back(p);
        kernel->queue_policy(p, false, record);
        if (i == 150) kernel->queue_policy(added.front(), false, record);
    }
    kernel->flush();
    ASSERT_EQ(results.size(), 301u);
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (i == 151) continue;
        EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].error().message;
    }
    ASSERT_FALSE(results[151].ok());
    EXPECT_EQ(results[151].error().code, EEXIST);
    EXPECT_EQ(results[151].error().message, "adding out policy 10.1.0.0/24→10.2.0.0/32: File exists");
    EXPECT_EQ(policies().size(), 300u);
    ASSERT_TRUE(kernel->flush_owned().ok());
    EXPECT_TRUE(policies().empty());
}

TEST_F(NetlinkKernelTest, InvalidPolicyIsRefusedBeforeTheKernel) {
    auto p = tunnel_policy();
    p.templates.assign(7, p.templates.front());
    auto s = kernel->add_policy(p);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message.rfind("adding out policy 10.1.0.0/24→10.2.0.0/24: ", 0), 0u);
    EXPECT_FALSE(kernel->update_policy(p).ok());
}

TEST_F(NetlinkKernelTest, FlushOwnedLeavesOtherSoftwaresPoliciesAlone) {
    auto other = NetlinkKernel::open();
    ASSERT_TRUE(other.ok());
    auto theirs = tunnel_policy(Dir::in);
    ASSERT_TRUE((*other)->add_policy(theirs).ok());
    ASSERT_TRUE(kernel->add_policy(tunnel_policy(Dir::out)).ok());
    ASSERT_TRUE(kernel->add_policy(tunnel_policy(Dir::fwd)).ok());
    ASSERT_TRUE(kernel->flush_owned().ok());
    auto list = policies();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list.front(), theirs);
    ASSERT_TRUE((*other)->flush_owned().ok());
    EXPECT_TRUE(policies().empty());
}

TEST_F(NetlinkKernelTest, FlushOwnedToleratesStateRemovedBehindItsBack) {
    auto other = NetlinkKernel::open();
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(kernel->add_policy(tunnel_policy()).ok());
    auto spi = kernel->alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1);
    ASSERT_TRUE(spi.ok());
    ASSERT_TRUE((*other)->delete_policy(tunnel_policy().id()).ok());
    ASSERT_TRUE((*other)->delete_sa(SaId{ip("192.0.2.2"), *spi, Proto::esp, {}}).ok());
    EXPECT_TRUE(kernel->flush_owned().ok());
}

TEST_F(NetlinkKernelTest, AllocatedSpiIsALarvalSaInRange) {
    auto spi = kernel->alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 42, 0x1000, 0x1fff);
    ASSERT_TRUE(spi.ok()) << spi.error().message;
    EXPECT_GE(*spi, 0x1000u);
    EXPECT_LE(*spi, 0x1fffu);
    auto info = kernel->get_sa(SaId{ip("192.0.2.2"), *spi, Proto::esp, {}});
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->spi, *spi);
    EXPECT_EQ(info->src, ip("192.0.2.1"));
    EXPECT_EQ(info->reqid, 42u);
    EXPECT_GT(info->counters.add_time, 0u);
    EXPECT_EQ(info->counters.bytes, 0u);
}

TEST_F(NetlinkKernelTest, SasAreListedWithTheirReqids) {
    auto spi = kernel->alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 42);
    ASSERT_TRUE(spi.ok()) << spi.error().message;
    auto sas = kernel->list_sas();
    ASSERT_TRUE(sas.ok()) << sas.error().message;
    ASSERT_EQ(sas->size(), 1u);
    EXPECT_EQ(sas->front().spi, *spi);
    EXPECT_EQ(sas->front().dst, ip("192.0.2.2"));
    EXPECT_EQ(sas->front().reqid, 42u);
}

TEST_F(NetlinkKernelTest, AllocatedIpv6AhSpisDiffer) {
    auto a = kernel->alloc_spi(ip("2001:db8::1"), ip("2001:db8::2"), Proto::ah, 1);
    auto b = kernel->alloc_spi(ip("2001:db8::1"), ip("2001:db8::2"), Proto::ah, 2);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(*a, *b);
    EXPECT_EQ(kernel->get_sa(SaId{ip("2001:db8::2"), *a, Proto::ah, {}})->proto, Proto::ah);
}

TEST_F(NetlinkKernelTest, FlushOwnedDeletesAllocatedSpis) {
    auto spi = kernel->alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1);
    ASSERT_TRUE(spi.ok());
    ASSERT_TRUE(kernel->flush_owned().ok());
    EXPECT_FALSE(kernel->get_sa(SaId{ip("192.0.2.2"), *spi, Proto::esp, {}}).ok());
}

TEST_F(NetlinkKernelTest, DeletedSaIsGoneAndMissingSaIsNotFound) {
    auto spi = kernel->alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 1);
    ASSERT_TRUE(spi.ok());
    SaId id{ip("192.0.2.2"), *spi, Proto::esp, {}};
    ASSERT_TRUE(kernel->delete_sa(id).ok());
    auto again = kernel->delete_sa(id);
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(is_not_found(again.error()));
    EXPECT_EQ(again.error().message.rfind("deleting " + describe(id) + ": ", 0), 0u) << again.error().message;
    auto got = kernel->get_sa(id);
    ASSERT_FALSE(got.ok());
    EXPECT_TRUE(is_not_found(got.error()));
    EXPECT_EQ(got.error().message.rfind("reading " + describe(id) + ": ", 0), 0u);
}

// No ESP on the host: the kernel refuses the SA, and the error names it.
TEST_F(NetlinkKernelTest, RejectedEspSaErrorNamesTheSa) {
    auto s = kernel->add_sa(gcm_sa());
    ASSERT_FALSE(s.ok()) << "the host kernel accepted an ESP SA: these tests assume it has no ESP";
    EXPECT_NE(s.error().code, 0);
    EXPECT_EQ(s.error().message.rfind("adding ESP SA spi 0x0000c1a5 192.0.2.1→192.0.2.2: ", 0), 0u)
        << s.error().message;
    std::printf("kernel said: %s\n", s.error().message.c_str());
}

TEST_F(NetlinkKernelTest, RejectedAhSaErrorNamesTheSa) {
    auto sa = test::cbc_sa("hmac(sha256)", 128, 32);
    sa.cipher.reset();
    sa.proto = Proto::ah;
    auto s = kernel->add_sa(sa);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message.rfind("adding AH SA spi 0x0000c1a5 192.0.2.1→192.0.2.2: ", 0), 0u)
        << s.error().message;
    std::printf("kernel said: %s\n", s.error().message.c_str());
}

TEST_F(NetlinkKernelTest, CompletingLarvalSaIsRejectedNamingTheSa) {
    auto spi = kernel->alloc_spi(ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, 7);
    ASSERT_TRUE(spi.ok());
    auto sa = gcm_sa();
    sa.spi = *spi;
    auto s = kernel->update_sa(sa);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message.rfind("updating " + describe(sa) + ": ", 0), 0u) << s.error().message;
}

TEST_F(NetlinkKernelTest, InvalidSaIsRefusedBeforeTheKernel) {
    auto sa = gcm_sa();
    sa.esn = true;
    sa.replay_window = 0;
    auto s = kernel->add_sa(sa);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, EINVAL);
    EXPECT_EQ(s.error().message, "adding ESP SA spi 0x0000c1a5 192.0.2.1→192.0.2.2: ESP SA spi 0x0000c1a5 "
                                 "192.0.2.1→192.0.2.2: ESN needs a replay window");
}

TEST_F(NetlinkKernelTest, NoEventsMeansDispatchReturnsAtOnce) {
    bool called = false;
    kernel->set_event_handler([&](const Event&) { called = true; });
    kernel->dispatch_events();
    EXPECT_FALSE(called);
}

// A packet that matches an outbound policy whose template has no SA makes the kernel ask the
// key manager for one (XFRM_MSG_ACQUIRE); that needs no ESP support in the kernel.
TEST_F(NetlinkKernelTest, PacketMatchingOutPolicyWithoutSaRaisesAcquire) {
    // The kernel keeps the acquire's larval SA for a while and asks only once per flow: each
    // run (--gtest_repeat) uses a new destination.
    static std::uint32_t run = 0;
    auto dst = net::Address::v4(0x7f000002 + run++);
    Policy p;
    p.selector = Selector{test::prefix("127.0.0.1/32"), net::Prefix::host(dst), 17, 0, 0};
    p.templates = {Template{ip("127.0.0.1"), dst, Proto::esp, Mode::tunnel, 9, 0}};
    ASSERT_TRUE(kernel->add_policy(p).ok());
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in from{AF_INET, htons(40000), {htonl(INADDR_LOOPBACK)}, {}};
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
    sockaddr_in to{AF_INET, htons(9), {}, {}};
    std::memcpy(&to.sin_addr, dst.bytes.data(), 4);
    (void)sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);  // EAGAIN: no SA yet
    close(fd);
    auto events = wait_events();
    ASSERT_EQ(events.size(), 1u);
    Acquire want{Selector{test::prefix("127.0.0.1/32"), net::Prefix::host(dst), 17, 40000, 9}, ip("127.0.0.1"), dst,
                 Proto::esp, 9};
    EXPECT_EQ(std::get<Acquire>(events.front()), want);
}

// XFRM_MSG_MIGRATE sent to the kernel moves the policy's template and is multicast back to
// key managers on XFRMNLGRP_MIGRATE.
TEST_F(NetlinkKernelTest, MigrateOfAPolicyIsReportedAsEvent) {
    auto p = tunnel_policy();
    ASSERT_TRUE(kernel->add_policy(p).ok());
    Message m(XFRM_MSG_MIGRATE, NLM_F_ACK);
    auto& id = m.header<xfrm_userpolicy_id>();
    id.sel = wire::selector(p.selector);
    id.dir = XFRM_POLICY_OUT;
    xfrm_user_migrate entry{};
    entry.old_saddr = wire::address(ip("192.0.2.1"));
    entry.old_daddr = wire::address(ip("192.0.2.2"));
    entry.new_saddr = wire::address(ip("198.51.100.1"));
    entry.new_daddr = wire::address(ip("192.0.2.2"));
    entry.old_family = entry.new_family = AF_INET;
    entry.proto = IPPROTO_ESP;
    entry.mode = XFRM_MODE_TUNNEL;
    entry.reqid = 7;
    ASSERT_TRUE(m.put(XFRMA_MIGRATE, entry));
    auto sock = NetlinkSocket::open();
    ASSERT_TRUE(sock.ok());
    auto sent = sock->transact(m);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    auto events = wait_events();
    ASSERT_EQ(events.size(), 1u);
    Migrate want{p.selector, Dir::out, ip("192.0.2.1"), ip("192.0.2.2"), ip("198.51.100.1"), ip("192.0.2.2"),
                 Proto::esp, Mode::tunnel, 7};
    EXPECT_EQ(std::get<Migrate>(events.front()), want);
    p.templates[0].src = ip("198.51.100.1");
    EXPECT_TRUE(contains(policies(), p));
}

// Policies hashed or not, the kernel lists and matches the same ones; the namespace is left
// with its defaults for the other tests.
TEST_F(NetlinkKernelTest, SpdHashThresholdsAreSetAndReadBack) {
    const SpdHashThresholds wanted{SpdHashThreshold{24, 32}, SpdHashThreshold{64, 128}};
    ASSERT_TRUE(kernel->set_spd_hash_thresholds(wanted));
    auto got = kernel->spd_hash_thresholds();
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, wanted);
    auto p = tunnel_policy();
    ASSERT_TRUE(kernel->add_policy(p).ok());
    EXPECT_TRUE(contains(policies(), p));
    ASSERT_TRUE(kernel->set_spd_hash_thresholds(SpdHashThresholds{}));
    EXPECT_EQ(*kernel->spd_hash_thresholds(), SpdHashThresholds{});
}

TEST_F(NetlinkKernelTest, SpdHashThresholdsLongerThanTheAddressAreRefusedWithContext) {
    auto ok = kernel->set_spd_hash_thresholds({SpdHashThreshold{33, 32}, std::nullopt});
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, EINVAL);
    EXPECT_NE(ok.error().message.find("setting the SPD hash thresholds IPv4 33/32"), std::string::npos)
        << ok.error().message;
}

}  // namespace
}  // namespace xfrm
