#include "xfrm/request_queue.hpp"

#include <libmnl/libmnl.h>

#include <cstring>
#include <optional>
#include <utility>

namespace xfrm {
namespace {

// The batch carries SA keys. An empty vector's data() may be null, which explicit_bzero
// must not be given.
void wipe(std::vector<std::uint8_t>& bytes) {
    if (!bytes.empty()) explicit_bzero(bytes.data(), bytes.size());
}

}  // namespace

RequestQueue::~RequestQueue() { wipe(batch_); }

void RequestQueue::push(std::string context, const Message& msg, Done done) {
    if (queued_.size() >= bound_) flush();
    queued_.push_back({std::move(context), msg, std::move(done)});
}

void RequestQueue::flush() {
    while (!queued_.empty()) send_batch();
}

std::vector<RequestQueue::Request> RequestQueue::take_batch() {
    wipe(batch_);
    batch_.clear();
    std::vector<Request> taken;
    while (!queued_.empty() && taken.size() < batch_messages) {
        auto& nlh = queued_.front().msg.nlh();
        const std::size_t len = NLMSG_ALIGN(nlh.nlmsg_len);
        if (!taken.empty() && batch_.size() + len > batch_bytes) break;
        nlh.nlmsg_seq = channel_.next_seq();
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(&nlh);
        batch_.insert(batch_.end(), bytes, bytes + nlh.nlmsg_len);
        batch_.resize(batch_.size() + (len - nlh.nlmsg_len), 0);
        taken.push_back(std::move(queued_.front()));
        queued_.pop_front();
    }
    return taken;
}

// The sequence numbers of one batch are consecutive (take_batch() took them in a row): an
// ack's sequence number minus the first one is its request's index. A request without an
// ack (the send or a read failed) fails: its change is never taken as made.
void RequestQueue::send_batch() {
    auto batch = take_batch();
    std::vector<std::optional<base::Status>> results(batch.size());
    std::size_t answered = 0;
    if (auto sent = channel_.send(batch_); !sent) {
        results.assign(batch.size(), sent);
        answered = batch.size();
    }
    const std::uint32_t seq0 = batch.front().msg.nlh().nlmsg_seq;
    replies_.resize(32768);
    while (answered < batch.size()) {
        auto n = channel_.receive(replies_);
        if (!n) {
            for (auto& r : results)
                if (!r) r = base::fail("reading the kernel's ack: " + n.error().message, n.error().code);
            break;
        }
        int left = static_cast<int>(*n);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(replies_.data()); mnl_nlmsg_ok(nlh, left);
             nlh = mnl_nlmsg_next(nlh, &left)) {
            const std::uint32_t index = nlh->nlmsg_seq - seq0;
            auto ack = decode_ack(*nlh);
            if (!ack || index >= batch.size() || results[index]) continue;  // not an ack of this batch
            ++answered;
            if (ack->error == 0) results[index] = base::Status{};
            else results[index] = base::fail(ack->message.empty() ? std::strerror(ack->error) : ack->message, ack->error);
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto& r = *results[i];
        if (r) batch[i].done(r);
        else batch[i].done(base::fail(batch[i].context + ": " + r.error().message, r.error().code));
    }
}

}  // namespace xfrm
