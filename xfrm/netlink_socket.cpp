#include "xfrm/netlink_socket.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace xfrm {

static base::Unexpected<base::Error> errno_fail(const std::string& what) {
    int e = errno;
    return base::fail(what + ": " + std::strerror(e), e);
}

base::Result<NetlinkSocket> NetlinkSocket::open(std::initializer_list<unsigned> groups, int protocol) {
    const std::string name = protocol == NETLINK_XFRM ? "NETLINK_XFRM" : "netlink protocol " + std::to_string(protocol);
    int flags = SOCK_CLOEXEC | (groups.size() ? SOCK_NONBLOCK : 0);
    auto* raw = mnl_socket_open2(protocol, flags);
    if (!raw) return errno_fail("opening " + name + " socket");
    NetlinkSocket s(raw);
    if (mnl_socket_bind(raw, 0, MNL_SOCKET_AUTOPID) < 0) return errno_fail("binding " + name + " socket");
    // Errors come back with the kernel's own explanation and without the echoed request.
    int on = 1;
    mnl_socket_setsockopt(raw, NETLINK_EXT_ACK, &on, sizeof on);
    mnl_socket_setsockopt(raw, NETLINK_CAP_ACK, &on, sizeof on);
    for (unsigned g : groups)
        if (mnl_socket_setsockopt(raw, NETLINK_ADD_MEMBERSHIP, &g, sizeof g) < 0)
            return errno_fail("joining " + name + " multicast group " + std::to_string(g));
    return s;
}

namespace {
struct Transaction {
    const NetlinkSocket::ReplyFn* on_reply;
    base::Status status;
    std::optional<Ack> ack;
};

int on_data(const nlmsghdr* nlh, void* data) {
    auto* t = static_cast<Transaction*>(data);
    if (*t->on_reply && t->status) t->status = (*t->on_reply)(*nlh);
    return MNL_CB_OK;
}

int on_error(const nlmsghdr* nlh, void* data) {
    auto* t = static_cast<Transaction*>(data);
    t->ack = decode_ack(*nlh);
    if (!t->ack) t->ack = Ack{EBADMSG, "truncated netlink error message"};
    return MNL_CB_STOP;
}

int on_done(const nlmsghdr*, void*) { return MNL_CB_STOP; }
}  // namespace

base::Status NetlinkSocket::transact(Message& msg, const ReplyFn& on_reply) {
    auto* raw = sock_.get();
    msg.nlh().nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(raw, &msg.nlh(), msg.size()) < 0) return errno_fail("sending netlink request");
    Transaction t{&on_reply, {}, {}};
    mnl_cb_t ctl[NLMSG_MIN_TYPE] = {};
    ctl[NLMSG_ERROR] = on_error;
    ctl[NLMSG_DONE] = on_done;  // given a control array, libmnl no longer stops at the end of a dump
    int ret;
    do {
        auto n = mnl_socket_recvfrom(raw, buf_.data(), buf_.size());
        if (n < 0) return errno_fail("reading netlink reply");
        ret = mnl_cb_run2(buf_.data(), static_cast<std::size_t>(n), seq_, mnl_socket_get_portid(raw), on_data, &t,
                          ctl, NLMSG_MIN_TYPE);
    } while (ret > MNL_CB_STOP);
    if (ret < 0) return errno_fail("reading netlink reply");
    if (t.ack && t.ack->error != 0) {
        int e = t.ack->error;
        return base::fail(t.ack->message.empty() ? std::strerror(e) : t.ack->message, e);
    }
    return t.status;
}

base::Status NetlinkSocket::send(std::span<const std::uint8_t> batch) {
    if (mnl_socket_sendto(sock_.get(), batch.data(), batch.size()) < 0) return errno_fail("sending netlink requests");
    return {};
}

base::Result<std::size_t> NetlinkSocket::receive(std::span<std::uint8_t> buf) {
    auto n = mnl_socket_recvfrom(sock_.get(), buf.data(), buf.size());
    if (n < 0) return errno_fail("reading netlink replies");
    return static_cast<std::size_t>(n);
}

void NetlinkSocket::drain(const std::function<void(const nlmsghdr&)>& fn) {
    auto cb = [](const nlmsghdr* nlh, void* data) {
        (*static_cast<const std::function<void(const nlmsghdr&)>*>(data))(*nlh);
        return MNL_CB_OK;
    };
    for (;;) {
        auto n = mnl_socket_recvfrom(sock_.get(), buf_.data(), buf_.size());
        if (n < 0) {
            // ENOBUFS: the kernel dropped events while we were busy; read on, later ones are queued.
            if (errno == ENOBUFS || errno == EINTR) continue;
            return;  // EAGAIN: nothing more queued
        }
        mnl_cb_run(buf_.data(), static_cast<std::size_t>(n), 0, 0, cb, const_cast<void*>(static_cast<const void*>(&fn)));
    }
}

}  // namespace xfrm
