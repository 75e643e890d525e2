#include "daemon/ike_socket.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

// Loopback ports of our own, away from 500/4500 so the test needs no privilege.
std::uint16_t test_port(int n) { return static_cast<std::uint16_t>(20000 + (getpid() % 20000) + n); }

net::Endpoint loopback(std::uint16_t port) { return {*net::Address::parse("127.0.0.1"), port}; }

std::optional<ipsecd::Datagram> receive_one(ipsecd::IkeSocket& s) {
    pollfd p{s.fd(), POLLIN, 0};
    if (poll(&p, 1, 1000) != 1) return std::nullopt;
    auto r = s.receive();
    if (!r || r->datagrams.empty()) return std::nullopt;
    return std::move(r->datagrams.front());
}

// A NAT-keepalive (RFC 3948 2.3): one 0xff byte, sent without the non-ESP marker.
void send_keepalive(std::uint16_t port) {
    int raw = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::uint8_t keepalive = 0xff;
    ASSERT_EQ(sendto(raw, &keepalive, 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 1);
    close(raw);
}

// Sends `count` datagrams a -> b, the i-th made of the byte i; loopback queues each at once.
void send_numbered(ipsecd::IkeSocket& a, std::uint16_t from, std::uint16_t to, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        ASSERT_TRUE(a.send(loopback(from), loopback(to), base::Bytes(28, static_cast<std::uint8_t>(i + 1))));
}

}  // namespace

TEST(IkeSocket, DeliversDatagramWithBothEndpoints) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(0), false);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(1), false);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    base::Bytes msg{1, 2, 3, 4, 5};
    ASSERT_TRUE(a->send(loopback(test_port(0)), loopback(test_port(1)), msg));
    auto d = receive_one(*b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->data, msg);
    EXPECT_EQ(d->remote, loopback(test_port(0)));
    EXPECT_EQ(d->local, loopback(test_port(1)));
}

TEST(IkeSocket, DeliversEachDatagramAtItsOwnLengthAfterALongerOne) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(9), false);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(10), false);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    const base::Bytes longer(1200, 0x22), shorter{7, 8, 9};
    ASSERT_TRUE(a->send(loopback(test_port(9)), loopback(test_port(10)), longer));
    ASSERT_TRUE(a->send(loopback(test_port(9)), loopback(test_port(10)), shorter));
    auto burst = b->receive();
    ASSERT_TRUE(burst);
    ASSERT_EQ(burst->datagrams.size(), 2u);
    EXPECT_EQ(burst->datagrams[0].data, longer);
    EXPECT_EQ(burst->datagrams[1].data, shorter);
}

TEST(IkeSocket, NattSocketAddsAndStripsTheNonEspMarker) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(2), true);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(3), true);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    base::Bytes msg(28, 0x11);  // IKE header-sized, first byte non-zero like an SPI
    ASSERT_TRUE(a->send(loopback(test_port(2)), loopback(test_port(3)), msg));
    auto d = receive_one(*b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->data, msg);
}

TEST(IkeSocket, NattSocketPassesNoKeepaliveUp) {
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(4), true);
    ASSERT_TRUE(b) << b.error().message;
    send_keepalive(test_port(4));
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(8), true);
    ASSERT_TRUE(a) << a.error().message;
    base::Bytes msg(28, 0x22);
    ASSERT_TRUE(a->send(loopback(test_port(8)), loopback(test_port(4)), msg));
    // the kernel (or our receive) drops the keepalive; the next datagram is the IKE one
    std::optional<ipsecd::Datagram> d;
    for (int i = 0; i < 2 && !d; ++i) d = receive_one(*b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->data, msg);
}

TEST(IkeSocket, ReportsBindConflictWithContext) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(5), false);
    ASSERT_TRUE(a);
    // a second daemon on the same port must fail loudly, not share it
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(5), false);
    ASSERT_FALSE(b);
    EXPECT_NE(b.error().message.find("binding IPv4 UDP port"), std::string::npos);
}

TEST(IkeSocket, OpensIpv6Sockets) {
    auto a = ipsecd::IkeSocket::open(net::Family::v6, test_port(6), false);
    auto b = ipsecd::IkeSocket::open(net::Family::v6, test_port(7), false);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    net::Endpoint from{*net::Address::parse("::1"), test_port(6)}, to{*net::Address::parse("::1"), test_port(7)};
    base::Bytes msg{9, 8, 7};
    ASSERT_TRUE(a->send(from, to, msg));
    auto d = receive_one(*b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->data, msg);
    EXPECT_EQ(d->local, to);
}

TEST(IkeSocket, ReceivesAQueuedBurstWithOneCallInArrivalOrder) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(11), false);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(12), false);
    ASSERT_TRUE(a && b);
    send_numbered(*a, test_port(11), test_port(12), 5);
    auto burst = b->receive();
    ASSERT_TRUE(burst) << burst.error().message;
    ASSERT_EQ(burst->datagrams.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(burst->datagrams[i].data, base::Bytes(28, static_cast<std::uint8_t>(i + 1)));
    EXPECT_FALSE(burst->more);
}

TEST(IkeSocket, SaysMoreMayBeQueuedWhenABurstFillsEverySlot) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(13), false);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(14), false);
    ASSERT_TRUE(a && b);
    send_numbered(*a, test_port(13), test_port(14), ipsecd::IkeSocket::kBurst + 3);
    auto first = b->receive();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->datagrams.size(), ipsecd::IkeSocket::kBurst);
    EXPECT_TRUE(first->more);
    auto rest = b->receive();
    ASSERT_TRUE(rest);
    ASSERT_EQ(rest->datagrams.size(), 3u);
    EXPECT_EQ(rest->datagrams.back().data, base::Bytes(28, static_cast<std::uint8_t>(ipsecd::IkeSocket::kBurst + 3)));
    EXPECT_FALSE(rest->more);
}

TEST(IkeSocket, LeavesAKeepaliveOutOfABurstAndDeliversTheRest) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(15), true);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(16), true);
    ASSERT_TRUE(a && b);
    send_numbered(*a, test_port(15), test_port(16), 1);
    send_keepalive(test_port(16));
    send_numbered(*a, test_port(15), test_port(16), 2);
    auto burst = b->receive();
    ASSERT_TRUE(burst);
    ASSERT_EQ(burst->datagrams.size(), 3u);
    EXPECT_EQ(burst->datagrams[1].data, base::Bytes(28, 1));
}

TEST(IkeSocket, ReceivesAnEmptyBurstWhenNothingIsQueued) {
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(17), false);
    ASSERT_TRUE(b);
    auto burst = b->receive();
    ASSERT_TRUE(burst);
    EXPECT_TRUE(burst->datagrams.empty());
    EXPECT_FALSE(burst->more);
}

TEST(IkeSocket, SendsABurstWithOneCallInOrder) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(18), false);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(19), false);
    ASSERT_TRUE(a && b);
    std::vector<base::Bytes> payloads;
    for (std::uint8_t i = 1; i <= 4; ++i) payloads.emplace_back(28, i);
    std::vector<ipsecd::IkeSocket::Outgoing> out;
    for (const auto& p : payloads) out.push_back({loopback(test_port(18)), loopback(test_port(19)), p});
    EXPECT_TRUE(a->send_burst(out).empty());
    auto burst = b->receive();
    ASSERT_TRUE(burst);
    ASSERT_EQ(burst->datagrams.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(burst->datagrams[i].data, payloads[i]);
}

TEST(IkeSocket, ReportsTheDatagramOfABurstThatCouldNotGoAndSendsTheRest) {
    auto a = ipsecd::IkeSocket::open(net::Family::v4, test_port(20), false);
    auto b = ipsecd::IkeSocket::open(net::Family::v4, test_port(21), false);
    ASSERT_TRUE(a && b);
    const base::Bytes first(28, 1), refused(28, 2), last(28, 3);
    const net::Endpoint v6{*net::Address::parse("::1"), test_port(21)};  // not for an IPv4 socket
    std::vector<ipsecd::IkeSocket::Outgoing> out{{loopback(test_port(20)), loopback(test_port(21)), first},
                                                 {loopback(test_port(20)), v6, refused},
                                                 {loopback(test_port(20)), loopback(test_port(21)), last}};
    auto failed = a->send_burst(out);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_NE(failed.front().message.find("28 bytes to"), std::string::npos);
    auto burst = b->receive();
    ASSERT_TRUE(burst);
    ASSERT_EQ(burst->datagrams.size(), 2u);
    EXPECT_EQ(burst->datagrams[0].data, first);
    EXPECT_EQ(burst->datagrams[1].data, last);
}
