// UDP sockets for IKE: port 500 and the NAT-T port 4500 (RFC 3948/7296 2.23), IPv4 and
// IPv6. The 4500 socket carries UDP_ENCAP_ESPINUDP so the kernel takes ESP-in-UDP off it;
// IKE datagrams there start with the 4-byte non-ESP marker, stripped on receive and added
// on send. Every socket gets per-socket XFRM bypass policies so our own IPsec policies
// never catch IKE traffic.
#pragma once

#include <optional>

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
    IkeSocket(IkeSocket&& o) noexcept;
    IkeSocket& operator=(IkeSocket&& o) noexcept;
    IkeSocket(const IkeSocket&) = delete;
    IkeSocket& operator=(const IkeSocket&) = delete;
    ~IkeSocket();

    int fd() const { return fd_; }
    net::Family family() const { return family_; }
    std::uint16_t port() const { return port_; }
    bool natt() const { return natt_; }

    // One datagram, or nullopt when nothing is queued (or it was a NAT-keepalive / runt).
    base::Result<std::optional<Datagram>> receive();
    // Sends from local.address (if not any) to remote.
    // `marker` false: a NAT keepalive (RFC 3948 2.3), sent on port 4500 without the marker.
    base::Status send(const net::Endpoint& local, const net::Endpoint& remote, base::ByteView data,
                      bool marker = true);

private:
    IkeSocket(int fd, net::Family f, std::uint16_t port, bool natt)
        : fd_(fd), family_(f), port_(port), natt_(natt) {}
    int fd_ = -1;
    net::Family family_;
    std::uint16_t port_;
    bool natt_;
    // Where recvmsg writes, sized for the largest datagram once: allocating and zeroing 64 KiB
    // for each datagram was 2-3% of a responder's CPU (perf, issue 13).
    base::Bytes buffer_;
};

}  // namespace ipsecd
