// Bus::publish and its flush: the cache changes at once (property reads see it), the signals
// wait up to Bus::kFlushDelay so that a busy responder sends fewer of them (issue 13: each is a
// message built through the vtable's getters and a write to dbus-daemon). What clients rely on
// is kept: every value of a connection's State is signalled (a change of it flushes at once),
// new objects are announced before the properties that list them change and gone ones after,
// and an incoming method call is answered after the signals of every change before it.
#include <utility>

#include "dbus/bus.hpp"
#include "dbus/paths.hpp"
#include "dbus/signals.hpp"

namespace ipsecd::bus {

using ike::engine::IkeSaStatus;

void Bus::publish(const ike::engine::StatePublished& change) {
    auto it = by_name_.find(change.connection);
    if (it == by_name_.end()) return sync();
    ++generation_;
    Cached& cached = it->second;
    ConnectionSnapshot& c = cached.snapshot;
    auto [pending, first] = unannounced_.try_emplace(change.connection);
    Unannounced& before = pending->second;
    if (first) before.remote_address = remote_address(cached);
    const bool state_changed = c.status.state != change.state;
    c.status.state = change.state;
    c.status.failure = change.failure;
    const IkeSaStatus& next = change.ike_sa;
    auto& sas = cached.ike_sas;
    auto at = sas.find(next.local_spi);
    const bool gone = next.state == "closed";
    if (at != sas.end()) {
        // The first change since the last flush keeps what clients were told.
        if (!before.ike_sas.contains(next.local_spi))
            before.ike_sas.emplace(next.local_spi, expand(at->first, at->second));
        if (gone)
            sas.erase(at);
        else
            at->second = compact(next);
    } else if (!gone) {
        before.ike_sas.try_emplace(next.local_spi, std::nullopt);
        sas.insert_or_assign(next.local_spi, compact(next));
    }
    if (state_changed) {
        before.state = true;
        return flush();
    }
    schedule_flush();
}

void Bus::flush() {
    if (flush_timer_) sd_event_source_set_enabled(flush_timer_, SD_EVENT_OFF);
    auto pending = std::exchange(unannounced_, {});
    for (const auto& [name, before] : pending) announce(name, before);
}

// One connection's changes since `before`, in apply()'s order.
void Bus::announce(const std::string& name, const Unannounced& before) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return;
    const Cached& cached = it->second;
    PropertyNames changed;
    if (before.state) changed.push_back("State");
    bool listed = false;  // an IKE SA clients were told of was added or removed
    for (const auto& [spi, told] : before.ike_sas) {
        const auto now = find_ike(cached, spi);
        if (!told && now) emit_ike_added(*this, name, *now);
        if (told && now) emit_ike_changed(*this, name, *told, *now);
        listed = listed || (told.has_value() != now.has_value());
    }
    if (listed) changed.push_back("IkeSas");
    if (remote_address(cached) != before.remote_address) changed.push_back("RemoteAddress");
    emit_changed(*this, connection_path(name), kConnectionInterface, changed);
    for (const auto& [spi, told] : before.ike_sas) {
        if (!told) continue;
        if (const auto now = find_ike(cached, spi))
            emit_children_removed(*this, name, *told, *now);
        else
            emit_ike_removed(*this, name, *told);
    }
}

// Without an event loop (none attached to the bus) the signals go at once. sd-event may run
// a timer up to its accuracy late (250 ms unless told): it is part of kFlushDelay.
void Bus::schedule_flush() {
    sd_event* event = sd_bus_get_event(bus_);
    if (!event) return flush();
    constexpr std::uint64_t accuracy = 5000;  // us
    constexpr auto delay = std::chrono::duration_cast<std::chrono::microseconds>(kFlushDelay).count() - accuracy;
    if (!flush_timer_) {
        if (sd_event_add_time_relative(event, &flush_timer_, CLOCK_MONOTONIC, delay, accuracy, on_flush_timer, this) < 0)
            flush();
        return;
    }
    int enabled = SD_EVENT_OFF;
    if (sd_event_source_get_enabled(flush_timer_, &enabled) >= 0 && enabled != SD_EVENT_OFF) return;
    if (sd_event_source_set_time_relative(flush_timer_, delay) < 0 ||
        sd_event_source_set_enabled(flush_timer_, SD_EVENT_ONESHOT) < 0)
        flush();
}

int Bus::on_flush_timer(sd_event_source*, std::uint64_t, void* userdata) {
    static_cast<Bus*>(userdata)->flush();
    return 0;
}

int Bus::on_incoming(sd_bus_message* m, void* userdata, sd_bus_error*) {
    if (sd_bus_message_is_method_call(m, nullptr, nullptr) > 0) static_cast<Bus*>(userdata)->flush();
    return 0;  // dispatched as usual
}

}  // namespace ipsecd::bus
