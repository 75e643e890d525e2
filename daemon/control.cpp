#include "daemon/control.hpp"

#include <algorithm>
#include <utility>

#include "daemon/config/loader.hpp"
#include "daemon/credentials.hpp"

namespace ipsecd {

namespace {

std::string diagnostics_text(const std::vector<config::Diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) out += (out.empty() ? "" : "\n") + config::format(d);
    return out;
}

std::string address_text(const std::optional<net::Address>& a) { return a ? a->str() : ""; }


// Up's error after the engine gave up on the attempt: the typed failure it published.
bus::Status up_failure(const std::string& name, const ike::engine::Failure& failure) {
    using K = ike::engine::FailureKind;
    auto reason = bus::Reason::failed;
    switch (failure.kind) {
        case K::authentication_failed: reason = bus::Reason::authentication_failed; break;
        case K::no_proposal_chosen: reason = bus::Reason::no_proposal_chosen; break;
        case K::timeout: reason = bus::Reason::timeout; break;
        case K::child_refused: reason = bus::Reason::child_refused; break;
        case K::child_failed: reason = bus::Reason::child_failed; break;
        case K::unresolved: reason = bus::Reason::host_unresolved; break;
        case K::child_widened:
        case K::child_mode_refused: reason = bus::Reason::child_unacceptable; break;
        case K::cannot_initiate:
        case K::none:
        case K::other: break;
    }
    const auto why = ike::engine::describe(failure);
    return bus::fail(reason, "'" + name + "': " + (why.empty() ? "the connection attempt failed (see the log)" : why));
}

}  // namespace

Control::Control(Daemon& daemon, const Options& options, Logger& log, ike::policy::Config files,
                 ike::engine::Credentials credentials)
    : daemon_(daemon), options_(options), log_(log), files_(std::move(files)), running_(files_) {
    use(std::move(credentials));
}

void Control::use(ike::engine::Credentials credentials) {
    auto fresh = std::make_unique<ike::engine::Credentials>(std::move(credentials));
    daemon_.set_credentials(fresh.get());
    credentials_ = std::move(fresh);  // the old ones only now: the engines held them until here
}

ike::policy::Config Control::merged() const {
    ike::policy::Config c = files_;
    for (const auto& t : transient_) {
        c.connections.push_back(t.connection);
        c.secrets.insert(c.secrets.end(), t.secrets.begin(), t.secrets.end());
        c.key_passwords.insert(c.key_passwords.end(), t.key_passwords.begin(), t.key_passwords.end());
        c.eap_secrets.insert(c.eap_secrets.end(), t.eap_secrets.begin(), t.eap_secrets.end());
    }
    return c;
}

const ike::policy::Connection* Control::find(const std::string& name) const {
    if (const auto* c = files_.find(name)) return c;
    for (const auto& t : transient_)
        if (t.connection.name == name) return &t.connection;
    return nullptr;
}

bool Control::is_transient(const std::string& name) const {
    return std::any_of(transient_.begin(), transient_.end(),
                       [&](const Transient& t) { return t.connection.name == name; });
}

bus::Status Control::apply() {
    auto next = merged();
    // Read again every time: a renewed certificate is picked up by a reload.
    auto credentials = load_credentials(next);
    if (!credentials) return bus::fail(bus::Reason::invalid_config, credentials.error().message);
    use(std::move(*credentials));
    if (next == running_) return {};
    if (auto st = daemon_.reconfigure(next); !st) return bus::fail(bus::Reason::failed, st.error().message);
    running_ = std::move(next);
    return {};
}

void Control::start_connections() { daemon_.start_connections(); }

std::vector<std::string> Control::names() {
    std::vector<std::string> out;
    for (const auto& c : files_.connections) out.push_back(c.name);
    for (const auto& t : transient_) out.push_back(t.connection.name);
    return out;
}

std::optional<bus::ConnectionSnapshot> Control::connection(const std::string& name) {
    const ike::policy::Connection* c = find(name);
    if (!c) return std::nullopt;
    bus::ConnectionSnapshot s;
    s.status = daemon_.status_of(name);
    s.local_address = address_text(c->local.address);
    s.remote_address = c->remote.host;
    s.transient = is_transient(name);
    if (auto manual = daemon_.manual().status(name)) {  // its SA pair (when in the kernel), no IKE SA
        s.status.state = manual->state;
        s.manual_error = manual->error;
        if (manual->state == ike::engine::ConnectionState::up) s.child_sas = {manual->sa};
    }
    return s;
}

bus::SaTimes Control::ike_sa_times(const std::string&, const ike::engine::IkeSaStatus& ike) {
    return {Daemon::wall_seconds(ike.established), Daemon::wall_seconds(ike.rekey_at)};
}

bus::ChildSaLive Control::child_sa_live(const std::string& connection, const ike::engine::IkeSaStatus& ike,
                                        const ike::engine::ChildStatus& child) {
    bus::ChildSaLive live;
    live.times = {Daemon::wall_seconds(child.established), Daemon::wall_seconds(child.rekey_at)};
    auto proto = child.protocol;
    auto local = ike.local.address, remote = ike.remote.address;
    if (auto manual = daemon_.manual().status(connection); manual && ike.local_spi == 0)
        local = manual->local, remote = manual->remote;
    // Inbound SA: destination is our address; outbound: the peer's (RFC 4301 SA lookup).
    const auto in = daemon_.kernel().sa_counters({local, child.spi_in, proto});
    const auto out = daemon_.kernel().sa_counters({remote, child.spi_out, proto});
    live.bytes_in = in.bytes, live.packets_in = in.packets;
    live.bytes_out = out.bytes, live.packets_out = out.packets;
    return live;
}

void Control::up(const std::string& name, bus::Done done) {
    if (!find(name)) return done(bus::fail(bus::Reason::no_such_connection, "no connection named '" + name + "'"));
    if (auto manual = daemon_.manual().status(name))  // up from its configuration on, or refused by the kernel
        return done(manual->error.empty() ? bus::Status{} : bus::fail(bus::Reason::failed, "'" + name + "': " + manual->error));
    waiting_up_[name].push_back(std::move(done));
    // Also when up: the engine adds the children Up asks for that are not there yet.
    daemon_.feed(ike::engine::AdminUp{name});
    // The first request not sent: nothing to wait for.
    if (const auto& error = daemon_.last_feed_error(); !error.empty())
        return complete(waiting_up_, name, bus::fail(bus::Reason::failed, "'" + name + "': " + error));
    // Already up, or an attempt that failed before it could wait for the peer (no IKE SA
    // made: the engine's typed failure says why), publishes no state to wait for.
    const auto now = daemon_.status_of(name);
    on_state({name, now.state, {}, now.failure});
}

void Control::down(const std::string& name, bus::Done done) {
    if (!find(name)) return done(bus::fail(bus::Reason::no_such_connection, "no connection named '" + name + "'"));
    if (daemon_.manual().status(name))
        return done(bus::fail(bus::Reason::failed, "'" + name + "' is manually keyed: it is up while configured "
                                                   "(remove it from the configuration and reload)"));
    complete(waiting_up_, name, bus::fail(bus::Reason::cancelled, "'" + name + "' was brought down"));
    if (last_state_[name] == ike::engine::ConnectionState::down) {
        daemon_.feed(ike::engine::AdminDown{name});  // no SA, but trap policies go too
        return done({});
    }
    waiting_down_[name].push_back(std::move(done));
    daemon_.feed(ike::engine::AdminDown{name});
    // Only restarts scheduled (no SA): the down publishes nothing to wait for.
    const auto now = daemon_.status_of(name);
    on_state({name, now.state, {}, now.failure});
}

void Control::complete(std::map<std::string, std::vector<bus::Done>>& waiting,
                       const std::string& name, const bus::Status& result) {
    auto it = waiting.find(name);
    if (it == waiting.end()) return;
    auto dones = std::move(it->second);
    waiting.erase(it);
    for (auto& d : dones) d(result);
}

void Control::on_state(const ike::engine::StatePublished& change) {
    using S = ike::engine::ConnectionState;
    const std::string& name = change.connection;
    last_state_[name] = change.state;
    if (change.state == S::up) complete(waiting_up_, name, {});
    // The IKE SA stands but a child Up asked for was refused: Up fails naming it.
    if (change.state == S::partial) complete(waiting_up_, name, up_failure(name, change.failure));
    if (change.state == S::down) {
        complete(waiting_down_, name, {});
        complete(waiting_up_, name, up_failure(name, change.failure));
    }
    // An attempt failed and the next is scheduled (close_action: restart, start: up): Up
    // fails with this attempt's reason while ipsecd goes on trying.
    if (change.state == S::connecting && change.ike_sa.state == "closed" &&
        change.failure.kind != ike::engine::FailureKind::none)
        complete(waiting_up_, name, up_failure(name, change.failure));
}

bus::Result<std::vector<std::string>> Control::reload() {
    auto loaded = config::load_directory(options_.config_dir);
    // The files it names are checked here for their FILE:LINE:COLUMN (apply() reads them again).
    if (auto credentials = load_credentials(loaded); !credentials)
        loaded.diagnostics.insert(loaded.diagnostics.end(), credentials.error().begin(), credentials.error().end());
    if (!loaded.ok()) {
        auto text = diagnostics_text(loaded.diagnostics);
        log_.error("reload refused, the running configuration stays:\n" + text);
        return bus::fail(bus::Reason::invalid_config, text);
    }
    for (const auto& t : transient_)
        if (loaded.config.find(t.connection.name))
            return bus::fail(bus::Reason::invalid_config,
                             options_.config_dir + ": connection '" + t.connection.name +
                                 "' is already defined by AddConnection");
    auto d = ike::policy::diff(files_, loaded.config);
    log_.info("reload: " + std::to_string(d.added.size()) + " added, " + std::to_string(d.removed.size()) +
              " removed, " + std::to_string(d.changed.size()) + " changed, " +
              std::to_string(d.unchanged.size()) + " unchanged");
    auto before = std::exchange(files_, std::move(loaded.config));
    if (auto st = apply(); !st) {
        files_ = std::move(before);
        return base::Unexpected{st.error()};
    }
    return d.changed;
}

bus::Result<bus::AddedConnections> Control::add_connection(const std::string& yaml, const std::string& sender) {
    config::TextOptions opts;
    opts.config_dir = options_.config_dir;
    const auto current = merged();
    for (const auto& c : current.connections) opts.names_in_use.push_back(c.name);
    for (const auto& p : current.pools) opts.pools_in_use.push_back(p.name);
    auto loaded = config::parse_text(yaml, opts);
    if (!loaded.ok()) {
        auto text = diagnostics_text(loaded.diagnostics);
        bool dup = std::any_of(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                               [](const config::Diagnostic& d) { return d.message.find("already") != std::string::npos; });
        return bus::fail(dup ? bus::Reason::already_exists : bus::Reason::invalid_config, text);
    }
    bus::AddedConnections added;
    added.owned_by_sender = loaded.transient_owner;
    auto before = transient_;
    for (auto& c : loaded.config.connections) {
        added.names.push_back(c.name);
        transient_.push_back({std::move(c), {}, {}, {}, loaded.transient_owner ? sender : ""});
    }
    // the text's secrets travel with its last connection, so removing them all removes them
    if (!added.names.empty()) {
        transient_.back().secrets = std::move(loaded.config.secrets);
        transient_.back().key_passwords = std::move(loaded.config.key_passwords);
        transient_.back().eap_secrets = std::move(loaded.config.eap_secrets);
    }
    if (auto st = apply(); !st) {
        transient_ = std::move(before);
        return bus::fail(st.error().reason, st.error().message);
    }
    log_.info("added transient connection(s) from " + sender);
    return added;
}

bus::Status Control::remove_connection(const std::string& name) {
    if (!find(name)) return bus::fail(bus::Reason::no_such_connection, "no connection named '" + name + "'");
    if (!is_transient(name))
        return bus::fail(bus::Reason::not_transient, "'" + name + "' comes from a configuration file; edit the file and reload");
    // Before the engine takes it down (which publishes "down" and would fail them otherwise).
    complete(waiting_up_, name, bus::fail(bus::Reason::cancelled, "'" + name + "' was removed"));
    auto before = transient_;
    std::erase_if(transient_, [&](const Transient& t) { return t.connection.name == name; });
    if (auto st = apply(); !st) {
        transient_ = std::move(before);
        return st;
    }
    return {};
}

void Control::owner_vanished(const std::string& sender) {
    std::vector<std::string> names;
    for (const auto& t : transient_)
        if (t.owner == sender) names.push_back(t.connection.name);
    for (const auto& n : names) {
        log_.info("bus peer " + sender + " left: removing its connection '" + n + "'");
        (void)remove_connection(n);
    }
}

}  // namespace ipsecd
