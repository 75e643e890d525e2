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
    return send(request, timeout_usec);
}

base::Result<Client::Message> Client::send(sd_bus_message* request, std::uint64_t timeout_usec) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call(bus_, request, timeout_usec, &error, &reply);
    if (r < 0) {
        std::string message = error.message ? error.message : error.name ? error.name : std::strerror(-r);
        // A connection gone since it was listed reads as ENOENT (NoSuchConnection maps to EIO).
        if (sd_bus_error_has_name(&error, "org.ipsecd1.Error.NoSuchConnection")) r = -ENOENT;
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
    std::vector<ConnectionView> out;
    for (auto& [name, path] : *connections) {
        auto one = read_connection(name, path);
        if (one) out.push_back(std::move(*one));
        else if (!one.error().message.empty()) return base::Unexpected{one.error()};
        // else removed between the two calls
    }
    return out;
}

base::Result<Client::Message> Client::connection_page(const std::string& name, std::uint64_t after) {
    // 2,048 objects of some 800 bytes: a reply of under 2 MB, a hundred of them for 100,000 SAs.
    constexpr std::uint32_t kPage = 2048;
    sd_bus_message* request = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &request, kService, kRoot, kManager, "GetConnectionObjects");
    if (r < 0) return errno_error("GetConnectionObjects", r);
    Message owned(request);
    if ((r = sd_bus_message_append(request, "stu", name.c_str(), after, kPage)) < 0)
        return errno_error("GetConnectionObjects", r);
    return send(request, 0);
}

base::Result<ConnectionView> Client::read_connection(const std::string& name, const std::string& path) {
    ConnectionView out;
    std::uint64_t after = 0;
    do {
        auto reply = connection_page(name, after);
        if (!reply) {
            // Removed since it was listed: an empty message says so to status().
            const bool gone = reply.error().code == ENOENT;
            return base::fail(gone ? "" : reply.error().message, reply.error().code);
        }
        Objects page;
        int r = read_objects(reply->get(), page);
        if (r >= 0) r = sd_bus_message_read_basic(reply->get(), 't', &after);
        if (r < 0) return errno_error("reading GetConnectionObjects", r);
        add_page(out, page, path);
    } while (after != 0);
    return out;
}

base::Result<ConnectionView> Client::status(const std::string& name) {
    auto connections = list();
    if (!connections) return base::Unexpected{connections.error()};
    auto it = std::find_if(connections->begin(), connections->end(), [&](const auto& c) { return c.first == name; });
    if (it == connections->end()) return base::fail("no connection named " + name);
    auto one = read_connection(it->first, it->second);
    if (!one && one.error().message.empty()) return base::fail("no connection named " + name);
    return one;
}

}  // namespace ipsecd::cli
