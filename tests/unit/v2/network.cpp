#include "tests/unit/v2/network.hpp"

#include <algorithm>
#include <tuple>

namespace ike::v2::test {

void Network::set_nat(net::Address inside, net::Address outside, std::uint16_t port_shift) {
    if (nat_ && nat_->outside != outside) stale_.push_back(nat_->outside);
    nat_ = Nat{inside, outside, port_shift};
}

void Network::send(Datagram d, Time now) {
    if (nat_ && d.from.address == nat_->inside)
        d.from = {nat_->outside, static_cast<std::uint16_t>(d.from.port + nat_->port_shift)};
    if (nat_ && d.to.address == nat_->outside)
        d.to = {nat_->inside, static_cast<std::uint16_t>(d.to.port - nat_->port_shift)};
    const bool unmapped = std::find(stale_.begin(), stale_.end(), d.to.address) != stale_.end();
    const Fate fate = unmapped ? Fate{0} : rule_ ? rule_(d, sequence_) : Fate{};
    ++sequence_;
    if (fate.copies == 0) ++dropped_;
    if (fate.ports) std::tie(d.from.port, d.to.port) = *fate.ports;
    for (unsigned i = 0; i < fate.copies; ++i) queue_.push_back({now + fate.delay, order_++, d});
}

std::optional<Datagram> Network::pop_due(Time until) {
    auto earliest = std::min_element(queue_.begin(), queue_.end(), [](const auto& a, const auto& b) {
        return a.at != b.at ? a.at < b.at : a.order < b.order;
    });
    if (earliest == queue_.end() || earliest->at > until) return std::nullopt;
    Datagram d = std::move(earliest->datagram);
    queue_.erase(earliest);
    return d;
}

std::optional<Time> Network::next_delivery() const {
    std::optional<Time> t;
    for (const auto& f : queue_)
        if (!t || f.at < *t) t = f.at;
    return t;
}

namespace {
bool listed(const std::vector<std::uint64_t>& list, std::uint64_t s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}
}  // namespace

Network::Rule drop(std::vector<std::uint64_t> sequences) {
    return [sequences](const Datagram&, std::uint64_t s) {
        return Fate{.copies = listed(sequences, s) ? 0u : 1u};
    };
}

Network::Rule duplicate(std::vector<std::uint64_t> sequences) {
    return [sequences](const Datagram&, std::uint64_t s) {
        return Fate{.copies = listed(sequences, s) ? 2u : 1u};
    };
}

Network::Rule delay(std::uint64_t sequence, Duration by) {
    return [sequence, by](const Datagram&, std::uint64_t s) {
        return Fate{.delay = s == sequence ? by : Duration{1}};
    };
}

}  // namespace ike::v2::test
