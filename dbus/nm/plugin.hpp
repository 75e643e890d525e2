// One NetworkManager VPN connection, carried out by ipsecd over its public D-Bus API:
// Connect -> AddConnection (transient_owner) -> Up -> (the IKE SA's virtual IPs and DNS) ->
// Config/Ip4Config/Ip6Config + started;
// ipsecd's connection back `up` after `connecting` (the IKE SA re-established) with another
// virtual IP or DNS -> starting + the new Config/Ip4Config/Ip6Config + started (NM's reconnect);
// Disconnect, a connection ipsecd takes down, or ipsecd leaving the bus -> Down +
// RemoveConnection -> stopped -> the process exits (one process per NM connection).
// Everything is asynchronous on one sd-event loop; NM's methods return at once.
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <string>
#include <vector>

#include "daemon/log.hpp"
#include "dbus/nm/ip_config.hpp"
#include "dbus/nm/nm_protocol.hpp"
#include "dbus/nm/nm_settings.hpp"
#include "dbus/nm/vpn_data.hpp"

namespace nm {

// An sd_bus_slot that unrefs itself (a pending call or a match; unref cancels it).
class Slot {
public:
    Slot() = default;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { reset(); }
    sd_bus_slot** out() { reset(); return &slot_; }
    void reset() { slot_ = sd_bus_slot_unref(slot_); }
    explicit operator bool() const { return slot_ != nullptr; }

private:
    sd_bus_slot* slot_ = nullptr;
};

// The exported object's vtable (plugin_bus.cpp); its userdata is the Plugin.
extern const sd_bus_vtable plugin_vtable[];

class Plugin {
public:
    Plugin(sd_bus* bus, sd_event* event, const ipsecd::Logger& log);
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;

    // Exports the plugin object and the bus watches; a negative errno on failure.
    int start();

    ServiceState state() const { return state_; }

    // org.freedesktop.NetworkManager.VPN.Plugin, called from plugin_bus.cpp.
    int need_secrets(sd_bus_message* m, sd_bus_error* error);
    int connect(sd_bus_message* m, bool interactive, sd_bus_error* error);
    int new_secrets(sd_bus_message* m, sd_bus_error* error);
    int disconnect(sd_bus_message* m, sd_bus_error* error);

private:
    // The one state-entry function: sets the state, emits StateChanged and
    // PropertiesChanged(State), and on stopped schedules the exit.
    void enter(ServiceState s);

    int read_connection(sd_bus_message* m, NmConnection& conn, VpnData& vpn, sd_bus_error* error);
    // Calls org.ipsecd1.Manager.<member>(s arg) into call_, the one pending call.
    int call_manager(const char* member, const std::string& arg, sd_bus_message_handler_t on_reply,
                     uint64_t timeout);
    void add_to_ipsecd();
    // Reads the connection's and its IKE SA's properties, then established().
    void read_negotiated();
    void established();
    void fail(Failure f, const std::string& reason);
    void stop();
    void remove_from_ipsecd();
    void emit_config(const net::Address& gateway, const IpConfigs& ip);
    void arm_exit_timer(uint64_t usec);

    // Replies and signals from the bus (static trampolines in plugin.cpp).
    static int on_added(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_up(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_connection_properties(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_ike_sa_properties(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_down(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_removed(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_state_changed(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_interfaces_added(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_name_owner_changed(sd_bus_message* m, void* self, sd_bus_error*);
    static int on_exit_timer(sd_event_source*, uint64_t, void* self);

    sd_bus* bus_;
    sd_event* event_;
    const ipsecd::Logger& log_;
    ServiceState state_ = ServiceState::init;

    NmConnection conn_;
    VpnData vpn_;
    std::string name_;       // the ipsecd connection's name
    std::string path_;       // its object path, once AddConnection answered
    bool in_ipsecd_ = false;  // AddConnection succeeded and RemoveConnection has not
    bool waiting_for_secrets_ = false;
    Negotiated negotiated_;
    IpConfigs sent_;  // what NM was told last
    std::string remote_address_;  // as ipsecd resolved it

    Slot object_, owner_watch_, interfaces_watch_, state_watch_, call_;
    sd_event_source* exit_timer_ = nullptr;
};

}  // namespace nm
