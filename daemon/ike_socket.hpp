// UDP sockets for IKE: port 500 and the NAT-T port 4500 (RFC 3948/7296 2.23), IPv4 and
// IPv6. The 4500 socket carries UDP_ENCAP_ESPINUDP so the kernel takes ESP-in-UDP off it;
// IKE datagrams there start with the 4-byte non-ESP marker, stripped on receive and added
// on send. Every socket gets per-socket XFRM bypass policies so our own IPsec policies
// never catch IKE traffic.
#pragma once

#include <sys/socket.h>

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "net/address.hpp"

namespace ipsecd {

struct Datagram {
    net::Endpoint local;   // where it arrived (IP_PKTINFO / IPV6_PKTINFO)
    net::Endpoint remote;
    base::Bytes data;      // the IKE message, without the non-ESP marker
};

class IkeSocket {
public:
    // natt: port 4500 semantics (ESP-in-UDP decapsulation, non-ESP marker).
    static base::Result<IkeSocket> open(net::Family family, std::uint16_t port, bool natt);
    // An SO_REUSEPORT group of `shards` sockets (1 to 256) on the port, the i-th for shard i,
    // steered by our SPI (shard_steering.hpp). One shard is one socket without SO_REUSEPORT,
    // open()'s: the port stays ours alone (a second daemon's bind fails).
    static base::Result<std::vector<IkeSocket>> open_group(net::Family family, std::uint16_t port, bool natt,
                                                           unsigned shards);
    IkeSocket(IkeSocket&& o) noexcept;
    IkeSocket& operator=(IkeSocket&& o) noexcept;
    IkeSocket(const IkeSocket&) = delete;
    IkeSocket& operator=(const IkeSocket&) = delete;
    ~IkeSocket();

    int fd() const { return fd_; }
    net::Family family() const { return family_; }
    std::uint16_t port() const { return port_; }
    bool natt() const { return natt_; }

    // What one recvmmsg(2) took off the queue: a wakeup serves a burst of datagrams with one
    // system call, not one each (issue 13).
    static constexpr std::size_t kBurst = 8;
    struct Burst {
        std::vector<Datagram> datagrams;  // in arrival order; NAT-keepalives and runts left out
        bool more = false;                // every slot was filled: more may be queued
    };
    // Up to kBurst queued datagrams; none when nothing is queued.
    base::Result<Burst> receive();
    // Sends from local.address (if not any) to remote.
    // `marker` false: a NAT keepalive (RFC 3948 2.3), sent on port 4500 without the marker.
    base::Status send(const net::Endpoint& local, const net::Endpoint& remote, base::ByteView data,
                      bool marker = true);
    struct Outgoing {
        net::Endpoint local, remote;
        base::ByteView data;
        bool marker = true;
    };
    // Sends them in order with one sendmmsg(2) (more only if the kernel takes fewer), so the
    // answers to a burst cost one system call; one error for each datagram that did not go.
    std::vector<base::Error> send_burst(std::span<const Outgoing> datagrams);

private:
    // The group's `index`-th socket.
    static base::Result<IkeSocket> open(net::Family family, std::uint16_t port, bool natt, unsigned shards,
                                        unsigned index);
    IkeSocket(int fd, net::Family f, std::uint16_t port, bool natt)
        : fd_(fd), family_(f), port_(port), natt_(natt) {}
    int fd_ = -1;
    net::Family family_;
    std::uint16_t port_;
    bool natt_;
    std::optional<Datagram> unpack(const msghdr& msg, std::size_t length) const;
    // Where recvmmsg writes: kBurst slots, each sized for the largest datagram, allocated once
    // and not zeroed (allocating and zeroing 64 KiB per datagram was 2-3% of a responder's CPU,
    // perf, issue 13); pages the kernel never writes to cost no memory.
    std::unique_ptr<std::uint8_t[]> slots_;
};

}  // namespace ipsecd
