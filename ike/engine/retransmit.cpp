#include "ike/engine/retransmit.hpp"

#include <utility>

namespace ike::engine {

void PendingRequest::start(std::uint32_t message_id, Datagrams datagrams, Time now,
                           const RetransmitPolicy& policy) {
    out_ = std::make_unique<Out>(Out{message_id, std::move(datagrams), now + policy.initial, policy.initial, 0, policy});
}

const Datagrams& PendingRequest::datagrams() const {
    static const Datagrams none;
    return out_ ? out_->datagrams : none;
}

PendingRequest::Due PendingRequest::poll(Time now) {
    if (!out_ || now < out_->deadline) return Due::nothing;
    Out& out = *out_;
    if (out.retransmits >= out.policy.max_retransmits) {
        clear();
        return Due::give_up;
    }
    ++out.retransmits;
    out.timeout = Duration(static_cast<Duration::rep>(static_cast<double>(out.timeout.count()) * out.policy.factor));
    out.deadline = now + out.timeout;
    return Due::resend;
}

std::optional<Time> PendingRequest::deadline() const {
    if (!out_) return std::nullopt;
    return out_->deadline;
}

void ResponseCache::store(std::uint32_t message_id, Datagrams datagrams) {
    message_id_ = message_id;
    datagrams_ = std::move(datagrams);
}

const Datagrams* ResponseCache::lookup(std::uint32_t message_id) const {
    if (message_id_ != message_id) return nullptr;
    return &datagrams_;
}

}  // namespace ike::engine
