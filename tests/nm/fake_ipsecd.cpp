// fake-ipsecd: a test double of ipsecd's public D-Bus API (docs/DESIGN.md Part 2, "D-Bus"),
// just enough for nm-ipsecd-service: Manager.AddConnection/RemoveConnection/Up/Down,
// Connection objects with State (PropertiesChanged), a ChildSa object with LocalTs/RemoteTs
// announced through the ObjectManager, for a connection with `vips:` an IkeSa object with
// VirtualIps (10.3.0.N, N counting the IKE SAs), Dns and DnsDomains, and transient_owner
// removal when the owner leaves.
// The outcome of Up is chosen by the connection's remote address (tests/nm/run):
//   192.0.2.66  Up fails with org.ipsecd1.Error.AuthenticationFailed
//   192.0.2.77  Up fails with org.ipsecd1.Error.Timeout
//   192.0.2.55  the IKE SA comes up but the peer refuses the CHILD SA: State partial, Up fails
//               with org.ipsecd1.Error.ChildRefused (as ipsecd does, issue 11)
//   192.0.2.88  Up never answers
//   192.0.2.99  comes up, then goes down 1.5 s later (the peer deleted the IKE SA)
//   192.0.2.44  comes up, 1.5 s later goes connecting (the peer deleted the IKE SA) and 0.3 s
//               after that up again with a new IKE SA (another virtual IP)
//   otherwise   comes up after 0.2 s
// --record DIR writes each AddConnection text to DIR/<name>.yaml and one line per event to
// DIR/events, for the test to check.
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <yaml-cpp/yaml.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr const char* root = "/org/ipsecd1";
constexpr uint64_t msec = 1000;

struct Connection {
    std::string name, path, child_path, ike_path, owner, remote;
    std::vector<std::string> local_ts, remote_ts, vips;
    int ike_sas = 0;  // established so far: the next one's virtual IP is 10.3.0.<ike_sas + 1>
    std::string state = "down";
    sd_bus_slot* object = nullptr;
    sd_bus_slot* child_object = nullptr;
    sd_bus_slot* ike_object = nullptr;
    sd_bus_message* pending_up = nullptr;
};

sd_bus* bus;
sd_event* event;
std::string record_dir;
std::map<std::string, std::unique_ptr<Connection>> connections;

void record(const std::string& line) {
    std::cerr << "fake-ipsecd: " << line << "\n";
    if (!record_dir.empty()) std::ofstream(record_dir + "/events", std::ios::app) << line << "\n";
}

int on_timer(sd_event_source* source, uint64_t, void* userdata) {
    std::unique_ptr<std::function<void()>> action(static_cast<std::function<void()>*>(userdata));
    sd_event_source_unref(source);
    (*action)();
    return 0;
}

void after(uint64_t usec, std::function<void()> action) {
    auto* heap = new std::function<void()>(std::move(action));
    sd_event_add_time_relative(event, nullptr, CLOCK_MONOTONIC, usec, 0, on_timer, heap);
}

Connection* find(const std::string& name) {
    auto it = connections.find(name);
    return it == connections.end() ? nullptr : it->second.get();
}

// Actions scheduled with after() name their connection, which may be gone by then.
void with(const std::string& name, const std::function<void(Connection&)>& action) {
    if (auto* c = find(name)) action(*c);
}

int get_connection_property(sd_bus*, const char*, const char*, const char* property, sd_bus_message* reply,
                            void* userdata, sd_bus_error*) {
    auto* c = static_cast<Connection*>(userdata);
    std::string p = property;
    if (p == "IkeSas")
        return c->ike_object ? sd_bus_message_append(reply, "ao", 1, c->ike_path.c_str())
                             : sd_bus_message_append(reply, "ao", 0);
    const std::string& value = p == "Name" ? c->name : p == "State" ? c->state : p == "RemoteAddress" ? c->remote
                                                                                   : std::string("192.0.2.1");
    return sd_bus_message_append(reply, "s", value.c_str());
}

int get_child_property(sd_bus*, const char*, const char*, const char* property, sd_bus_message* reply,
                       void* userdata, sd_bus_error*) {
    auto* c = static_cast<Connection*>(userdata);
    // A road warrior's local selector is its virtual IP.
    const std::vector<std::string> vip{"10.3.0." + std::to_string(c->ike_sas) + "/32"};
    const auto& local = c->vips.empty() ? c->local_ts : vip;
    const auto& ts = std::strcmp(property, "LocalTs") == 0 ? local : c->remote_ts;
    int r = sd_bus_message_open_container(reply, 'a', "s");
    for (const auto& t : ts)
        if (r >= 0) r = sd_bus_message_append(reply, "s", t.c_str());
    return r < 0 ? r : sd_bus_message_close_container(reply);
}

int append_strings(sd_bus_message* reply, const std::vector<std::string>& values) {
    int r = sd_bus_message_open_container(reply, 'a', "s");
    for (const auto& v : values)
        if (r >= 0) r = sd_bus_message_append(reply, "s", v.c_str());
    return r < 0 ? r : sd_bus_message_close_container(reply);
}

int get_ike_property(sd_bus*, const char*, const char*, const char* property, sd_bus_message* reply,
                     void* userdata, sd_bus_error*) {
    auto* c = static_cast<Connection*>(userdata);
    std::string p = property;
    if (p == "VirtualIps") return append_strings(reply, {"10.3.0." + std::to_string(c->ike_sas)});
    if (p == "Dns") return append_strings(reply, {"10.2.0.53"});
    return append_strings(reply, {"corp.example"});
}

const sd_bus_vtable ike_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("VirtualIps", "as", get_ike_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Dns", "as", get_ike_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("DnsDomains", "as", get_ike_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

const sd_bus_vtable connection_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Name", "s", get_connection_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("State", "s", get_connection_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("LocalAddress", "s", get_connection_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("RemoteAddress", "s", get_connection_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("IkeSas", "ao", get_connection_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_VTABLE_END,
};

const sd_bus_vtable child_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("LocalTs", "as", get_child_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("RemoteTs", "as", get_child_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

void set_state(Connection& c, const std::string& state) {
    c.state = state;
    record("state " + c.name + " " + state);
    sd_bus_emit_properties_changed(bus, c.path.c_str(), "org.ipsecd1.Connection", "State", nullptr);
}

void answer_up(Connection& c, const char* error, const std::string& message) {
    if (!c.pending_up) return;
    if (error) sd_bus_reply_method_errorf(c.pending_up, error, "%s", message.c_str());
    else sd_bus_reply_method_return(c.pending_up, "");
    c.pending_up = sd_bus_message_unref(c.pending_up);
}

void child_down(Connection& c) {
    if (c.child_object) {
        sd_bus_emit_object_removed(bus, c.child_path.c_str());
        c.child_object = sd_bus_slot_unref(c.child_object);
    }
    if (c.ike_object) {
        sd_bus_emit_object_removed(bus, c.ike_path.c_str());
        c.ike_object = sd_bus_slot_unref(c.ike_object);
    }
}

void establish(Connection& c) {
    ++c.ike_sas;
    c.ike_path = c.path + "/ike_000000000000000" + std::to_string(c.ike_sas);
    if (!c.vips.empty()) {
        sd_bus_add_object_vtable(bus, &c.ike_object, c.ike_path.c_str(), "org.ipsecd1.IkeSa", ike_vtable, &c);
        sd_bus_emit_object_added(bus, c.ike_path.c_str());
    }
    c.child_path = c.ike_path + "/child_c0000001";
    sd_bus_add_object_vtable(bus, &c.child_object, c.child_path.c_str(), "org.ipsecd1.ChildSa", child_vtable, &c);
    sd_bus_emit_object_added(bus, c.child_path.c_str());
    set_state(c, "up");
    answer_up(c, nullptr, "");
    if (c.remote == "192.0.2.99")
        after(1500 * msec, [name = c.name] { with(name, [](Connection& gone) { child_down(gone); set_state(gone, "down"); }); });
    if (c.remote == "192.0.2.44" && c.ike_sas == 1)
        after(1500 * msec, [name = c.name] {
            with(name, [](Connection& deleted) {
                child_down(deleted);
                set_state(deleted, "connecting");
                after(300 * msec, [name = deleted.name] { with(name, establish); });
            });
        });
}

void remove(const std::string& name, const std::string& why) {
    auto* c = find(name);
    if (!c) return;
    answer_up(*c, "org.ipsecd1.Error.Cancelled", "connection removed");
    child_down(*c);
    sd_bus_emit_object_removed(bus, c->path.c_str());
    sd_bus_slot_unref(c->object);
    record("remove " + name + " (" + why + ")");
    connections.erase(name);
}

std::vector<std::string> strings(const YAML::Node& n) {
    return n ? n.as<std::vector<std::string>>() : std::vector<std::string>{};
}

int method_add(sd_bus_message* m, void*, sd_bus_error* error) {
    const char* text;
    int r = sd_bus_message_read(m, "s", &text);
    if (r < 0) return r;
    std::string name;
    auto c = std::make_unique<Connection>();
    bool transient_owner = false;
    try {
        auto doc = YAML::Load(text);
        transient_owner = doc["transient_owner"] && doc["transient_owner"].as<bool>();
        auto conns = doc["connections"];
        if (!conns.IsMap() || conns.size() != 1)
            return sd_bus_error_set(error, "org.ipsecd1.Error.InvalidConfig", "<bus>:1:1: want one connection");
        name = conns.begin()->first.as<std::string>();
        auto conn = conns.begin()->second;
        c->remote = conn["remote"]["address"].as<std::string>();
        c->local_ts = strings(conn["local"]["subnets"]);
        if (c->local_ts.empty()) c->local_ts = {"192.0.2.1/32"};
        c->remote_ts = strings(conn["remote"]["subnets"]);
        c->vips = strings(conn["vips"]);
    } catch (const YAML::Exception& e) {
        return sd_bus_error_setf(error, "org.ipsecd1.Error.InvalidConfig", "<bus>:%d:%d: %s", e.mark.line + 1,
                                 e.mark.column + 1, e.msg.c_str());
    }
    if (find(name)) return sd_bus_error_setf(error, "org.ipsecd1.Error.AlreadyExists", "%s exists", name.c_str());
    if (!record_dir.empty()) std::ofstream(record_dir + "/" + name + ".yaml") << text;
    c->name = name;
    char* path = nullptr;
    sd_bus_path_encode("/org/ipsecd1/connection", name.c_str(), &path);
    c->path = path;
    free(path);
    if (transient_owner) c->owner = sd_bus_message_get_sender(m);
    r = sd_bus_add_object_vtable(bus, &c->object, c->path.c_str(), "org.ipsecd1.Connection", connection_vtable,
                                 c.get());
    if (r < 0) return r;
    sd_bus_emit_object_added(bus, c->path.c_str());
    record("add " + name + (transient_owner ? " transient_owner" : ""));
    auto reply_path = c->path;
    connections[name] = std::move(c);
    return sd_bus_reply_method_return(m, "ao", 1, reply_path.c_str());
}

int named(sd_bus_message* m, sd_bus_error* error, Connection*& c) {
    const char* name;
    int r = sd_bus_message_read(m, "s", &name);
    if (r < 0) return r;
    c = find(name);
    if (!c) return sd_bus_error_setf(error, "org.ipsecd1.Error.NoSuchConnection", "no connection %s", name);
    return 1;
}

int method_up(sd_bus_message* m, void*, sd_bus_error* error) {
    Connection* c;
    if (int r = named(m, error, c); r <= 0 || !c) return r;
    record("up " + c->name);
    if (c->state == "up") return sd_bus_reply_method_return(m, "");
    c->pending_up = sd_bus_message_ref(m);
    set_state(*c, "connecting");
    const std::string remote = c->remote;
    after(remote == "192.0.2.88" ? 3600 * 1000 * msec : 200 * msec, [name = c->name, remote] {
        with(name, [&](Connection& conn) {
            if (remote == "192.0.2.66") {
                set_state(conn, "down");
                answer_up(conn, "org.ipsecd1.Error.AuthenticationFailed",
                          "peer " + remote + " answered AUTHENTICATION_FAILED (RFC 7296 2.21.2)");
            } else if (remote == "192.0.2.55") {
                set_state(conn, "partial");
                answer_up(conn, "org.ipsecd1.Error.ChildRefused",
                          "'" + conn.name + "': child 'net' refused by the peer: TS_UNACCEPTABLE");
            } else if (remote == "192.0.2.77") {
                set_state(conn, "down");
                answer_up(conn, "org.ipsecd1.Error.Timeout", "no response from " + remote + " after 5 retransmits");
            } else {
                establish(conn);
            }
        });
    });
    return 1;
}

int method_down(sd_bus_message* m, void*, sd_bus_error* error) {
    Connection* c;
    if (int r = named(m, error, c); r <= 0 || !c) return r;
    record("down " + c->name);
    answer_up(*c, "org.ipsecd1.Error.Cancelled", "taken down");
    child_down(*c);
    if (c->state != "down") set_state(*c, "down");
    return sd_bus_reply_method_return(m, "");
}

int method_remove(sd_bus_message* m, void*, sd_bus_error* error) {
    Connection* c;
    if (int r = named(m, error, c); r <= 0 || !c) return r;
    remove(c->name, "RemoveConnection");
    return sd_bus_reply_method_return(m, "");
}

const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("AddConnection", "s", "ao", method_add, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("RemoveConnection", "s", "", method_remove, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Up", "s", "", method_up, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Down", "s", "", method_down, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

int on_name_owner_changed(sd_bus_message* m, void*, sd_bus_error*) {
    const char *name, *old_owner, *new_owner;
    if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || *new_owner) return 0;
    std::vector<std::string> gone;
    for (const auto& [n, c] : connections)
        if (!c->owner.empty() && c->owner == name) gone.push_back(n);
    for (const auto& n : gone) remove(n, "owner left the bus");
    return 0;
}

int on_signal(sd_event_source*, const signalfd_siginfo*, void*) { return sd_event_exit(event, 0); }

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--record") record_dir = argv[++i];
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    int r = sd_event_default(&event);
    if (r >= 0) r = sd_event_add_signal(event, nullptr, SIGTERM, on_signal, nullptr);
    if (r >= 0) r = sd_event_add_signal(event, nullptr, SIGINT, on_signal, nullptr);
    if (r >= 0) r = sd_bus_open_system(&bus);
    if (r >= 0) r = sd_bus_attach_event(bus, event, 0);
    if (r >= 0) r = sd_bus_add_object_manager(bus, nullptr, root);
    if (r >= 0) r = sd_bus_add_object_vtable(bus, nullptr, root, "org.ipsecd1.Manager", manager_vtable, nullptr);
    if (r >= 0)
        r = sd_bus_match_signal(bus, nullptr, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                "org.freedesktop.DBus", "NameOwnerChanged", on_name_owner_changed, nullptr);
    if (r >= 0) r = sd_bus_request_name(bus, "org.ipsecd1", 0);
    if (r < 0) {
        std::cerr << "fake-ipsecd: " << strerror(-r) << "\n";
        return 1;
    }
    record("ready");
    r = sd_event_loop(event);
    sd_bus_flush_close_unref(bus);
    return r < 0 ? 1 : 0;
}
