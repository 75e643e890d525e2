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
    // Connections in ListConnections order, with their SAs, each read as status(name) reads it.
    base::Result<std::vector<ConnectionView>> status();
    // One connection with its SAs, a page of objects at a time (Manager.GetConnectionObjects):
    // the cost does not grow with the other connections' SAs, and a round trip carries
    // thousands of this one's.
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
    base::Result<Message> send(sd_bus_message* request, std::uint64_t timeout_usec);
    // One page of Manager.GetConnectionObjects: the objects after local IKE SPI `after`.
    base::Result<Message> connection_page(const std::string& name, std::uint64_t after);
    // The connection `name` at `path` with its SAs, a page at a time; an error with an empty
    // message when it is gone.
    base::Result<ConnectionView> read_connection(const std::string& name, const std::string& path);

    sd_bus* bus_;
};

}  // namespace ipsecd::cli
