// Addresses, keys and SAs/policies the xfrm tests share (documentation ranges, RFC 5737/3849).
#pragma once

#include <linux/netlink.h>

#include <cstring>
#include <vector>

#include "xfrm/kernel.hpp"

namespace xfrm::test {

inline net::Address ip(const char* text) { return *net::Address::parse(text); }
inline net::Prefix prefix(const char* text) { return *net::Prefix::parse(text); }

inline base::SecretBytes key(std::size_t n, std::uint8_t first = 1) {
    base::SecretBytes k(n);
    for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<std::uint8_t>(first + i);
    return k;
}

inline Sa gcm_sa(const char* src = "192.0.2.1", const char* dst = "192.0.2.2") {
    Sa sa;
    sa.src = ip(src);
    sa.dst = ip(dst);
    sa.spi = 0xc1a5;
    sa.reqid = 7;
    sa.aead = Aead{"rfc4106(gcm(aes))", key(20), 128};
    return sa;
}

inline Sa cbc_sa(const char* integ, unsigned trunc_bits, std::size_t integ_key) {
    Sa sa = gcm_sa();
    sa.aead.reset();
    sa.cipher = Cipher{"cbc(aes)", key(16)};
    sa.integ = Integrity{integ, key(integ_key, 0x40), trunc_bits};
    return sa;
}

inline Selector selector(const char* src, const char* dst) { return Selector{prefix(src), prefix(dst), 0, 0, 0}; }

inline Policy tunnel_policy(Dir dir = Dir::out) {
    Policy p;
    p.selector = selector("10.1.0.0/24", "10.2.0.0/24");
    p.dir = dir;
    p.priority = 100;
    p.templates = {Template{ip("192.0.2.1"), ip("192.0.2.2"), Proto::esp, Mode::tunnel, 7, 0}};
    return p;
}

// A kernel-style message assembled by hand: header, fixed part, then attributes.
class RawMessage {
public:
    template <class Fixed>
    RawMessage(std::uint16_t type, const Fixed& fixed) : buf_(NLMSG_HDRLEN) {
        append(&fixed, sizeof fixed);
        header().nlmsg_type = type;
    }
    template <class T>
    RawMessage& attr(std::uint16_t type, const T& value) {
        return attr(type, &value, sizeof value);
    }
    RawMessage& attr(std::uint16_t type, const void* data, std::size_t len) {
        nlattr a{static_cast<std::uint16_t>(NLA_HDRLEN + len), type};
        append(&a, sizeof a);
        append(data, len);
        return *this;
    }
    const nlmsghdr& nlh() { return header(); }
    // Cuts the message short (keeps the length field consistent) to test bounds checks.
    RawMessage& truncate(std::size_t len) {
        buf_.resize(len);
        header().nlmsg_len = static_cast<std::uint32_t>(len);
        return *this;
    }

private:
    nlmsghdr& header() { return *reinterpret_cast<nlmsghdr*>(buf_.data()); }
    void append(const void* data, std::size_t len) {
        auto at = buf_.size();
        buf_.resize(NLMSG_ALIGN(at + len));
        std::memcpy(buf_.data() + at, data, len);
        header().nlmsg_len = static_cast<std::uint32_t>(buf_.size());
    }
    std::vector<std::uint8_t> buf_;
};

}  // namespace xfrm::test
