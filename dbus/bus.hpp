// ipsecd::bus::Bus: the org.ipsecd1 objects on an sd-bus connection, over a Backend.
// The daemon creates one after connecting to the system bus (and attaching it to its
// sd-event loop), then calls request_name(). It forwards every engine StatePublished to
// publish(), and calls sync() after it changed the set of connections on its own (SIGHUP:
// sync(changed)).
// A publish() touches only the one IKE SA's objects and its connection's properties: its
// cost does not grow with the number of SAs (issue 13). Its signals wait for the next flush
// (bus_publish.cpp), at most kFlushDelay later: there the changes of one object since the last
// flush make one signal with its latest values, an SA that came and went makes none, and a
// connection's IkeSas is invalidated once. A change of a connection's State, a sync() and any
// incoming method call flush at once: every State value is signalled, and no reply goes
// ahead of the signals of the states before it.
//
// Objects (paths in dbus/paths.hpp):
//   /org/ipsecd1                        org.ipsecd1.Manager, org.freedesktop.DBus.ObjectManager
//   .../connection/<name>               org.ipsecd1.Connection
//   .../connection/<name>/ike_<spi>     org.ipsecd1.IkeSa
//   .../ike_<spi>/child_<spi>           org.ipsecd1.ChildSa
// The bus keeps the last snapshot of every connection, its IKE SAs by local SPI (a publish finds
// one by hash, adds one in O(log N); dbus/spi_ordered_map.hpp; the IkeSas property and GetConnectionObjects list them in local
// SPI order) in a compact form: the strings many SAs share (state, proposal) kept once, the
// lists few have (virtual IPs, DNS) apart, an IkeSaStatus rebuilt when a getter, a signal or a
// page needs one (issue 13: bytes per SA). Property reads, signals (PropertiesChanged,
// InterfacesAdded/Removed) and ListConnections come from it; SA times and counters are read
// from the Backend when a client asks.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "base/result.hpp"
#include "dbus/backend.hpp"
#include "dbus/paths.hpp"
#include "dbus/pending_replies.hpp"
#include "dbus/reply_limits.hpp"
#include "dbus/spi_ordered_map.hpp"

namespace ipsecd::bus {

class Bus {
public:
    // Registers all objects and the peer watch on `bus` (which it references) and loads the
    // initial snapshot from backend.connections().
    static base::Result<std::unique_ptr<Bus>> create(sd_bus* bus, Backend& backend);
    ~Bus();
    Bus(const Bus&) = delete;
    Bus& operator=(const Bus&) = delete;

    // Takes the well-known name org.ipsecd1 (synchronously: done once at start-up).
    base::Status request_name();

    // The engine's new state of one IKE SA of a known connection and the connection's state
    // (addresses and transient flag are kept); only that SA's objects and signals change.
    // An unknown name makes the bus re-read the whole list (sync()).
    void publish(const ike::engine::StatePublished& change);
    // The longest a published change waits for its signals.
    static constexpr std::chrono::milliseconds kFlushDelay{100};
    // Sends the signals of every change published since the last flush.
    void flush();
    // Re-read the list of connections and the snapshot of each, and announce what was added,
    // removed or changed.
    void sync();
    // As sync(), but only new connections and `changed` are read again: the others' snapshots
    // are current (publish()), so a reload costs nothing per SA of the connections it leaves.
    void sync(const std::vector<std::string>& changed);

    // The bounds of the replies that grow with the SAs (reply_limits.hpp); tests set small ones.
    const ReplyLimits& limits() const { return limits_; }
    void set_limits(const ReplyLimits& limits) { limits_ = limits; }
    // The objects GetManagedObjects would return: connections, IKE SAs, CHILD SAs.
    std::size_t object_count() const;

    // Up/Down calls waiting for their operation.
    std::size_t pending_replies() const { return pending_->size(); }

    // ---- for the object files (*_bus.cpp) ----
    struct Located {
        const ConnectionSnapshot* connection = nullptr;
        const ike::engine::IkeSaStatus* ike = nullptr;
        const ike::engine::ChildStatus* child = nullptr;
    };
    // `ike` and `child` stay valid until the next locate() of another path or change of the cache.
    Located locate(const char* path) const;
    // What locate(path) returns until forget(): the signal of an object tells its getters where
    // it is, rather than have each of them parse the path and rebuild the SA.
    void remember(const std::string& path, const Located& at) const;
    void forget() const { last_.generation = 0; }
    // A CHILD SA's counters and times (Backend::child_sa_live) for the message `reply` being
    // built: read once per message, though a signal or GetAll asks for six of them.
    const ChildSaLive& child_live(sd_bus_message* reply, const char* path, const Located& at);
    // A connection's snapshot but for its IKE SAs (status.ike_sas is empty: see the next two).
    const ConnectionSnapshot* connection(const std::string& name) const;
    // The local SPIs of the IKE SAs of connection `name`, in order.
    std::vector<std::uint64_t> ike_sa_spis(const std::string& name) const;
    // The RemoteAddress property of connection `name` (remote_address() of its snapshot).
    std::string remote_address(const std::string& name) const;
    const std::vector<std::string>& names() const { return order_; }
    // The IKE SAs of connection `name` with a local SPI above `after`, in local SPI order,
    // until `each` returns false (GetConnectionObjects' pages).
    void for_ike_sas_after(const std::string& name, std::uint64_t after,
                           const std::function<bool(const ike::engine::IkeSaStatus&)>& each) const;
    Backend& backend() { return backend_; }
    sd_bus* raw() { return bus_; }

    // Runs `start` with a completion that replies to `call` when the operation is done.
    int reply_when_done(sd_bus_message* call, const std::function<void(Done)>& start);
    // The sender of `call` owns transient connections: tell the backend when it leaves.
    void watch_owner(sd_bus_message* call);

private:
    Bus(sd_bus* bus, Backend& backend);
    base::Status attach();
    void apply(ConnectionSnapshot next);
    void drop(const std::string& name);
    // An IKE SA as the cache holds it (its local SPI is its key).
    struct CachedIke {
        struct Lists {
            std::vector<net::Address> virtual_ips, dns;
            std::vector<std::string> dns_domains;
        };
        const std::string* state = nullptr;     // interned
        const std::string* proposal = nullptr;  // interned
        std::uint64_t remote_spi = 0;
        net::Endpoint local, remote;
        std::uint8_t version = 2;
        bool virtual_ips_received = false, host_config = true;
        ike::engine::Time established{}, rekey_at{};
        std::vector<ike::engine::ChildStatus> children;
        std::unique_ptr<Lists> lists;  // null while all three are empty
    };
    // A connection's snapshot without its IKE SAs, and its IKE SAs by local SPI.
    struct Cached {
        ConnectionSnapshot snapshot;
        SpiOrderedMap<CachedIke> ike_sas;
    };
    CachedIke compact(const ike::engine::IkeSaStatus& ike);
    static ike::engine::IkeSaStatus expand(std::uint64_t local_spi, const CachedIke& ike);
    static std::optional<ike::engine::IkeSaStatus> find_ike(const Cached& c, std::uint64_t local_spi);
    static ConnectionSnapshot whole(const Cached& c);  // with its IKE SAs
    // Where `ref` is in `c`; an IKE SA rebuilt into `ike`.
    static Located locate(const Cached& c, const ObjectRef& ref, ike::engine::IkeSaStatus& ike);
    // Makes `c` hold `next`; the cached locate() is forgotten.
    void store(Cached& c, const ConnectionSnapshot& next);
    static std::string remote_address(const Cached& c);
    // What clients were told last of a connection that changed since the last flush.
    struct Unannounced {
        // local SPI -> the IKE SA as last announced; nullopt: never announced
        std::map<std::uint64_t, std::optional<ike::engine::IkeSaStatus>> ike_sas;
        std::string remote_address;
        bool state = false;  // State changed
    };
    void announce(const std::string& name, const Unannounced& before);
    void schedule_flush();
    static int on_flush_timer(sd_event_source* source, std::uint64_t usec, void* userdata);
    static int on_incoming(sd_bus_message* m, void* userdata, sd_bus_error* error);
    void peer_left(const std::string& unique_name);
    static int on_name_owner_changed(sd_bus_message* m, void* userdata, sd_bus_error* error);
    static int enumerate(sd_bus* bus, const char* prefix, void* userdata, char*** nodes,
                         sd_bus_error* error);

    sd_bus* bus_;
    Backend& backend_;
    std::vector<sd_bus_slot*> slots_;
    std::map<std::string, Cached, std::less<>> by_name_;
    // The last locate(): the getters of one signal or one GetAll ask for the same path once
    // per property. Valid while generation_ is unchanged (every change of the cache bumps it).
    struct LastLocated {
        std::string path;
        Located at;
        std::uint64_t generation = 0;
        ike::engine::IkeSaStatus ike;  // at.ike when locate() rebuilt it
    };
    mutable LastLocated last_;
    // The last child_live(): valid for the same message, path and event loop iteration.
    struct LastLive {
        const sd_bus_message* reply = nullptr;
        std::string path;
        std::uint64_t iteration = 0;
        ChildSaLive live;
    };
    LastLive last_live_;
    std::uint64_t generation_ = 1;
    std::set<std::string, std::less<>> strings_;  // what CachedIke's pointers point to; only grows
    const std::string* intern(const std::string& s) { return &*strings_.insert(s).first; }
    ReplyLimits limits_;
    std::vector<std::string> order_;
    std::set<std::string, std::less<>> owners_;
    std::map<std::string, Unannounced, std::less<>> unannounced_;
    sd_event_source* flush_timer_ = nullptr;
    std::shared_ptr<PendingReplies> pending_ = std::make_shared<PendingReplies>([this] { flush(); });
};

}  // namespace ipsecd::bus
