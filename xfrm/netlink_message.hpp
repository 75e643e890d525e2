// One netlink request built in a fixed buffer with size checks (every attribute goes
// through mnl_attr_put_check), the parsing of replies' attributes, and of the kernel's ack.
// Pure: no sockets here, so the encoders and decoders are testable byte for byte.
#pragma once

#include <linux/netlink.h>
#include <linux/xfrm.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace xfrm {

class Message {
public:
    static constexpr std::size_t capacity = 4096;  // > an SA with keys or 6 policy templates

    // NLM_F_REQUEST is always set.
    Message(std::uint16_t type, std::uint16_t flags);
    Message(const Message& other);
    Message& operator=(const Message& other);
    ~Message();  // scrubs the buffer: SA messages carry keys

    // The message's fixed header (xfrm_usersa_info, ...), zeroed; called once, first.
    template <class T>
    T& header() {
        return *static_cast<T*>(mnl_extra_header(sizeof(T)));
    }
    // False when the attribute does not fit; the message is then left unchanged.
    bool put(std::uint16_t type, const void* data, std::size_t len);
    template <class T>
    bool put(std::uint16_t type, const T& value) {
        return put(type, &value, sizeof value);
    }

    nlmsghdr& nlh() { return *reinterpret_cast<nlmsghdr*>(buf_.data()); }
    const nlmsghdr& nlh() const { return *reinterpret_cast<const nlmsghdr*>(buf_.data()); }
    std::size_t size() const { return nlh().nlmsg_len; }

private:
    void* mnl_extra_header(std::size_t size);
    alignas(8) std::array<std::uint8_t, capacity> buf_{};
};

const void* attr_payload(const nlattr* attr);
std::size_t attr_payload_len(const nlattr* attr);

// Attributes of a message after its fixed header, indexed by XFRMA_*; each one present
// has at least the size of the structure it carries.
using Attrs = std::array<const nlattr*, XFRMA_MAX + 1>;
base::Result<Attrs> parse_attrs(const nlmsghdr& nlh, std::size_t header_len);

// Netlink aligns to 4 bytes only, and XFRM structures hold 64-bit counters: they are read
// by copy, never through a pointer into the message.

// The fixed header of a message, or an error when the message is shorter.
template <class T>
base::Result<T> fixed_header(const nlmsghdr& nlh) {
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(T))
        return base::fail("netlink message type " + std::to_string(nlh.nlmsg_type) + " truncated");
    T value;
    std::memcpy(&value, reinterpret_cast<const std::uint8_t*>(&nlh) + NLMSG_HDRLEN, sizeof value);
    return value;
}

// The i-th T of an attribute's payload; the caller has checked the payload's length.
template <class T>
T attr_value(const nlattr* attr, std::size_t i = 0) {
    T value;
    std::memcpy(&value, static_cast<const std::uint8_t*>(attr_payload(attr)) + i * sizeof(T), sizeof value);
    return value;
}

// NLMSG_ERROR: errno 0 is an ack. message is the kernel's extended ack text, if any.
struct Ack {
    int error = 0;  // positive errno
    std::string message;
};
std::optional<Ack> decode_ack(const nlmsghdr& nlh);

}  // namespace xfrm
