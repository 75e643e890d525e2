// An in-memory UDP network for two-peers-in-one-process tests: datagrams are queued with
// a delivery time; a test-supplied rule can drop, duplicate, delay (and so reorder) each one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "ike/v2/neutral.hpp"
#include "net/address.hpp"

namespace ike::v2::test {

struct Datagram {
    net::Endpoint from, to;
    base::Bytes bytes;
};

// What happens to one datagram in flight.
struct Fate {
    unsigned copies = 1;  // 0 = dropped, 2 = duplicated, ...
    Duration delay{1};    // one-way latency; a longer delay overtakes nothing, is overtaken
    // It arrives from and to these ports instead (a peer that moves ports by itself).
    std::optional<std::pair<std::uint16_t, std::uint16_t>> ports;
};

class Network {
public:
    // The rule sees each datagram with its sequence number on the network (0, 1, 2, ...).
    using Rule = std::function<Fate(const Datagram&, std::uint64_t sequence)>;

    void set_rule(Rule rule) { rule_ = std::move(rule); }
    // A NAT in front of `inside`: what it sends appears to come from `outside`, its port
    // shifted by port_shift, and what is sent there reaches `inside`. Setting another outside
    // address rebinds: what is sent to the previous one is dropped.
    void set_nat(net::Address inside, net::Address outside, std::uint16_t port_shift = 0);
    void send(Datagram d, Time now);
    // The next datagram due by `until`, earliest first (FIFO among equal times).
    std::optional<Datagram> pop_due(Time until);
    std::optional<Time> next_delivery() const;
    std::uint64_t sent() const { return sequence_; }
    std::uint64_t dropped() const { return dropped_; }

private:
    struct InFlight {
        Time at;
        std::uint64_t order;
        Datagram datagram;
    };
    std::vector<InFlight> queue_;
    Rule rule_;
    struct Nat {
        net::Address inside, outside;
        std::uint16_t port_shift = 0;
    };
    std::optional<Nat> nat_;
    std::vector<net::Address> stale_;  // outside addresses of former mappings
    std::uint64_t sequence_ = 0, order_ = 0, dropped_ = 0;
};

// Rule helpers: they match datagrams by sequence number on the network.
Network::Rule drop(std::vector<std::uint64_t> sequences);
Network::Rule duplicate(std::vector<std::uint64_t> sequences);
Network::Rule delay(std::uint64_t sequence, Duration by);

}  // namespace ike::v2::test
