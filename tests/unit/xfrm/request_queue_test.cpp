// RequestQueue against a socket double that answers each message of a send with an ack, as
// the kernel does (netlink_rcv_skb: in order, one ack per message, an error for its message
// only).
#include "xfrm/request_queue.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <optional>

#include "samples.hpp"

namespace xfrm {
namespace {

using test::RawMessage;

struct SentMessage {
    std::uint16_t type, flags;
    std::uint32_t seq, len;
};

class KernelDouble final : public NetlinkChannel {
public:
    std::map<std::size_t, int> errors;  // index of the message over all sends → errno
    std::size_t acks_per_datagram = 1000;
    std::optional<int> send_errno, receive_errno;
    std::vector<std::vector<SentMessage>> sends;
    std::vector<std::vector<std::uint8_t>> stale;  // datagrams read before the acks

    std::uint32_t next_seq() override { return ++seq_; }

    base::Status send(std::span<const std::uint8_t> batch) override {
        if (send_errno) return base::fail(std::strerror(*send_errno), *send_errno);
        auto& sent = sends.emplace_back();
        for (auto& d : stale) datagrams_.push_back(std::move(d));
        stale.clear();
        std::vector<std::uint8_t> datagram;
        std::size_t in_datagram = 0;
        for (std::size_t at = 0; at < batch.size();) {
            nlmsghdr h;
            std::memcpy(&h, batch.data() + at, sizeof h);
            sent.push_back({h.nlmsg_type, h.nlmsg_flags, h.nlmsg_seq, h.nlmsg_len});
            if (in_datagram == acks_per_datagram) {
                datagrams_.push_back(std::move(datagram));
                datagram.clear();
                in_datagram = 0;
            }
            append_ack(datagram, h, errors.count(index_) ? errors[index_] : 0);
            ++in_datagram, ++index_;
            at += NLMSG_ALIGN(h.nlmsg_len);
        }
        datagrams_.push_back(std::move(datagram));
        return {};
    }

    base::Result<std::size_t> receive(std::span<std::uint8_t> buf) override {
        if (receive_errno) return base::fail(std::strerror(*receive_errno), *receive_errno);
        if (datagrams_.empty()) return base::fail("the double has nothing more to read", EAGAIN);
        auto d = std::move(datagrams_.front());
        datagrams_.pop_front();
        std::memcpy(buf.data(), d.data(), d.size());
        return d.size();
    }

    // An ack as the kernel sends it with NETLINK_CAP_ACK and NETLINK_EXT_ACK.
    static void append_ack(std::vector<std::uint8_t>& out, const nlmsghdr& request, int error) {
        nlmsgerr body{-error, request};
        RawMessage ack(NLMSG_ERROR, body);
        const char text[] = "the double says no";
        if (error) ack.attr(NLMSGERR_ATTR_MSG, text, sizeof text);
        auto& h = const_cast<nlmsghdr&>(ack.nlh());
        h.nlmsg_seq = request.nlmsg_seq;
        h.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_CAPPED | (error ? NLM_F_ACK_TLVS : 0));
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(&h);
        out.insert(out.end(), bytes, bytes + h.nlmsg_len);
    }

private:
    std::uint32_t seq_ = 100;
    std::size_t index_ = 0;
    std::deque<std::vector<std::uint8_t>> datagrams_;
};

Message policy_message(std::size_t padding = 0) {
    Message m(XFRM_MSG_NEWPOLICY, NLM_F_ACK);
    m.header<xfrm_userpolicy_info>();
    if (padding) {
        std::vector<std::uint8_t> bytes(padding, 0);
        m.put(XFRMA_SEC_CTX, bytes.data(), bytes.size());
    }
    return m;
}

struct Results {
    std::vector<std::pair<std::size_t, base::Status>> done;
    RequestQueue::Done record(std::size_t i) {
        return [this, i](const base::Status& s) { done.emplace_back(i, s); };
    }
};

// n requests "<context> <i>" through a fresh queue, flushed: their completions.
Results flushed(KernelDouble& kernel, std::size_t n, const std::string& context = "request") {
    RequestQueue q(kernel);
    Results r;
    for (std::size_t i = 0; i < n; ++i) q.push(context + " " + std::to_string(i), policy_message(), r.record(i));
    EXPECT_TRUE(kernel.sends.empty());
    q.flush();
    EXPECT_EQ(q.size(), 0u);
    return r;
}

TEST(RequestQueue, SendsWhatIsQueuedInOneSendEachMessageAskingForAnAckWithItsOwnSequence) {
    KernelDouble kernel;
    flushed(kernel, 3);
    ASSERT_EQ(kernel.sends.size(), 1u);
    ASSERT_EQ(kernel.sends[0].size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_TRUE(kernel.sends[0][i].flags & NLM_F_ACK);
        EXPECT_EQ(kernel.sends[0][i].seq, kernel.sends[0][0].seq + i);
    }
}

TEST(RequestQueue, CompletesEveryRequestInTheOrderItWasQueued) {
    KernelDouble kernel;
    kernel.acks_per_datagram = 2;  // the acks arrive in several reads
    auto r = flushed(kernel, 5);
    ASSERT_EQ(r.done.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(r.done[i].first, i);
        EXPECT_TRUE(r.done[i].second.ok());
    }
}

TEST(RequestQueue, AKernelErrorFailsOnlyItsRequestWithItsContextAndTheRestGoesOn) {
    KernelDouble kernel;
    kernel.errors[1] = EEXIST;
    auto r = flushed(kernel, 3, "adding policy");
    ASSERT_EQ(r.done.size(), 3u);
    EXPECT_TRUE(r.done[0].second.ok());
    ASSERT_FALSE(r.done[1].second.ok());
    EXPECT_EQ(r.done[1].second.error().code, EEXIST);
    EXPECT_EQ(r.done[1].second.error().message, "adding policy 1: the double says no");
    EXPECT_TRUE(r.done[2].second.ok());
}

TEST(RequestQueue, SplitsABatchAtSixtyFourMessages) {
    KernelDouble kernel;
    auto r = flushed(kernel, 150);
    ASSERT_EQ(kernel.sends.size(), 3u);
    EXPECT_EQ(kernel.sends[0].size(), RequestQueue::batch_messages);
    EXPECT_EQ(kernel.sends[1].size(), RequestQueue::batch_messages);
    EXPECT_EQ(kernel.sends[2].size(), 150 - 2 * RequestQueue::batch_messages);
    EXPECT_EQ(r.done.size(), 150u);
}

TEST(RequestQueue, SplitsABatchBeforeItOutgrowsTheSendBuffer) {
    KernelDouble kernel;
    RequestQueue q(kernel);
    Results r;
    for (std::size_t i = 0; i < 20; ++i) q.push("request", policy_message(3000), r.record(i));
    q.flush();
    ASSERT_GT(kernel.sends.size(), 1u);
    for (const auto& sent : kernel.sends) {
        std::size_t bytes = 0;
        for (const auto& m : sent) bytes += NLMSG_ALIGN(m.len);
        EXPECT_LE(bytes, RequestQueue::batch_bytes);
    }
    EXPECT_EQ(r.done.size(), 20u);
}

TEST(RequestQueue, AFullQueueSendsWhatItHoldsBeforeTakingMore) {
    KernelDouble kernel;
    RequestQueue q(kernel, 4);
    Results r;
    for (std::size_t i = 0; i < 4; ++i) q.push("request", policy_message(), r.record(i));
    EXPECT_TRUE(kernel.sends.empty());
    q.push("request", policy_message(), r.record(4));
    ASSERT_EQ(kernel.sends.size(), 1u);
    EXPECT_EQ(kernel.sends[0].size(), 4u);
    EXPECT_EQ(r.done.size(), 4u);
    EXPECT_EQ(q.size(), 1u);
}

TEST(RequestQueue, ASendThatFailsFailsEveryRequestOfTheBatch) {
    KernelDouble kernel;
    kernel.send_errno = ENOBUFS;
    auto r = flushed(kernel, 3);
    ASSERT_EQ(r.done.size(), 3u);
    for (const auto& [i, s] : r.done) {
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, ENOBUFS);
    }
}

TEST(RequestQueue, AnUnreadableAckFailsTheRequestsStillWaiting) {
    KernelDouble kernel;
    kernel.receive_errno = ENOBUFS;
    auto r = flushed(kernel, 2);
    ASSERT_EQ(r.done.size(), 2u);
    for (const auto& [i, s] : r.done) EXPECT_FALSE(s.ok());
}

TEST(RequestQueue, IgnoresAcksOfOtherSequenceNumbers) {
    KernelDouble kernel;
    nlmsghdr old{NLMSG_HDRLEN, XFRM_MSG_NEWSA, NLM_F_REQUEST | NLM_F_ACK, 7, 0};
    kernel.stale.emplace_back();
    KernelDouble::append_ack(kernel.stale.back(), old, EEXIST);
    RequestQueue q(kernel);
    Results r;
    q.push("request", policy_message(), r.record(0));
    q.flush();
    ASSERT_EQ(r.done.size(), 1u);
    EXPECT_TRUE(r.done[0].second.ok());
}

TEST(RequestQueue, WhatACompletionQueuesIsSentByTheSameFlushAfterIt) {
    KernelDouble kernel;
    RequestQueue q(kernel);
    Results r;
    q.push("first", policy_message(), [&](const base::Status& s) {
        r.done.emplace_back(0, s);
        q.push("second", policy_message(), r.record(1));
    });
    q.flush();
    ASSERT_EQ(r.done.size(), 2u);
    EXPECT_EQ(r.done[1].first, 1u);
    EXPECT_EQ(kernel.sends.size(), 2u);
    EXPECT_EQ(q.size(), 0u);
}

TEST(RequestQueue, AFlushFromACompletionSendsTheOlderRequestsFirst) {
    KernelDouble kernel;
    RequestQueue q(kernel);
    Results r;
    const std::size_t older = RequestQueue::batch_messages + 2;
    q.push("first", policy_message(), [&](const base::Status& s) {
        r.done.emplace_back(0, s);
        q.push("newest", policy_message(), r.record(older));
        q.flush();
    });
    for (std::size_t i = 1; i < older; ++i) q.push("older", policy_message(), r.record(i));
    q.flush();
    ASSERT_EQ(kernel.sends.size(), 2u);
    EXPECT_EQ(kernel.sends[1].size(), 3u);  // the two older ones the first send had no room for, then the newest
    EXPECT_EQ(kernel.sends[1][2].seq, kernel.sends[0][0].seq + older);
    EXPECT_EQ(r.done.size(), older + 1);
    EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace xfrm
