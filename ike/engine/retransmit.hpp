// Reliability of requests (RFC 7296 2.1-2.3, RFC 2409 5 and RFC 2408 5.1 alike): the
// initiator of an exchange retransmits its request with exponential back-off and gives up
// after a limit; the responder never retransmits on its own but replays its cached response
// when the same request arrives again. One request outstanding.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "ike/engine/clock.hpp"

namespace ike::engine {

// One message as sent: a single datagram, or its IKE fragments (RFC 7383).
using Datagrams = std::vector<base::Bytes>;

struct RetransmitPolicy {
    Duration initial{4000};      // first timeout
    double factor = 1.8;         // back-off multiplier per retransmission
    unsigned max_retransmits = 5;  // then the peer is declared unreachable (~165 s in all)
};

// The request this side has sent and waits to see answered. Kept on the heap while it is
// out: most IKE SAs are idle, and an idle one keeps only a null pointer.
class PendingRequest {
public:
    enum class Due { nothing, resend, give_up };

    void start(std::uint32_t message_id, Datagrams datagrams, Time now,
               const RetransmitPolicy& policy);
    void clear() { out_.reset(); }
    bool active() const { return out_ != nullptr; }
    // 0, none and 0 while no request is out.
    std::uint32_t message_id() const { return out_ ? out_->message_id : 0; }
    const Datagrams& datagrams() const;
    unsigned retransmits() const { return out_ ? out_->retransmits : 0; }

    // What is due at `now`. After `resend` the caller sends datagrams() again; after
    // `give_up` the request is cleared.
    Due poll(Time now);
    std::optional<Time> deadline() const;

private:
    struct Out {
        std::uint32_t message_id = 0;
        Datagrams datagrams;
        Time deadline{};
        Duration timeout{};
        unsigned retransmits = 0;
        RetransmitPolicy policy;
    };
    std::unique_ptr<Out> out_;
};

// The last response sent, kept until the next request proves the peer received it.
class ResponseCache {
public:
    void store(std::uint32_t message_id, Datagrams datagrams);
    // The cached response for a retransmitted request with this message ID, if any.
    const Datagrams* lookup(std::uint32_t message_id) const;

private:
    std::optional<std::uint32_t> message_id_;
    Datagrams datagrams_;
};

}  // namespace ike::engine
