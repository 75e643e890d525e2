#include "dbus/nm/plugin.hpp"

#include <string.h>

#include <cstring>

#include "dbus/nm/file_access.hpp"
#include "dbus/nm/ipsecd_errors.hpp"
#include "dbus/nm/nm_config.hpp"
#include "dbus/nm/secrets.hpp"
#include "dbus/nm/yaml_text.hpp"

namespace nm {

namespace {

constexpr const char* ipsecd_bus = "org.ipsecd1";
constexpr const char* ipsecd_root = "/org/ipsecd1";
constexpr const char* manager_interface = "org.ipsecd1.Manager";
constexpr const char* connection_interface = "org.ipsecd1.Connection";
constexpr const char* child_sa_interface = "org.ipsecd1.ChildSa";
constexpr const char* ike_sa_interface = "org.ipsecd1.IkeSa";

constexpr uint64_t usec_per_sec = 1000000;
// Up replies when the CHILD SA is up or ipsecd gave up; NM's own vpn.timeout (60 s default)
// normally ends a hopeless attempt first, by calling Disconnect.
constexpr uint64_t up_timeout = 600 * usec_per_sec;
constexpr uint64_t teardown_timeout = 10 * usec_per_sec;
// Like libnm's plugins: quit when NM started us but never asked for a connection.
constexpr uint64_t idle_exit = 180 * usec_per_sec;

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

// Replies with org.freedesktop.NetworkManager.VPN.Error.<reason>, the errors NM knows.
int vpn_error(sd_bus_error* error, const char* reason, const std::string& message) {
    return sd_bus_error_set(error, (std::string(error_prefix) + reason).c_str(), message.c_str());
}

std::string error_text(const sd_bus_error* e) {
    return std::string(e->name ? e->name : "?") + ": " + (e->message ? e->message : "");
}

// Reads an "as" of CIDRs into `out`, skipping what does not parse.
int read_prefixes(sd_bus_message* m, std::vector<net::Prefix>& out) {
    int r = sd_bus_message_enter_container(m, 'a', "s");
    if (r < 0) return r;
    const char* text;
    while ((r = sd_bus_message_read(m, "s", &text)) > 0)
        if (auto p = net::Prefix::parse(text)) out.push_back(*p);
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

// Reads a variant holding "as" or "ao" (`type` 's' or 'o') into `out`; 1 on success.
int read_variant_strings(sd_bus_message* m, char type, std::vector<std::string>& out) {
    const char contents[] = {type, '\0'};
    const char array[] = {'a', type, '\0'};
    int r = sd_bus_message_enter_container(m, 'v', array);
    if (r <= 0) return r < 0 ? r : -EINVAL;
    if ((r = sd_bus_message_enter_container(m, 'a', contents)) < 0) return r;
    const char* text;
    while ((r = sd_bus_message_read_basic(m, type, &text)) > 0) out.emplace_back(text);
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    return 1;
}

std::vector<net::Address> addresses(const std::vector<std::string>& texts) {
    std::vector<net::Address> out;
    for (const auto& t : texts)
        if (auto a = net::Address::parse(t)) out.push_back(*a);
    return out;
}

// Reads a GetAll reply's a{sv}: `read(key)` consumes the values it wants (> 0), leaves the
// others (0) to be skipped, or fails (< 0).
template <class Read>
int read_properties(sd_bus_message* m, Read read) {
    int r = sd_bus_message_enter_container(m, 'a', "{sv}");
    if (r <= 0) return r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        if ((r = sd_bus_message_read(m, "s", &key)) < 0) return r;
        if ((r = read(std::string_view(key))) == 0) r = sd_bus_message_skip(m, "v");
        if (r < 0) return r;
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

}  // namespace

Plugin::Plugin(sd_bus* bus, sd_event* event, const ipsecd::Logger& log)
    : bus_(bus), event_(event), log_(log) {}

int Plugin::start() {
    int r = sd_bus_add_object_vtable(bus_, object_.out(), plugin_path, plugin_interface,
                                     plugin_vtable, this);
    if (r < 0) return r;
    // ipsecd leaving the bus (crash, restart) or NM leaving (it will not tell us to stop).
    r = sd_bus_add_match(bus_, owner_watch_.out(),
                         "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                         "member='NameOwnerChanged'",
                         on_name_owner_changed, this);
    if (r < 0) return r;
    arm_exit_timer(idle_exit);
    return 0;
}

void Plugin::arm_exit_timer(uint64_t usec) {
    exit_timer_ = sd_event_source_unref(exit_timer_);
    if (sd_event_add_time_relative(event_, &exit_timer_, CLOCK_MONOTONIC, usec, 0, on_exit_timer, this) < 0)
        sd_event_exit(event_, 1);
}

int Plugin::on_exit_timer(sd_event_source*, uint64_t, void* self) {
    auto* p = static_cast<Plugin*>(self);
    if (p->state_ == ServiceState::init) p->log_.info("no connection requested; exiting");
    return sd_event_exit(p->event_, 0);
}

void Plugin::enter(ServiceState s) {
    state_ = s;
    log_.debug("state " + std::to_string(static_cast<uint32_t>(s)));
    sd_bus_emit_signal(bus_, plugin_path, plugin_interface, "StateChanged", "u", static_cast<uint32_t>(s));
    sd_bus_emit_properties_changed(bus_, plugin_path, plugin_interface, "State", nullptr);
    switch (s) {
    case ServiceState::starting:
        exit_timer_ = sd_event_source_unref(exit_timer_);
        break;
    case ServiceState::stopped:
        // Let NM read StateChanged before the name goes away; main() releases the name.
        arm_exit_timer(usec_per_sec / 10);
        break;
    case ServiceState::unknown:
    case ServiceState::init:
    case ServiceState::shutdown:
    case ServiceState::started:
    case ServiceState::stopping:
        break;
    }
}

int Plugin::read_connection(sd_bus_message* m, NmConnection& conn, VpnData& vpn, sd_bus_error* error) {
    int r = read_nm_connection(m, conn);
    if (r < 0) return r;
    auto parsed = parse_vpn_data(conn.data);
    if (!parsed) {
        log_.error("connection '" + conn.id + "': " + parsed.error().message);
        vpn_error(error, "InvalidConnection", parsed.error().message);
        return -EINVAL;
    }
    vpn = std::move(*parsed);
    return 0;
}

int Plugin::need_secrets(sd_bus_message* m, sd_bus_error* error) {
    NmConnection conn;
    VpnData vpn;
    int r = read_connection(m, conn, vpn, error);
    if (r < 0) return r;
    auto reply = need_secrets_reply(vpn, conn.data, conn.secrets);
    log_.debug("NeedSecrets for '" + conn.id + "': '" + reply + "'");
    return sd_bus_reply_method_return(m, "s", reply.c_str());
}

int Plugin::connect(sd_bus_message* m, bool interactive, sd_bus_error* error) {
    switch (state_) {
    case ServiceState::starting:
        return vpn_error(error, "StartingInProgress", "the connection is being started");
    case ServiceState::started:
        return vpn_error(error, "AlreadyStarted", "the connection is up");
    case ServiceState::stopping:
        return vpn_error(error, "StoppingInProgress", "the connection is being stopped");
    case ServiceState::unknown:
    case ServiceState::init:
    case ServiceState::shutdown:
    case ServiceState::stopped:
        break;
    }
    int r = read_connection(m, conn_, vpn_, error);
    if (r < 0) return r;
    if (auto files = check_vpn_files(conn_.permissions, vpn_); !files) {
        log_.error("connection '" + conn_.id + "': " + files.error().message);
        return vpn_error(error, "InvalidConnection", files.error().message);
    }
    name_ = connection_name(conn_.uuid);
    log_.info("connecting '" + conn_.id + "' to " + vpn_.remote + " as ipsecd connection " + name_);

    auto missing = missing_secrets(vpn_, conn_.data, conn_.secrets);
    auto hints = secrets_for_hints(vpn_, conn_.data, conn_.secrets);
    if (!missing.empty() && !(interactive && hints == missing)) {
        auto message = "missing secret " + join(missing);
        log_.error("connection '" + conn_.id + "': " + message);
        return vpn_error(error, "InvalidConnection", message);
    }
    r = sd_bus_reply_method_return(m, "");
    if (r < 0) return r;
    enter(ServiceState::starting);
    if (missing.empty()) {
        add_to_ipsecd();
        return 0;
    }
    // The agent (nmcli passwd-file or --ask, a GUI) answers by name; NM then calls NewSecrets.
    waiting_for_secrets_ = true;
    log_.info("asking the secret agent for " + join(hints));
    sd_bus_message* signal = nullptr;
    r = sd_bus_message_new_signal(bus_, &signal, plugin_path, plugin_interface, "SecretsRequired");
    if (r >= 0) r = sd_bus_message_append(signal, "s", "IPsec secret for ipsecd");
    if (r >= 0) r = sd_bus_message_open_container(signal, 'a', "s");
    for (const auto& h : hints)
        if (r >= 0) r = sd_bus_message_append(signal, "s", h.c_str());
    if (r >= 0) r = sd_bus_message_close_container(signal);
    if (r >= 0) r = sd_bus_send(bus_, signal, nullptr);
    sd_bus_message_unref(signal);
    if (r < 0) fail(Failure::connect_failed, "cannot emit SecretsRequired: " + std::string(strerror(-r)));
    return 0;
}

int Plugin::new_secrets(sd_bus_message* m, sd_bus_error* error) {
    if (state_ != ServiceState::starting || !waiting_for_secrets_)
        return vpn_error(error, "WrongState", "not waiting for secrets");
    NmConnection conn;
    VpnData vpn;
    int r = read_connection(m, conn, vpn, error);
    if (r < 0) return r;
    for (auto& [key, value] : conn.secrets) conn_.secrets[key] = std::move(value);
    auto missing = missing_secrets(vpn_, conn_.data, conn_.secrets);
    if (!missing.empty()) {
        auto message = "the agent did not supply " + join(missing);
        vpn_error(error, "InvalidConnection", message);
        fail(Failure::login_failed, message);
        return -EINVAL;
    }
    waiting_for_secrets_ = false;
    r = sd_bus_reply_method_return(m, "");
    add_to_ipsecd();
    return r;
}

int Plugin::disconnect(sd_bus_message* m, sd_bus_error* error) {
    switch (state_) {
    case ServiceState::stopping:
        return vpn_error(error, "StoppingInProgress", "the connection is being stopped");
    case ServiceState::unknown:
    case ServiceState::shutdown:
    case ServiceState::stopped:
        return vpn_error(error, "AlreadyStopped", "no connection is active");
    case ServiceState::init:
        // NM gave up before Connect (bad vpn.data, no secrets): this process is done.
        enter(ServiceState::stopped);
        return sd_bus_reply_method_return(m, "");
    case ServiceState::starting:
    case ServiceState::started:
        break;
    }
    log_.info("disconnect requested for '" + conn_.id + "'");
    int r = sd_bus_reply_method_return(m, "");
    stop();
    return r;
}

int Plugin::call_manager(const char* member, const std::string& arg, sd_bus_message_handler_t on_reply,
                         uint64_t timeout) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &m, ipsecd_bus, ipsecd_root, manager_interface, member);
    if (r >= 0) r = sd_bus_message_append(m, "s", arg.c_str());
    if (r >= 0) r = sd_bus_call_async(bus_, call_.out(), m, on_reply, this, timeout);
    sd_bus_message_unref(m);
    return r;
}

void Plugin::add_to_ipsecd() {
    auto yaml = connection_yaml(vpn_, name_, conn_.secrets);
    int r = sd_bus_match_signal(bus_, interfaces_watch_.out(), ipsecd_bus, ipsecd_root,
                                "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
                                on_interfaces_added, this);
    if (r >= 0)
        r = call_manager("AddConnection", yaml, on_added, teardown_timeout);
    // ipsecd holds the secrets from here on; keep no copy (DESIGN: secrets zeroised when freed).
    explicit_bzero(yaml.data(), yaml.size());
    for (auto& [name, value] : conn_.secrets) explicit_bzero(value.data(), value.size());
    conn_.secrets.clear();
    if (r < 0) fail(Failure::connect_failed, "cannot call ipsecd: " + std::string(strerror(-r)));
}

int Plugin::on_added(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    p->call_.reset();
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
        p->fail(failure_for_ipsecd_error(e->name), "ipsecd AddConnection: " + error_text(e));
        return 0;
    }
    p->in_ipsecd_ = true;
    const char* path = nullptr;
    int r = sd_bus_message_read(m, "ao", 1, &path);
    if (r <= 0 || !path) {
        p->fail(Failure::connect_failed, "ipsecd AddConnection returned no connection object");
        return 0;
    }
    p->path_ = path;
    r = sd_bus_match_signal(p->bus_, p->state_watch_.out(), ipsecd_bus, path,
                            "org.freedesktop.DBus.Properties", "PropertiesChanged", on_state_changed, p);
    if (r >= 0) r = p->call_manager("Up", p->name_, on_up, up_timeout);
    if (r < 0) p->fail(Failure::connect_failed, "cannot call ipsecd Up: " + std::string(strerror(-r)));
    return 0;
}

int Plugin::on_up(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    p->call_.reset();
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
        p->fail(failure_for_ipsecd_error(e->name), "ipsecd Up: " + error_text(e));
        return 0;
    }
    p->read_negotiated();
    return 0;
}

void Plugin::read_negotiated() {
    // The gateway NM pins a host route to is the address ipsecd resolved `remote` to.
    int r = sd_bus_call_method_async(bus_, call_.out(), ipsecd_bus, path_.c_str(), "org.freedesktop.DBus.Properties",
                                     "GetAll", on_connection_properties, this, "s", connection_interface);
    if (r < 0) established();
}

int Plugin::on_connection_properties(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    p->call_.reset();
    std::vector<std::string> ike_sas;
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
        p->log_.warning("ipsecd connection properties: " + error_text(e));
    } else {
        read_properties(m, [&](std::string_view key) -> int {
            const char* value = nullptr;
            if (key == "IkeSas") return read_variant_strings(m, 'o', ike_sas);
            if (key != "RemoteAddress" && key != "LocalAddress") return 0;
            int r = sd_bus_message_read(m, "v", "s", &value);
            if (r <= 0) return r < 0 ? r : -EINVAL;
            if (key == "RemoteAddress") p->remote_address_ = value;
            else if (auto a = net::Address::parse(value)) p->negotiated_.local_address = a;
            return 1;
        });
    }
    // The virtual IPs and DNS the gateway gave are the IKE SA's (RFC 7296 3.15).
    if (!p->vpn_.virtual_ips.empty() && !ike_sas.empty() &&
        sd_bus_call_method_async(p->bus_, p->call_.out(), ipsecd_bus, ike_sas.front().c_str(),
                                 "org.freedesktop.DBus.Properties", "GetAll", on_ike_sa_properties, p, "s",
                                 ike_sa_interface) >= 0)
        return 0;
    p->established();
    return 0;
}

int Plugin::on_ike_sa_properties(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    p->call_.reset();
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
        p->fail(Failure::bad_ip_config, "ipsecd IKE SA properties: " + error_text(e));
        return 0;
    }
    std::vector<std::string> vips, dns;
    p->negotiated_.dns_domains.clear();
    read_properties(m, [&](std::string_view key) -> int {
        if (key == "VirtualIps") return read_variant_strings(m, 's', vips);
        if (key == "Dns") return read_variant_strings(m, 's', dns);
        if (key == "DnsDomains") return read_variant_strings(m, 's', p->negotiated_.dns_domains);
        return 0;
    });
    p->negotiated_.virtual_ips = addresses(vips);
    p->negotiated_.dns = addresses(dns);
    p->established();
    return 0;
}

void Plugin::established() {
    const bool again = state_ == ServiceState::started;
    if (state_ != ServiceState::starting && !again) return;
    auto gateway = net::Address::parse(remote_address_);
    if (!gateway) gateway = net::Address::parse(vpn_.remote);
    if (!gateway)
        return fail(Failure::bad_ip_config, "ipsecd reported no address for remote " + vpn_.remote);
    auto ip = build_ip_configs(vpn_, negotiated_);
    if (!vpn_.virtual_ips.empty() && negotiated_.virtual_ips.empty())
        return fail(Failure::bad_ip_config, "the gateway assigned no virtual IP");
    std::string vips;
    for (const auto& a : negotiated_.virtual_ips) vips += ", virtual IP " + a.str();
    const std::string what = "(ipsecd connection " + name_ + ", peer " + gateway->str() + vips + ")";
    if (again && ip == sent_) return log_.info("'" + conn_.id + "' is up again as before " + what);
    if (again) {
        // NM's reconnect: a service going from started back to starting sends NM's VPN back
        // to "connect"; it takes the next Config and Ip4Config/Ip6Config as it took the first
        // and replaces the address, routes and DNS (NM 1.42: activated again within 40 ms).
        log_.info("'" + conn_.id + "' is up again with another configuration " + what + "; telling NetworkManager");
        enter(ServiceState::starting);
    } else {
        log_.info("'" + conn_.id + "' is up " + what);
    }
    emit_config(*gateway, ip);
    sent_ = ip;
    enter(ServiceState::started);
}

void Plugin::emit_config(const net::Address& gateway, const IpConfigs& ip) {
    // No mtu: NM applies it to the VPN's tunnel device only, and there is none here (with
    // 1400 sent, NM 1.42 left the uplink at 1500 in the lab); the kernel sizes ESP packets.
    GenericConfig generic{gateway, ip.v4.has_value(), ip.v6.has_value(), 0,
                          "ipsecd: IPsec connection " + name_ + " to " + gateway.str() + " is up"};
    struct Out {
        const char* member;
        const IpConfig* ip;
    };
    const Out outs[] = {{"Config", nullptr},
                        {"Ip4Config", ip.v4 ? &*ip.v4 : nullptr},
                        {"Ip6Config", ip.v6 ? &*ip.v6 : nullptr}};
    for (const auto& out : outs) {
        if (out.member != std::string_view("Config") && !out.ip) continue;
        sd_bus_message* signal = nullptr;
        int r = sd_bus_message_new_signal(bus_, &signal, plugin_path, plugin_interface, out.member);
        if (r >= 0) r = out.ip ? append_ip_config(signal, *out.ip) : append_generic_config(signal, generic);
        if (r >= 0) r = sd_bus_send(bus_, signal, nullptr);
        sd_bus_message_unref(signal);
        if (r < 0) log_.error(std::string("cannot emit ") + out.member + ": " + strerror(-r));
    }
}

int Plugin::on_state_changed(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    const char* interface = nullptr;
    if (sd_bus_message_read(m, "s", &interface) < 0 || std::strcmp(interface, connection_interface))
        return 0;
    if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return 0;
    while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* key = nullptr;
        const char* value = nullptr;
        if (sd_bus_message_read(m, "s", &key) < 0) return 0;
        if (std::strcmp(key, "State")) {
            if (sd_bus_message_skip(m, "v") < 0) return 0;
        } else if (sd_bus_message_read(m, "v", "s", &value) < 0) {
            return 0;
        }
        sd_bus_message_exit_container(m);
        if (!value || p->state_ != ServiceState::started) continue;
        // `connecting`: the peer closed the SAs and ipsecd brings them back (close_action:
        // restart) with the traffic blocked meanwhile; NM's VPN stays. `down`: it ended.
        if (!std::strcmp(value, "connecting"))
            p->log_.info("ipsecd is re-establishing " + p->name_ + "; its traffic is blocked meanwhile");
        else if (!std::strcmp(value, "up"))  // the new IKE SA may have another virtual IP
            p->read_negotiated();
        else if (!std::strcmp(value, "down"))
            p->fail(Failure::connect_failed, "ipsecd took connection " + p->name_ + " down");
    }
    return 0;
}

int Plugin::on_interfaces_added(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    const char* path = nullptr;
    if (p->path_.empty() || sd_bus_message_read(m, "o", &path) < 0 ||
        !std::string_view(path).starts_with(p->path_ + "/"))
        return 0;
    if (sd_bus_message_enter_container(m, 'a', "{sa{sv}}") <= 0) return 0;
    while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
        const char* interface = nullptr;
        if (sd_bus_message_read(m, "s", &interface) < 0) return 0;
        bool child = !std::strcmp(interface, child_sa_interface);
        if (!child) {
            if (sd_bus_message_skip(m, "a{sv}") < 0) return 0;
        } else {
            // This CHILD SA's selectors replace what an earlier one reported.
            Negotiated ts;
            if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return 0;
            while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
                const char* key = nullptr;
                if (sd_bus_message_read(m, "s", &key) < 0) return 0;
                auto* into = !std::strcmp(key, "LocalTs")    ? &ts.local_ts
                             : !std::strcmp(key, "RemoteTs") ? &ts.remote_ts
                                                             : nullptr;
                int r = into && sd_bus_message_enter_container(m, 'v', "as") > 0
                            ? (read_prefixes(m, *into) < 0 ? -1 : sd_bus_message_exit_container(m))
                            : sd_bus_message_skip(m, "v");
                if (r < 0) return 0;
                sd_bus_message_exit_container(m);
            }
            sd_bus_message_exit_container(m);
            p->negotiated_.local_ts = std::move(ts.local_ts);
            p->negotiated_.remote_ts = std::move(ts.remote_ts);
            p->log_.debug(std::string("CHILD SA ") + path + " reported");
        }
        sd_bus_message_exit_container(m);
    }
    return 0;
}

int Plugin::on_name_owner_changed(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    const char *name, *old_owner, *new_owner;
    if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || *new_owner) return 0;
    if (!std::strcmp(name, ipsecd_bus) && p->in_ipsecd_) {
        p->in_ipsecd_ = false;  // nothing left to remove there
        p->fail(Failure::connect_failed, "ipsecd left the bus");
    } else if (!std::strcmp(name, "org.freedesktop.NetworkManager")) {
        p->log_.warning("NetworkManager left the bus; stopping");
        p->stop();
    }
    return 0;
}

void Plugin::fail(Failure f, const std::string& reason) {
    if (state_ == ServiceState::stopping || state_ == ServiceState::stopped) return;
    log_.error("connection '" + conn_.id + "' failed: " + reason);
    sd_bus_emit_signal(bus_, plugin_path, plugin_interface, "Failure", "u", static_cast<uint32_t>(f));
    stop();
}

void Plugin::stop() {
    if (state_ == ServiceState::stopping || state_ == ServiceState::stopped) return;
    enter(ServiceState::stopping);
    call_.reset();  // an Up still pending is abandoned; Down/RemoveConnection end it in ipsecd
    state_watch_.reset();
    interfaces_watch_.reset();
    if (!in_ipsecd_) return enter(ServiceState::stopped);
    if (call_manager("Down", name_, on_down, teardown_timeout) < 0) remove_from_ipsecd();
}

int Plugin::on_down(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    if (const sd_bus_error* e = sd_bus_message_get_error(m))
        p->log_.warning("ipsecd Down " + p->name_ + ": " + error_text(e));
    p->remove_from_ipsecd();
    return 0;
}

void Plugin::remove_from_ipsecd() {
    if (int r = call_manager("RemoveConnection", name_, on_removed, teardown_timeout); r < 0) {
        log_.error("cannot remove ipsecd connection " + name_ + ": " + strerror(-r));
        enter(ServiceState::stopped);
    }
}

int Plugin::on_removed(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* p = static_cast<Plugin*>(self);
    p->call_.reset();
    if (const sd_bus_error* e = sd_bus_message_get_error(m))
        p->log_.warning("ipsecd RemoveConnection " + p->name_ + ": " + error_text(e));
    else
        p->log_.info("ipsecd connection " + p->name_ + " removed");
    p->in_ipsecd_ = false;
    p->enter(ServiceState::stopped);
    return 0;
}

}  // namespace nm
