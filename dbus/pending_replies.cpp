#include "dbus/pending_replies.hpp"

#include "dbus/errors.hpp"

namespace ipsecd::bus {

PendingReplies::~PendingReplies() {
    for (auto& [id, call] : calls_) sd_bus_message_unref(call.message);
}

Done PendingReplies::keep(sd_bus_message* call) {
    auto id = next_id_++;
    const char* sender = sd_bus_message_get_sender(call);
    calls_.emplace(id, Call{sd_bus_message_ref(call), sender ? sender : ""});
    return [weak = weak_from_this(), id](Status status) {
        if (auto self = weak.lock()) self->complete(id, status);
    };
}

void PendingReplies::drop_sender(const std::string& unique_name) {
    std::erase_if(calls_, [&](auto& entry) {
        if (entry.second.sender != unique_name) return false;
        sd_bus_message_unref(entry.second.message);
        return true;
    });
}

void PendingReplies::complete(std::uint64_t id, const Status& status) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    sd_bus_message* message = it->second.message;
    calls_.erase(it);
    before_reply_();
    if (status) {
        sd_bus_reply_method_return(message, nullptr);
    } else {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        set_error(&e, status.error());
        sd_bus_reply_method_error(message, &e);
        sd_bus_error_free(&e);
    }
    sd_bus_message_unref(message);
}

}  // namespace ipsecd::bus
