#include "cli/client.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace ipsecd::cli {

namespace {

constexpr const char* kService = "org.ipsecd1";
constexpr const char* kRoot = "/org/ipsecd1";
constexpr const char* kManager = "org.ipsecd1.Manager";
// Up and Down reply when the operation is done, which can take an IKE retransmission
// schedule; the others reply at once.
constexpr std::uint64_t kOperationTimeout = 300ull * 1000 * 1000;

base::Unexpected<base::Error> errno_error(const std::string& what, int r) {
    return base::fail(what + ": " + std::strerror(-r), -r);
}

}  // namespace

base::Result<Client> Client::connect(const std::string& address) {
    sd_bus* bus = nullptr;
    int r = 0;
    if (address.empty()) {
        r = sd_bus_open_system(&bus);
    } else if ((r = sd_bus_new(&bus)) >= 0) {
        Client owner(bus);  // frees the bus on the error paths below
        if ((r = sd_bus_set_address(bus, address.c_str())) >= 0 &&
            (r = sd_bus_set_bus_client(bus, 1)) >= 0 && (r = sd_bus_start(bus)) >= 0)
            return owner;
        return errno_error("cannot connect to " + address, r);
    }
    if (r < 0) return errno_error("cannot connect to the system bus", r);
    return Client(bus);
}

Client::~Client() {
    if (bus_) sd_bus_flush_close_unref(bus_);
}

base::Result<Client::Message> Client::call(const char* path, const char* interface,
                                           const char* member, const char* arg,
                                           std::uint64_t timeout_usec) {
    sd_bus_message* request = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &request, kService, path, interface, member);
    if (r < 0) return errno_error(member, r);
    Message owned(request);
    if (arg && (r = sd_bus_message_append(request, "s", arg)) < 0) return errno_error(member, r);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    r = sd_bus_call(bus_, request, timeout_usec, &error, &reply);
    if (r < 0) {
        std::string message = error.message ? error.message : error.name ? error.name : std::strerror(-r);
        sd_bus_error_free(&error);
        return base::fail(message, -r);
    }
    return Message(reply);
}

base::Status Client::invoke(const char* member, const char* arg, std::uint64_t timeout_usec) {
    auto reply = call(kRoot, kManager, member, arg, timeout_usec);
    if (!reply) return base::Unexpected{reply.error()};
    return {};
}

base::Status Client::up(const std::string& name) { return invoke("Up", name.c_str(), kOperationTimeout); }
base::Status Client::down(const std::string& name) { return invoke("Down", name.c_str(), kOperationTimeout); }
base::Status Client::reload() { return invoke("Reload", nullptr, 0); }

base::Result<Client::Connections> Client::list() {
    auto reply = call(kRoot, kManager, "ListConnections", nullptr, 0);
    if (!reply) return base::Unexpected{reply.error()};
    sd_bus_message* m = reply->get();
    Connections out;
    int r = sd_bus_message_enter_container(m, 'a', "(so)");
    const char *name = nullptr, *path = nullptr;
    while (r >= 0 && (r = sd_bus_message_read(m, "(so)", &name, &path)) > 0)
        out.emplace_back(name, path);
    if (r < 0) return errno_error("reading ListConnections", r);
    return out;
}

base::Result<std::vector<LeaseView>> Client::leases() {
    auto reply = call(kRoot, kManager, "ListLeases", nullptr, 0);
    if (!reply) return base::Unexpected{reply.error()};
    sd_bus_message* m = reply->get();
    std::vector<LeaseView> out;
    int r = sd_bus_message_enter_container(m, 'a', "(sssb)");
    const char *pool = nullptr, *address = nullptr, *identity = nullptr;
    int online = 0;
    while (r >= 0 && (r = sd_bus_message_read(m, "(sssb)", &pool, &address, &identity, &online)) > 0)
        out.push_back({pool, address, identity, online != 0});
    if (r < 0) return errno_error("reading ListLeases", r);
    return out;
}

base::Result<std::vector<ConnectionView>> Client::status() {
    auto connections = list();
    if (!connections) return base::Unexpected{connections.error()};
    auto reply = call(kRoot, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", nullptr, 0);
    // More objects than one bus message carries (LimitsExceeded, which sd-bus maps to
    // ENOBUFS): the same views, read one connection at a time.
    if (!reply && reply.error().code == ENOBUFS) return status_by_connection(*connections);
    if (!reply) return base::Unexpected{reply.error()};
    Objects objects;
    if (int r = read_objects(reply->get(), objects); r < 0) return errno_error("reading GetManagedObjects", r);

    std::vector<ConnectionView> out;
    for (auto& [name, path] : *connections) {
        if (!View(objects, path, "org.ipsecd1.Connection").exists()) continue;  // removed between the two calls
        out.push_back(view_of(objects, path));
    }
    return out;
}

base::Result<std::vector<ConnectionView>> Client::status_by_connection(const Connections& connections) {
    std::vector<ConnectionView> out;
    for (auto& [name, path] : connections) {
        auto one = read_connection(path);
        if (one) out.push_back(std::move(*one));
        else if (!one.error().message.empty()) return base::Unexpected{one.error()};
        // else removed between the two calls
    }
    return out;
}

base::Result<Client::Message> Client::get_all(const std::string& path, const char* interface) {
    return call(path.c_str(), "org.freedesktop.DBus.Properties", "GetAll", interface, 0);
}

namespace {

// One Properties.GetAll of many in flight.
struct AsyncGetAll {
    std::string path;
    const char* interface;
    Objects* objects;
    std::size_t* in_flight;
    std::string* failure;  // the first failure but an object gone
};

int on_get_all(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto& call = *static_cast<AsyncGetAll*>(userdata);
    --*call.in_flight;
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
        // An SA deleted since its path was listed is left out, as GetManagedObjects would.
        const bool gone = sd_bus_error_has_names(e, SD_BUS_ERROR_UNKNOWN_OBJECT, SD_BUS_ERROR_UNKNOWN_INTERFACE,
                                                 SD_BUS_ERROR_UNKNOWN_METHOD);
        if (!gone && call.failure->empty()) *call.failure = e->message ? e->message : e->name;
        return 0;
    }
    if (int r = read_properties(m, (*call.objects)[call.path][call.interface]); r < 0 && call.failure->empty())
        *call.failure = "reading " + call.path + ": " + std::strerror(-r);
    return 0;
}

}  // namespace

base::Status Client::get_all(const std::vector<std::string>& paths, const char* interface, Objects& objects) {
    // A round trip per object would cost 200,000 of them for 100,000 SAs: kWindow calls are
    // in flight at once instead.
    constexpr std::size_t kWindow = 128;
    std::vector<AsyncGetAll> calls;
    calls.reserve(paths.size());  // the callbacks hold pointers into it
    std::size_t in_flight = 0, next = 0;
    std::string failure;
    while (next < paths.size() || in_flight > 0) {
        for (; next < paths.size() && in_flight < kWindow; ++next) {
            calls.push_back({paths[next], interface, &objects, &in_flight, &failure});
            int r = sd_bus_call_method_async(bus_, nullptr, kService, paths[next].c_str(),
                                             "org.freedesktop.DBus.Properties", "GetAll", on_get_all,
                                             &calls.back(), "s", interface);
            if (r < 0) return errno_error("GetAll " + paths[next], r);
            ++in_flight;
        }
        int r = sd_bus_process(bus_, nullptr);
        if (r == 0) r = sd_bus_wait(bus_, UINT64_MAX);
        if (r < 0) return errno_error("reading GetAll replies", r);
    }
    if (!failure.empty()) return base::fail(failure);
    return {};
}

base::Result<ConnectionView> Client::read_connection(const std::string& path) {
    Objects objects;
    auto reply = get_all(path, "org.ipsecd1.Connection");
    if (!reply) {
        // Removed since it was listed: an empty message says so to status_by_connection.
        const bool gone = reply.error().code == EBADR;  // UnknownObject, in sd-bus's map
        return base::fail(gone ? "" : reply.error().message, reply.error().code);
    }
    if (int r = read_properties(reply->get(), objects[path]["org.ipsecd1.Connection"]); r < 0)
        return errno_error("reading " + path, r);
    const View connection(objects, path, "org.ipsecd1.Connection");
    ConnectionView out = connection_view(connection);
    // The IKE SAs a batch at a time, then their CHILD SAs: only one batch's objects are held.
    constexpr std::size_t kBatch = 1024;
    const auto ike_paths = connection.list("IkeSas");
    for (std::size_t first = 0; first < ike_paths.size(); first += kBatch) {
        const std::vector<std::string> batch(ike_paths.begin() + first,
                                             ike_paths.begin() + std::min(first + kBatch, ike_paths.size()));
        Objects sas;
        if (auto st = get_all(batch, "org.ipsecd1.IkeSa", sas); !st) return base::Unexpected{st.error()};
        std::vector<std::string> child_paths;
        for (auto& ike_path : batch)
            for (auto& child : View(sas, ike_path, "org.ipsecd1.IkeSa").list("Children")) child_paths.push_back(child);
        if (auto st = get_all(child_paths, "org.ipsecd1.ChildSa", sas); !st) return base::Unexpected{st.error()};
        for (auto& ike_path : batch)
            if (View ike(sas, ike_path, "org.ipsecd1.IkeSa"); ike.exists()) out.ike_sas.push_back(ike_sa_view(sas, ike));
    }
    const auto child_paths = connection.list("ChildSas");
    if (auto st = get_all(child_paths, "org.ipsecd1.ChildSa", objects); !st) return base::Unexpected{st.error()};
    for (auto& child_path : child_paths)
        if (View child(objects, child_path, "org.ipsecd1.ChildSa"); child.exists()) out.children.push_back(child_view(child));
    return out;
}

base::Result<ConnectionView> Client::status(const std::string& name) {
    auto connections = list();
    if (!connections) return base::Unexpected{connections.error()};
    auto it = std::find_if(connections->begin(), connections->end(), [&](const auto& c) { return c.first == name; });
    if (it == connections->end()) return base::fail("no connection named " + name);
    auto one = read_connection(it->second);
    if (!one && one.error().message.empty()) return base::fail("no connection named " + name);
    return one;
}

}  // namespace ipsecd::cli
