// Method calls whose reply waits for an asynchronous operation (Up, Down). Each holds a
// reference to its sd_bus_message until the operation is done; a caller that leaves the
// bus loses its slot (the message is released without a reply) while the operation goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <systemd/sd-bus.h>

#include "dbus/backend.hpp"

namespace ipsecd::bus {

class PendingReplies : public std::enable_shared_from_this<PendingReplies> {
public:
    // `before_reply` runs before each reply is sent (the bus's signals go first).
    explicit PendingReplies(std::function<void()> before_reply) : before_reply_(std::move(before_reply)) {}
    ~PendingReplies();

    // Keeps `call` and returns the completion that replies to it. The completion does
    // nothing once the slot is gone (caller left, or this object was destroyed).
    Done keep(sd_bus_message* call);

    // The bus peer `unique_name` left: release its calls without replying.
    void drop_sender(const std::string& unique_name);

    std::size_t size() const { return calls_.size(); }

private:
    void complete(std::uint64_t id, const Status& status);

    struct Call {
        sd_bus_message* message;
        std::string sender;
    };
    std::function<void()> before_reply_;
    std::map<std::uint64_t, Call> calls_;
    std::uint64_t next_id_ = 1;
};

}  // namespace ipsecd::bus
