#include "dbus/bus.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <systemd/sd-event.h>

#include "dbus/objects.hpp"
#include "dbus/paths.hpp"
#include "dbus/signals.hpp"

namespace ipsecd::bus {

namespace {

using ike::engine::ChildStatus;
using ike::engine::IkeSaStatus;

enum class Depth { connection, ike_sa, child_sa };

// Fallback-vtable lookup: the object exists when the path names something in the snapshot
// at exactly this depth. The getters receive the Bus and resolve the path themselves.
template <Depth depth>
int find_object(sd_bus*, const char* path, const char*, void* userdata, void** found,
                sd_bus_error*) {
    auto* self = static_cast<Bus*>(userdata);
    auto at = self->locate(path);
    bool exists = false;
    switch (depth) {
        case Depth::connection: exists = at.connection && !at.ike && !at.child; break;
        case Depth::ike_sa: exists = at.ike && !at.child; break;
        case Depth::child_sa: exists = at.child != nullptr; break;
    }
    if (!exists) return 0;
    *found = self;
    return 1;
}

base::Status check(int r, const char* what) {
    if (r < 0) return base::fail(std::string("D-Bus: ") + what + ": " + std::strerror(-r), -r);
    return {};
}

}  // namespace

Bus::Bus(sd_bus* bus, Backend& backend) : bus_(sd_bus_ref(bus)), backend_(backend) {}

Bus::~Bus() {
    flush();
    sd_event_source_disable_unref(flush_timer_);
    for (auto* slot : slots_) sd_bus_slot_unref(slot);
    sd_bus_unref(bus_);
}

base::Result<std::unique_ptr<Bus>> Bus::create(sd_bus* bus, Backend& backend) {
    std::unique_ptr<Bus> self(new Bus(bus, backend));
    if (auto attached = self->attach(); !attached) return base::Unexpected{attached.error()};
    self->sync();
    return self;
}

base::Status Bus::attach() {
    struct Registration {
        const char* what;
        std::function<int(sd_bus_slot**)> add;
    };
    const Registration registrations[] = {
        {"Manager", [&](sd_bus_slot** s) {
             return sd_bus_add_object_vtable(bus_, s, kRootPath, kManagerInterface,
                                             manager_vtable, this);
         }},
        {"ObjectManager", [&](sd_bus_slot** s) { return sd_bus_add_object_manager(bus_, s, kRootPath); }},
        {"ObjectManager bound", [&](sd_bus_slot** s) {
             return sd_bus_add_object(bus_, s, kRootPath, managed_objects_guard, this);
         }},
        {"Connection", [&](sd_bus_slot** s) {
             return sd_bus_add_fallback_vtable(bus_, s, kConnectionPrefix, kConnectionInterface,
                                               connection_vtable,
                                               find_object<Depth::connection>, this);
         }},
        {"IkeSa", [&](sd_bus_slot** s) {
             return sd_bus_add_fallback_vtable(bus_, s, kConnectionPrefix, kIkeSaInterface,
                                               ike_sa_vtable, find_object<Depth::ike_sa>, this);
         }},
        {"ChildSa", [&](sd_bus_slot** s) {
             return sd_bus_add_fallback_vtable(bus_, s, kConnectionPrefix, kChildSaInterface,
                                               child_sa_vtable, find_object<Depth::child_sa>,
                                               this);
         }},
        {"node enumerator", [&](sd_bus_slot** s) {
             return sd_bus_add_node_enumerator(bus_, s, kConnectionPrefix, enumerate, this);
         }},
        // Peers leaving the bus: drop their pending replies, end their transient connections.
        {"NameOwnerChanged match", [&](sd_bus_slot** s) {
             return sd_bus_match_signal(bus_, s, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "NameOwnerChanged",
                                        on_name_owner_changed, this);
         }},
        // A call is answered after the signals of the changes before it (bus_publish.cpp).
        {"filter", [&](sd_bus_slot** s) { return sd_bus_add_filter(bus_, s, on_incoming, this); }},
    };
    for (auto& reg : registrations) {
        sd_bus_slot* slot = nullptr;
        if (auto ok = check(reg.add(&slot), reg.what); !ok) return ok;
        slots_.push_back(slot);
    }
    return {};
}

base::Status Bus::request_name() {
    return check(sd_bus_request_name(bus_, kServiceName, 0), "requesting org.ipsecd1");
}

Bus::Located Bus::locate(const char* path) const {
    if (last_.generation == generation_ && last_.path == path) return last_.at;
    last_.path = path;
    last_.at = {};
    last_.generation = generation_;
    if (auto ref = parse_path(path)) {
        if (auto it = by_name_.find(ref->connection); it != by_name_.end())
            last_.at = locate(it->second, *ref, last_.ike);
    }
    return last_.at;
}

void Bus::remember(const std::string& path, const Located& at) const {
    last_.path = path;
    last_.at = at;
    last_.generation = generation_;
}

Bus::Located Bus::locate(const Cached& c, const ObjectRef& ref, IkeSaStatus& ike) {
    const ConnectionSnapshot* connection = &c.snapshot;
    if (!ref.ike_spi && ref.child_spi) {
        const ChildStatus* child = find_child(connection->child_sas, *ref.child_spi);
        return child ? Located{connection, nullptr, child} : Located{};
    }
    if (!ref.ike_spi) return {connection, nullptr, nullptr};
    auto found = c.ike_sas.find(*ref.ike_spi);
    if (found == c.ike_sas.end()) return {};
    ike = expand(found->first, found->second);
    if (!ref.child_spi) return {connection, &ike, nullptr};
    const ChildStatus* child = find_child(ike, *ref.child_spi);
    return child ? Located{connection, &ike, child} : Located{};
}

Bus::CachedIke Bus::compact(const IkeSaStatus& ike) {
    CachedIke c{intern(ike.state), intern(ike.proposal), ike.remote_spi, ike.local, ike.remote,
                static_cast<std::uint8_t>(ike.version), ike.virtual_ips_received, ike.host_config,
                ike.established, ike.rekey_at, ike.children, nullptr};
    if (!ike.virtual_ips.empty() || !ike.dns.empty() || !ike.dns_domains.empty())
        c.lists = std::make_unique<CachedIke::Lists>(CachedIke::Lists{ike.virtual_ips, ike.dns, ike.dns_domains});
    return c;
}

IkeSaStatus Bus::expand(std::uint64_t local_spi, const CachedIke& c) {
    IkeSaStatus ike;
    ike.version = c.version;
    ike.state = *c.state;
    ike.local_spi = local_spi;
    ike.remote_spi = c.remote_spi;
    ike.proposal = *c.proposal;
    ike.local = c.local;
    ike.remote = c.remote;
    ike.children = c.children;
    if (c.lists) {
        ike.virtual_ips = c.lists->virtual_ips;
        ike.dns = c.lists->dns;
        ike.dns_domains = c.lists->dns_domains;
    }
    ike.virtual_ips_received = c.virtual_ips_received;
    ike.host_config = c.host_config;
    ike.established = c.established;
    ike.rekey_at = c.rekey_at;
    return ike;
}

std::optional<IkeSaStatus> Bus::find_ike(const Cached& c, std::uint64_t local_spi) {
    auto it = c.ike_sas.find(local_spi);
    if (it == c.ike_sas.end()) return std::nullopt;
    return expand(it->first, it->second);
}

ConnectionSnapshot Bus::whole(const Cached& c) {
    ConnectionSnapshot s = c.snapshot;
    for (const auto& [spi, ike] : c.ike_sas) s.status.ike_sas.push_back(expand(spi, ike));
    return s;
}

void Bus::store(Cached& c, const ConnectionSnapshot& next) {
    ++generation_;
    c.snapshot = ConnectionSnapshot{{next.status.name, next.status.state, {}, next.status.failure},
                                    next.local_address, next.remote_address, next.transient,
                                    next.child_sas, next.manual_error};
    c.ike_sas.clear();
    for (const auto& ike : next.status.ike_sas) c.ike_sas.insert_or_assign(ike.local_spi, compact(ike));
}

std::string Bus::remote_address(const Cached& c) {
    return bus::remote_address(c.snapshot.remote_address, [&]() -> std::optional<net::Address> {
        for (const auto& [spi, ike] : c.ike_sas)
            if (*ike.state == "established") return ike.remote.address;
        return std::nullopt;
    });
}

std::string Bus::remote_address(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? std::string() : remote_address(it->second);
}

std::vector<std::uint64_t> Bus::ike_sa_spis(const std::string& name) const {
    std::vector<std::uint64_t> spis;
    if (auto it = by_name_.find(name); it != by_name_.end()) {
        spis.reserve(it->second.ike_sas.size());
        for (const auto& [spi, ike] : it->second.ike_sas) spis.push_back(spi);
    }
    return spis;
}

const ChildSaLive& Bus::child_live(sd_bus_message* reply, const char* path, const Located& at) {
    std::uint64_t iteration = 0;
    sd_event* event = sd_bus_get_event(bus_);
    const bool iterating = event && sd_event_get_iteration(event, &iteration) >= 0;  // else: read each time
    if (!iterating || last_live_.reply != reply || last_live_.iteration != iteration || last_live_.path != path) {
        const std::string& connection = at.connection->status.name;
        last_live_ = {reply, path, iteration,
                      backend_.child_sa_live(connection, at.ike ? *at.ike : ike::engine::IkeSaStatus{}, *at.child)};
    }
    return last_live_.live;
}

std::size_t Bus::object_count() const {
    std::size_t count = 0;
    for (const auto& [name, cached] : by_name_) {
        count += 1 + cached.ike_sas.size() + cached.snapshot.child_sas.size();
        for (const auto& [spi, ike] : cached.ike_sas) count += ike.children.size();
    }
    return count;
}

void Bus::for_ike_sas_after(const std::string& name, std::uint64_t after,
                            const std::function<bool(const IkeSaStatus&)>& each) const {
    auto c = by_name_.find(name);
    if (c == by_name_.end()) return;
    const auto& sas = c->second.ike_sas;
    for (auto it = sas.upper_bound(after); it != sas.end(); ++it)
        if (!each(expand(it->first, it->second))) return;
}

const ConnectionSnapshot* Bus::connection(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &it->second.snapshot;
}

int Bus::reply_when_done(sd_bus_message* call, const std::function<void(Done)>& start) {
    start(pending_->keep(call));
    return 1;  // the reply is sent by the completion, now or later
}

void Bus::watch_owner(sd_bus_message* call) {
    if (const char* sender = sd_bus_message_get_sender(call)) owners_.insert(sender);
}

void Bus::sync() { sync(backend_.names()); }

void Bus::sync(const std::vector<std::string>& changed) {
    flush();  // apply() and drop() compare with what clients were told
    auto names = backend_.names();
    const std::set<std::string, std::less<>> keep(names.begin(), names.end());
    const std::set<std::string, std::less<>> stale(changed.begin(), changed.end());
    for (auto& name : std::vector<std::string>(order_))
        if (!keep.contains(name)) drop(name);
    order_ = std::move(names);
    for (const auto& name : order_)
        if (!by_name_.contains(name) || stale.contains(name))
            if (auto snapshot = backend_.connection(name)) apply(std::move(*snapshot));
}


// The cache is updated first: signals that carry values (InterfacesAdded,
// PropertiesChanged) read them through the getters. New objects are announced before the
// properties that list them change, gone ones after.
void Bus::apply(ConnectionSnapshot next) {
    const std::string name = next.status.name;
    auto it = by_name_.find(name);
    if (it == by_name_.end()) {
        Cached& added = by_name_.emplace(name, Cached{}).first->second;
        store(added, next);
        emit_added(*this, connection_path(name), kConnectionInterface);
        for (auto& ike : next.status.ike_sas) emit_ike_added(*this, name, ike);
        emit_child_sas(*this, name, {}, added.snapshot.child_sas);
        return;
    }
    const Cached before = std::move(it->second);
    store(it->second, next);
    const Cached& after = it->second;

    for (auto& ike : next.status.ike_sas) {
        if (auto old_ike = find_ike(before, ike.local_spi))
            emit_ike_changed(*this, name, *old_ike, ike);
        else
            emit_ike_added(*this, name, ike);
    }
    emit_child_sas(*this, name, before.snapshot.child_sas, after.snapshot.child_sas);
    emit_changed(*this, connection_path(name), kConnectionInterface, connection_changes(whole(before), next));
    for (const auto& [spi, ike] : before.ike_sas) {
        if (auto new_ike = find_ike(after, spi))
            emit_children_removed(*this, name, expand(spi, ike), *new_ike);
        else
            emit_ike_removed(*this, name, expand(spi, ike));
    }
}

void Bus::drop(const std::string& name) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return;
    ++generation_;
    const Cached gone = std::move(it->second);
    by_name_.erase(it);
    std::erase(order_, name);
    for (const auto& [spi, ike] : gone.ike_sas) emit_ike_removed(*this, name, expand(spi, ike));
    emit_child_sas(*this, name, gone.snapshot.child_sas, {});
    emit_removed(*this, connection_path(name), kConnectionInterface);
}

void Bus::peer_left(const std::string& unique_name) {
    pending_->drop_sender(unique_name);
    if (owners_.erase(unique_name) == 0) return;
    backend_.owner_vanished(unique_name);
    sync();
}

int Bus::on_name_owner_changed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char *name = nullptr, *old_owner = nullptr, *new_owner = nullptr;
    if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0) return 0;
    // A unique name (":1.42") that loses its owner is a peer that left the bus.
    if (name[0] == ':' && old_owner[0] != '\0' && new_owner[0] == '\0')
        static_cast<Bus*>(userdata)->peer_left(name);
    return 0;
}

int Bus::enumerate(sd_bus*, const char*, void* userdata, char*** nodes, sd_bus_error*) {
    auto* self = static_cast<Bus*>(userdata);
    std::vector<std::string> paths;
    for (auto& name : self->order_) {
        auto& c = self->by_name_.at(name);
        paths.push_back(connection_path(name));
        for (const auto& [spi, ike] : c.ike_sas) {
            auto path = ike_sa_path(name, spi);
            for (auto& child : ike.children) paths.push_back(child_sa_path_below(path, child.spi_in));
            paths.insert(paths.end() - static_cast<std::ptrdiff_t>(ike.children.size()), std::move(path));
        }
        for (auto& child : c.snapshot.child_sas) paths.push_back(child_sa_path(name, child.spi_in));
    }
    // sd-bus takes ownership of a NULL-terminated malloc'd array of malloc'd strings.
    auto** strv = static_cast<char**>(std::calloc(paths.size() + 1, sizeof(char*)));
    if (!strv) return -ENOMEM;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        strv[i] = strdup(paths[i].c_str());
        if (!strv[i]) {
            for (std::size_t j = 0; j < i; ++j) std::free(strv[j]);
            std::free(strv);
            return -ENOMEM;
        }
    }
    *nodes = strv;
    return 0;
}

}  // namespace ipsecd::bus
