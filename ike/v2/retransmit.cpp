#include "ike/v2/retransmit.hpp"

#include <utility>

namespace ike::v2 {

void PendingRequest::start(std::uint32_t message_id, Datagrams datagrams, Time now,
                           const RetransmitPolicy& policy) {
    active_ = true;
    message_id_ = message_id;
    datagrams_ = std::move(datagrams);
    policy_ = policy;
    timeout_ = policy.initial;
    deadline_ = now + timeout_;
    retransmits_ = 0;
}

void PendingRequest::clear() {
    active_ = false;
    datagrams_.clear();
}

PendingRequest::Due PendingRequest::poll(Time now) {
    if (!active_ || now < deadline_) return Due::nothing;
    if (retransmits_ >= policy_.max_retransmits) {
        clear();
        return Due::give_up;
    }
    ++retransmits_;
    timeout_ = Duration(static_cast<Duration::rep>(static_cast<double>(timeout_.count()) *
                                                   policy_.factor));
    deadline_ = now + timeout_;
    return Due::resend;
}

std::optional<Time> PendingRequest::deadline() const {
    if (!active_) return std::nullopt;
    return deadline_;
}

void ResponseCache::store(std::uint32_t message_id, Datagrams datagrams) {
    message_id_ = message_id;
    datagrams_ = std::move(datagrams);
}

const Datagrams* ResponseCache::lookup(std::uint32_t message_id) const {
    if (message_id_ != message_id) return nullptr;
    return &datagrams_;
}

}  // namespace ike::v2
