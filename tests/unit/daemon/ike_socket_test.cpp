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
    return r ? *r : std::nullopt;
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
    auto first = receive_one(*b);
    auto second = receive_one(*b);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->data, longer);
    EXPECT_EQ(second->data, shorter);
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
    int raw = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(test_port(4));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::uint8_t keepalive = 0xff;  // RFC 3948 2.3
    ASSERT_EQ(sendto(raw, &keepalive, 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 1);
    close(raw);
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
