#include "tests/dbus/fake_backend.hpp"

#include <algorithm>

#include <yaml-cpp/yaml.h>

namespace ipsecd::bus::test {

namespace {

using ike::engine::ConnectionState;

base::Unexpected<Error> config_error(const YAML::Mark& mark, const std::string& message) {
    return fail(Reason::invalid_config, "<bus>:" + std::to_string(mark.line + 1) + ":" +
                                            std::to_string(mark.column + 1) + ": " + message);
}

std::string scalar(const YAML::Node& node, const char* a, const char* b) {
    auto n = node[a];
    return n && n[b] ? n[b].as<std::string>() : std::string();
}

}  // namespace

FakeBackend::FakeBackend(sd_event* event) : event_(event) {
    add("site-b", "192.0.2.1", "192.0.2.2", false, "");
    add("road.warrior-1", "", "%any", false, "");
    add("stalled", "192.0.2.1", "192.0.2.9", false, "");
    add("badauth", "192.0.2.1", "192.0.2.66", false, "");
    lease_list = {{"office", *net::Address::parse("10.3.0.1"), "@bob.example", true},
                  {"office", *net::Address::parse("10.3.0.2"), "carol", false}};
}

void FakeBackend::add(const std::string& name, std::string local, std::string remote,
                      bool transient, std::string owner) {
    Entry e;
    e.snapshot.status.name = name;
    e.snapshot.local_address = std::move(local);
    e.snapshot.remote_address = std::move(remote);
    e.snapshot.transient = transient;
    e.owner = std::move(owner);
    entries_.push_back(std::move(e));
}

FakeBackend::Entry* FakeBackend::find(const std::string& name) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](auto& e) { return e.snapshot.status.name == name; });
    return it == entries_.end() ? nullptr : &*it;
}

std::vector<std::string> FakeBackend::names() {
    std::vector<std::string> out;
    for (auto& e : entries_) out.push_back(e.snapshot.status.name);
    return out;
}

std::optional<ConnectionSnapshot> FakeBackend::connection(const std::string& name) {
    if (Entry* e = find(name)) return e->snapshot;
    return std::nullopt;
}

SaTimes FakeBackend::ike_sa_times(const std::string&, const ike::engine::IkeSaStatus& ike) {
    if (ike.state != "established") return {};
    return {kEstablished, kEstablished + 4 * 3600};
}

ChildSaLive FakeBackend::child_sa_live(const std::string&, const ike::engine::IkeSaStatus&,
                                       const ike::engine::ChildStatus&) {
    return counters_;
}

void FakeBackend::set_manual(bool on) {
    std::erase_if(entries_, [](const Entry& e) { return e.snapshot.status.name == "hosts-ah"; });
    if (on) {
        add("hosts-ah", "192.0.2.1", "192.0.2.2", false, "");
        auto& s = entries_.back().snapshot;
        s.status.state = ConnectionState::up;
        ike::engine::ChildStatus sa;
        sa.name = "manual";
        sa.mode = xfrm::Mode::transport;
        sa.protocol = xfrm::Proto::ah;
        sa.spi_in = kManualSpiIn;
        sa.spi_out = kManualSpiOut;
        sa.proposal = "sha256";
        sa.local_ts = {*net::Prefix::parse("192.0.2.1/32")};
        sa.remote_ts = {*net::Prefix::parse("192.0.2.2/32")};
        s.child_sas = {sa};
    }
    if (bus_) bus_->sync();
}

void FakeBackend::set_more_ike_sas(const std::string& name, std::uint32_t count) {
    Entry* e = find(name);
    if (!e || e->snapshot.status.ike_sas.empty()) return;
    auto& status = e->snapshot.status;
    auto& sas = status.ike_sas;
    for (auto gone : std::vector(sas.begin() + 1, sas.end())) {
        gone.state = "closed";
        if (bus_) bus_->publish({name, status.state, gone, status.failure});
    }
    sas.resize(1);
    for (std::uint32_t i = 1; i <= count; ++i) {
        ike::engine::IkeSaStatus sa = sas.front();
        sa.local_spi = kIkeSpi + i;
        for (auto& child : sa.children) child.spi_in = kSpiIn + i;
        sas.push_back(sa);
        if (bus_) bus_->publish({name, status.state, sa, status.failure});
    }
}

void FakeBackend::churn(const std::string& name) {
    Entry* e = find(name);
    if (!e || !bus_) return;
    auto& status = e->snapshot.status;
    ike::engine::IkeSaStatus churned;
    churned.state = "connecting";
    churned.local_spi = kChurnedSpi;
    ike::engine::IkeSaStatus settled = churned;
    settled.local_spi = kSettledSpi;
    bus_->publish({name, status.state, churned, status.failure});
    bus_->publish({name, status.state, settled, status.failure});
    settled.state = "established";
    settled.remote_spi = kPeerSpi;
    ike::engine::ChildStatus child;
    child.name = "net";
    child.spi_in = kSettledSpiIn;
    child.spi_out = kSpiOut;
    settled.children.push_back(child);
    status.ike_sas.push_back(settled);
    bus_->publish({name, status.state, settled, status.failure});
    churned.state = "closed";
    bus_->publish({name, status.state, churned, status.failure});
}

void FakeBackend::close_churned(const std::string& name) {
    Entry* e = find(name);
    if (!e || !bus_) return;
    auto& status = e->snapshot.status;
    std::erase_if(status.ike_sas, [](auto& sa) { return sa.local_spi == kSettledSpi; });
    ike::engine::IkeSaStatus gone;
    gone.state = "closed";
    gone.local_spi = kSettledSpi;
    bus_->publish({name, status.state, gone, status.failure});
}

// Runs `action` 20 ms from now on the event loop, as a real exchange completes later.
void FakeBackend::later(std::function<void()> action) {
    sd_event_source* source = nullptr;
    auto* heap = new std::function<void()>(std::move(action));
    sd_event_add_time_relative(
        event_, &source, CLOCK_MONOTONIC, 20 * 1000, 0,
        [](sd_event_source*, uint64_t, void* userdata) {
            (*static_cast<std::function<void()>*>(userdata))();
            return 0;
        },
        heap);
    sd_event_source_set_destroy_callback(
        source, [](void* userdata) { delete static_cast<std::function<void()>*>(userdata); });
    timers_.push_back(source);
}

FakeBackend::~FakeBackend() {
    for (auto* source : timers_) sd_event_source_unref(source);
}

// What the engine would publish for each step; SPIs are fixed so tests can name paths.
void FakeBackend::set_state(const std::string& name, ConnectionState state, const char* ike_state,
                            bool with_child) {
    Entry* e = find(name);
    if (!e) return;
    auto& status = e->snapshot.status;
    status.state = state;
    // The engine publishes per IKE SA: the one SA's new state, or "closed" once it is gone.
    ike::engine::IkeSaStatus gone;
    gone.state = "closed";
    gone.local_spi = kIkeSpi;
    status.ike_sas.clear();
    if (ike_state) {
        ike::engine::IkeSaStatus sa;
        sa.state = ike_state;
        sa.local_spi = kIkeSpi;
        sa.remote_spi = with_child ? kPeerSpi : 0;
        sa.proposal = with_child ? "aes256gcm16-prfsha256-x25519" : "";
        sa.local = {*net::Address::parse("192.0.2.1"), 500};
        sa.remote = {*net::Address::parse("192.0.2.2"), 500};
        // road.warrior-1 stands for a road warrior: it received a virtual IP, a DNS server and
        // a domain.
        if (with_child && name == "road.warrior-1") {
            sa.virtual_ips = {*net::Address::parse("10.3.0.7")};
            sa.dns = {*net::Address::parse("10.3.0.53")};
            sa.dns_domains = {"corp.example"};
        }
        if (with_child) {
            ike::engine::ChildStatus child;
            child.name = "net";
            child.spi_in = kSpiIn;
            child.spi_out = kSpiOut;
            child.proposal = "aes256gcm16";
            child.local_ts = {*net::Prefix::parse("10.1.0.0/24")};
            child.remote_ts = {*net::Prefix::parse("10.2.0.0/24")};
            sa.children.push_back(child);
        }
        status.ike_sas.push_back(sa);
    }
    if (bus_) bus_->publish({name, state, ike_state ? status.ike_sas.back() : gone, status.failure});
}

void FakeBackend::up(const std::string& name, Done done) {
    if (!find(name)) return done(fail(Reason::no_such_connection, "no connection named '" + name + "'"));
    set_state(name, ConnectionState::connecting, "connecting", false);
    if (name == "stalled") {
        stalled_.emplace_back(name, std::move(done));
        return;
    }
    later([this, name, done = std::move(done)] {
        if (name == "badauth") {
            set_state(name, ConnectionState::down, nullptr, false);
            return done(fail(Reason::authentication_failed,
                             "badauth: peer 192.0.2.66 rejected our authentication"));
        }
        set_state(name, ConnectionState::up, "established", true);
        done({});
    });
}

void FakeBackend::down(const std::string& name, Done done) {
    Entry* e = find(name);
    if (!e) return done(fail(Reason::no_such_connection, "no connection named '" + name + "'"));
    if (!e->snapshot.status.ike_sas.empty())
        set_state(name, ConnectionState::closing, "deleting", true);
    later([this, name, done = std::move(done)] {
        set_state(name, ConnectionState::down, nullptr, false);
        done({});
    });
}

void FakeBackend::complete_stalled() {
    for (auto& [name, done] : std::exchange(stalled_, {})) {
        set_state(name, ike::engine::ConnectionState::up, "established", true);
        done({});
    }
}

Result<std::vector<std::string>> FakeBackend::reload() {
    if (!reload_error_.empty()) return fail(Reason::invalid_config, reload_error_);
    for (auto& name : std::exchange(staged_, {})) add(name, "192.0.2.1", "198.51.100.7", false, "");
    return std::vector<std::string>{};
}

Result<AddedConnections> FakeBackend::add_connection(const std::string& yaml,
                                                     const std::string& sender) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        return config_error(e.mark, e.msg);
    }
    if (!root.IsMap()) return config_error(root.Mark(), "expected a mapping");
    AddedConnections added;
    for (auto it = root.begin(); it != root.end(); ++it) {
        auto key = it->first.as<std::string>();
        if (key == "transient_owner") {
            added.owned_by_sender = it->second.as<bool>(false);
        } else if (key != "connections" && key != "secrets") {
            return config_error(it->first.Mark(), "unknown key '" + key + "'");
        }
    }
    auto conns = root["connections"];
    if (!conns || !conns.IsMap()) return config_error(root.Mark(), "no connections");
    for (auto it = conns.begin(); it != conns.end(); ++it) {
        auto name = it->first.as<std::string>();
        if (find(name)) return fail(Reason::already_exists, "connection '" + name + "' already exists");
        added.names.push_back(name);
    }
    for (auto it = conns.begin(); it != conns.end(); ++it)
        add(it->first.as<std::string>(), scalar(it->second, "local", "address"),
            scalar(it->second, "remote", "address"), true,
            added.owned_by_sender ? sender : std::string());
    return added;
}

Status FakeBackend::remove_connection(const std::string& name) {
    Entry* e = find(name);
    if (!e) return fail(Reason::no_such_connection, "no connection named '" + name + "'");
    if (!e->snapshot.transient)
        return fail(Reason::not_transient, "connection '" + name + "' is from a file");
    std::erase_if(entries_, [&](auto& x) { return x.snapshot.status.name == name; });
    return {};
}

void FakeBackend::owner_vanished(const std::string& sender) {
    std::erase_if(entries_, [&](auto& e) { return !e.owner.empty() && e.owner == sender; });
}

}  // namespace ipsecd::bus::test
