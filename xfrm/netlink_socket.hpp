// A netlink socket (libmnl), NETLINK_XFRM unless told otherwise (NETLINK_ROUTE for
// routing): request/ack transactions on one, multicast events on another. The only file in
// xfrm/ that does socket I/O.
#pragma once

#include <libmnl/libmnl.h>

#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

#include "base/result.hpp"
#include "xfrm/netlink_message.hpp"
#include "xfrm/request_queue.hpp"

namespace xfrm {

class NetlinkSocket final : public NetlinkChannel {
public:
    // groups: multicast groups (XFRMNLGRP_*) to join (event sockets are opened non-blocking).
    static base::Result<NetlinkSocket> open(std::initializer_list<unsigned> groups = {},
                                            int protocol = NETLINK_XFRM);

    int fd() const { return mnl_socket_get_fd(sock_.get()); }

    using ReplyFn = std::function<base::Status(const nlmsghdr&)>;
    // Sends msg and reads until its ack (or the end of a dump), passing each reply to
    // on_reply. The error carries the errno and the kernel's extended ack message, else
    // strerror; without a kernel error, the first error on_reply returned.
    base::Status transact(Message& msg, const ReplyFn& on_reply = {});

    // Reads, without blocking, every message queued and passes each one to fn.
    void drain(const std::function<void(const nlmsghdr&)>& fn);

    // The channel of the request queue (transact() numbers its requests from the same count).
    std::uint32_t next_seq() override { return ++seq_; }
    base::Status send(std::span<const std::uint8_t> batch) override;
    base::Result<std::size_t> receive(std::span<std::uint8_t> buf) override;

private:
    struct Close {
        void operator()(mnl_socket* s) const { mnl_socket_close(s); }
    };
    explicit NetlinkSocket(mnl_socket* s) : sock_(s), buf_(32768) {}

    std::unique_ptr<mnl_socket, Close> sock_;
    std::vector<std::uint8_t> buf_;  // 32 KiB: the kernel fills dump replies up to this
    std::uint32_t seq_ = 0;
};

}  // namespace xfrm
