#include "daemon/ike_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
// after the libc headers: linux/xfrm.h pulls linux/in6.h, which yields to netinet/in.h
#include <linux/udp.h>
#include <linux/xfrm.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "daemon/shard_steering.hpp"

namespace ipsecd {

namespace {

constexpr std::size_t kMaxDatagram = 65535;
constexpr std::uint8_t kNonEspMarker[4] = {0, 0, 0, 0};  // RFC 3948 2.2

std::string err(const std::string& what) { return what + ": " + std::strerror(errno); }

sockaddr_storage to_sockaddr(const net::Endpoint& e, socklen_t& len) {
    sockaddr_storage ss{};
    if (e.address.family == net::Family::v4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(e.port);
        std::memcpy(&sin->sin_addr, e.address.bytes.data(), 4);
        len = sizeof *sin;
    } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(e.port);
        std::memcpy(&sin6->sin6_addr, e.address.bytes.data(), 16);
        len = sizeof *sin6;
    }
    return ss;
}

net::Endpoint from_sockaddr(const sockaddr_storage& ss) {
    net::Endpoint e;
    if (ss.ss_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
        e.address.family = net::Family::v4;
        std::memcpy(e.address.bytes.data(), &sin->sin_addr, 4);
        e.port = ntohs(sin->sin_port);
    } else {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        e.address.family = net::Family::v6;
        std::memcpy(e.address.bytes.data(), &sin6->sin6_addr, 16);
        e.port = ntohs(sin6->sin6_port);
    }
    return e;
}

// One datagram's sendmsg header and what it points at: the peer's address, the non-ESP
// marker and the data, our source address (IP_PKTINFO / IPV6_PKTINFO).
struct OutMessage {
    sockaddr_storage to{};
    iovec iov[2]{};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
};

msghdr prepare(OutMessage& m, net::Family family, bool marker, const net::Endpoint& local,
               const net::Endpoint& remote, base::ByteView data) {
    socklen_t tolen = 0;
    m.to = to_sockaddr(remote, tolen);
    std::size_t niov = 0;
    if (marker) m.iov[niov++] = {const_cast<std::uint8_t*>(kNonEspMarker), sizeof kNonEspMarker};
    m.iov[niov++] = {const_cast<std::uint8_t*>(data.data()), data.size()};
    msghdr msg{};
    msg.msg_name = &m.to;
    msg.msg_namelen = tolen;
    msg.msg_iov = m.iov;
    msg.msg_iovlen = niov;
    if (local.address.is_any()) return msg;  // else choose our source address explicitly
    msg.msg_control = m.control;
    cmsghdr* c = reinterpret_cast<cmsghdr*>(m.control);
    if (family == net::Family::v4) {
        in_pktinfo pi{};
        std::memcpy(&pi.ipi_spec_dst, local.address.bytes.data(), 4);
        c->cmsg_level = IPPROTO_IP, c->cmsg_type = IP_PKTINFO, c->cmsg_len = CMSG_LEN(sizeof pi);
        std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
        msg.msg_controllen = CMSG_SPACE(sizeof pi);
    } else {
        in6_pktinfo pi{};
        std::memcpy(&pi.ipi6_addr, local.address.bytes.data(), 16);
        c->cmsg_level = IPPROTO_IPV6, c->cmsg_type = IPV6_PKTINFO, c->cmsg_len = CMSG_LEN(sizeof pi);
        std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
        msg.msg_controllen = CMSG_SPACE(sizeof pi);
    }
    return msg;
}

// Per-socket policies with action "allow" take precedence over the global SPD, so IKE
// packets pass in the clear whatever policies we install (as every IKE daemon does).
base::Status bypass_ipsec(int fd, net::Family family) {
    int level = family == net::Family::v4 ? IPPROTO_IP : IPPROTO_IPV6;
    int opt = family == net::Family::v4 ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;
    for (auto dir : {XFRM_POLICY_IN, XFRM_POLICY_OUT}) {
        xfrm_userpolicy_info pol{};
        pol.action = XFRM_POLICY_ALLOW;
        pol.sel.family = family == net::Family::v4 ? AF_INET : AF_INET6;
        pol.dir = static_cast<std::uint8_t>(dir);
        pol.lft.soft_byte_limit = pol.lft.hard_byte_limit = XFRM_INF;
        pol.lft.soft_packet_limit = pol.lft.hard_packet_limit = XFRM_INF;
        if (setsockopt(fd, level, opt, &pol, sizeof pol) < 0)
            return base::fail(err("setting the IPsec bypass policy on the IKE socket"), errno);
    }
    return {};
}

base::Status set_int(int fd, int level, int opt, int value, const char* what) {
    if (setsockopt(fd, level, opt, &value, sizeof value) < 0) return base::fail(err(what), errno);
    return {};
}

}  // namespace

base::Result<IkeSocket> IkeSocket::open(net::Family family, std::uint16_t port, bool natt) {
    return open(family, port, natt, 1, 0);
}

base::Result<std::vector<IkeSocket>> IkeSocket::open_group(net::Family family, std::uint16_t port, bool natt,
                                                           unsigned shards) {
    std::vector<IkeSocket> group;
    for (unsigned i = 0; i < shards; ++i) {
        auto s = open(family, port, natt, shards, i);  // bound in order: the group's i-th
        if (!s) return base::Unexpected{std::move(s.error())};
        group.push_back(std::move(*s));
    }
    return group;
}

base::Result<IkeSocket> IkeSocket::open(net::Family family, std::uint16_t port, bool natt, unsigned shards,
                                        unsigned index) {
    int af = family == net::Family::v4 ? AF_INET : AF_INET6;
    int fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    std::string where = std::string(family == net::Family::v4 ? "IPv4" : "IPv6") + " UDP port " +
                        std::to_string(port);
    if (fd < 0) return base::fail(err("opening the IKE socket on " + where), errno);
    IkeSocket sock(fd, family, port, natt);
    // No SO_REUSEADDR, and SO_REUSEPORT only for a group of shards: either would let a second
    // daemon share our ports silently (a group lets a process of our user join it, but the
    // program steers only to its first `shards` sockets, ours).
    base::Status st;
    if (family == net::Family::v4) st = set_int(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
    if (family == net::Family::v6) {
        st = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
        if (st) st = set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
    }
    if (st) st = bypass_ipsec(fd, family);
    if (st && natt) st = set_int(fd, IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP, "UDP_ENCAP_ESPINUDP");
    if (st && shards > 1) st = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
    if (st && shards > 1 && index == 0) st = attach_shard_steering(fd, natt, shards, true);
    if (!st) return base::fail(where + ": " + st.error().message, st.error().code);
    socklen_t len = 0;
    sockaddr_storage ss = to_sockaddr({net::Address::any(family), port}, len);
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0)
        return base::fail(err("binding " + where), errno);
    return sock;
}

IkeSocket::IkeSocket(IkeSocket&& o) noexcept
    : fd_(o.fd_), family_(o.family_), port_(o.port_), natt_(o.natt_), slots_(std::move(o.slots_)) {
    o.fd_ = -1;
}

IkeSocket& IkeSocket::operator=(IkeSocket&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) close(fd_);
        fd_ = o.fd_, family_ = o.family_, port_ = o.port_, natt_ = o.natt_;
        slots_ = std::move(o.slots_);
        o.fd_ = -1;
    }
    return *this;
}

IkeSocket::~IkeSocket() {
    if (fd_ >= 0) close(fd_);
}

base::Result<IkeSocket::Burst> IkeSocket::receive() {
    if (!slots_) slots_ = std::make_unique_for_overwrite<std::uint8_t[]>(kBurst * kMaxDatagram);
    std::array<sockaddr_storage, kBurst> from{};
    alignas(cmsghdr) char control[kBurst][256];
    std::array<iovec, kBurst> iov{};
    std::array<mmsghdr, kBurst> msgs{};
    for (std::size_t i = 0; i < kBurst; ++i) {
        iov[i] = {slots_.get() + i * kMaxDatagram, kMaxDatagram};
        msghdr& m = msgs[i].msg_hdr;
        m.msg_name = &from[i];
        m.msg_namelen = sizeof from[i];
        m.msg_iov = &iov[i];
        m.msg_iovlen = 1;
        m.msg_control = control[i];
        m.msg_controllen = sizeof control[i];
    }
    Burst burst;
    int n = recvmmsg(fd_, msgs.data(), kBurst, 0, nullptr);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return burst;
        return base::fail(err("receiving on UDP port " + std::to_string(port_)), errno);
    }
    burst.more = static_cast<std::size_t>(n) == kBurst;
    for (int i = 0; i < n; ++i)
        if (auto d = unpack(msgs[i].msg_hdr, msgs[i].msg_len)) burst.datagrams.push_back(std::move(*d));
    return burst;
}

std::optional<Datagram> IkeSocket::unpack(const msghdr& msg, std::size_t length) const {
    const auto* bytes = static_cast<const std::uint8_t*>(msg.msg_iov->iov_base);
    Datagram d;
    d.remote = from_sockaddr(*static_cast<const sockaddr_storage*>(msg.msg_name));
    d.local.port = port_;
    d.local.address = net::Address::any(family_);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo pi;
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            std::memcpy(d.local.address.bytes.data(), &pi.ipi_addr, 4);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo pi;
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            std::memcpy(d.local.address.bytes.data(), &pi.ipi6_addr, 16);
        }
    }
    std::size_t off = 0;
    if (natt_) {
        // A one-byte 0xff datagram is a NAT-keepalive (RFC 3948 2.3); IKE needs the marker.
        if (length < sizeof kNonEspMarker || std::memcmp(bytes, kNonEspMarker, 4) != 0) return std::nullopt;
        off = sizeof kNonEspMarker;
    }
    d.data.assign(bytes + off, bytes + length);
    return d;
}

base::Status IkeSocket::send(const net::Endpoint& local, const net::Endpoint& remote,
                             base::ByteView data, bool marker) {
    const Outgoing one{local, remote, data, marker};
    auto failed = send_burst({&one, 1});
    if (!failed.empty()) return base::Unexpected{std::move(failed.front())};
    return {};
}

std::vector<base::Error> IkeSocket::send_burst(std::span<const Outgoing> datagrams) {
    std::vector<OutMessage> messages(datagrams.size());  // sized once: each msghdr points into its own
    std::vector<mmsghdr> headers(datagrams.size());
    for (std::size_t i = 0; i < datagrams.size(); ++i) {
        const Outgoing& d = datagrams[i];
        headers[i].msg_hdr = prepare(messages[i], family_, natt_ && d.marker, d.local, d.remote, d.data);
    }
    std::vector<base::Error> failed;
    for (std::size_t i = 0; i < datagrams.size();) {
        int n = sendmmsg(fd_, headers.data() + i, static_cast<unsigned>(datagrams.size() - i), 0);
        if (n > 0) {
            i += static_cast<std::size_t>(n);
            continue;
        }
        const int code = errno;
        if (code == EINTR) continue;
        // The kernel stops a burst at the first datagram it refuses: report it, send the rest.
        failed.push_back({"sending " + std::to_string(datagrams[i].data.size()) + " bytes to " +
                              datagrams[i].remote.str() + ": " + std::strerror(code),
                          code});
        ++i;
    }
    return failed;
}

}  // namespace ipsecd
