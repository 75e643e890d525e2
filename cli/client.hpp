// ipsecctl's side of the org.ipsecd1 API: one sd-bus connection, blocking calls (a CLI
// has nothing else to do), every failure as base::Error with the D-Bus error message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <systemd/sd-bus.h>

#include "base/result.hpp"
#include "cli/object_view.hpp"
#include "cli/status_model.hpp"

namespace ipsecd::cli {

class Client {
public:
    // `address` empty: the system bus (honours DBUS_SYSTEM_BUS_ADDRESS); else a bus address
    // as dbus-daemon prints it ("unix:path=/run/…").
    static base::Result<Client> connect(const std::string& address);
    Client(Client&& other) noexcept : bus_(std::exchange(other.bus_, nullptr)) {}
    Client& operator=(Client&&) = delete;
    ~Client();

    base::Status up(const std::string& name);
    base::Status down(const std::string& name);
    base::Status reload();
    using Connections = std::vector<std::pair<std::string, std::string>>;  // (name, path)
    base::Result<Connections> list();
    // Connections in ListConnections order, with their SAs: from GetManagedObjects, or, when
    // ipsecd answers that it has more objects than one message carries (LimitsExceeded),
    // from each connection's objects as status(name) reads them.
    base::Result<std::vector<ConnectionView>> status();
    // One connection with its SAs, from its own objects (Properties.GetAll on each, many in
    // flight at once): the cost does not grow with the other connections' SAs.
    base::Result<ConnectionView> status(const std::string& name);
    // Every lease of every address pool (Manager.ListLeases).
    base::Result<std::vector<LeaseView>> leases();

private:
    struct MessageUnref {
        void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
    };
    using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

    explicit Client(sd_bus* bus) : bus_(bus) {}
    base::Result<Message> call(const char* path, const char* interface, const char* member,
                               const char* arg, std::uint64_t timeout_usec);
    base::Status invoke(const char* member, const char* arg, std::uint64_t timeout_usec);
    base::Result<Message> get_all(const std::string& path, const char* interface);
    // GetAll of `interface` on each of `paths` into `objects`; objects gone are left out.
    base::Status get_all(const std::vector<std::string>& paths, const char* interface, Objects& objects);
    // The connection at `path` with its SAs; an error with an empty message when it is gone.
    base::Result<ConnectionView> read_connection(const std::string& path);
    base::Result<std::vector<ConnectionView>> status_by_connection(const Connections& connections);

    sd_bus* bus_;
};

}  // namespace ipsecd::cli
