// The one queue of XFRM change requests (systemd-networkd's request queue is the model):
// requests whose only answer is the kernel's ack (NEWSA, UPDSA, DELSA, NEWPOLICY,
// UPDPOLICY, DELPOLICY), kept in order and sent in batches: flush() packs as many
// messages as fit in one send, each with NLM_F_ACK and its own sequence number, then reads
// the acks and completes each request with its own result. The kernel handles the messages
// of one send in order and acks each one; an error answers only its message and the rest
// of the batch goes on (netlink_rcv_skb), so a failure reaches only its request.
// Bounded: push() on a full queue flushes first, so a burst waits for the kernel instead
// of the queue growing (backpressure to the caller, which runs on the event loop).
// A batch's requests complete once all its acks are read: a completion may push or flush
// (a flush from there sends what is queued, older requests first, before the rest of its
// batch's completions run).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "xfrm/netlink_message.hpp"

namespace xfrm {

// The socket as the queue uses it (NetlinkSocket; a double in the unit tests).
class NetlinkChannel {
public:
    virtual ~NetlinkChannel() = default;
    virtual std::uint32_t next_seq() = 0;
    // One sendmsg of several netlink messages.
    virtual base::Status send(std::span<const std::uint8_t> batch) = 0;
    // One datagram of replies into buf (blocking); its length.
    virtual base::Result<std::size_t> receive(std::span<std::uint8_t> buf) = 0;
};

class RequestQueue {
public:
    using Done = std::function<void(const base::Status&)>;
    // 64 messages per send: their acks (~1 KiB of receive buffer each, as the kernel
    // counts them) fit the default socket receive buffer (net.core.rmem_default, 208 KiB),
    // which would otherwise drop them (ENOBUFS). 32 KiB holds 64 SA messages with keys.
    static constexpr std::size_t batch_messages = 64, batch_bytes = 32768;
    static constexpr std::size_t default_bound = 1024;

    explicit RequestQueue(NetlinkChannel& channel, std::size_t bound = default_bound)
        : channel_(channel), bound_(bound) {}
    ~RequestQueue();  // scrubs the batch buffer: SA messages carry keys

    // Queues msg (which must ask for nothing but an ack); done(result) runs at the latest in
    // the flush() that sends it, with errors reading "<context>: <kernel's reason>".
    void push(std::string context, const Message& msg, Done done);
    // Sends every queued request and completes each one, in order.
    void flush();
    std::size_t size() const { return queued_.size(); }

private:
    struct Request {
        std::string context;
        Message msg;
        Done done;
    };
    // Moves the longest run at the front of the queue that fits one send into batch_.
    std::vector<Request> take_batch();
    // Sends one batch, reads its acks and completes its requests in order.
    void send_batch();

    NetlinkChannel& channel_;
    std::size_t bound_;
    std::deque<Request> queued_;
    std::vector<std::uint8_t> batch_, replies_;
};

}  // namespace xfrm
