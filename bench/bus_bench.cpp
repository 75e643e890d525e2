// ipsecd-bench bus-publish [--sas N]: the D-Bus layer alone (dbus/bus.hpp) as a responder's
// daemon drives it: N IKE SAs of one connection, each published `connecting` then
// `established` with one CHILD SA, a flush of the bus (its 100 ms timer) every --window SAs,
// over a real sd-bus connection whose peer (a server thread) reads and discards every signal.
// Prints the CPU per SA of this thread (publishes, flushes, the signals built and written)
// and the heap the bus's cache keeps per SA (mallinfo2, after the SAs are held): the figures
// of the bus's share of bench/daemon-scale.sh's, without engine, kernel or dbus-daemon.
// Under `valgrind --tool=callgrind` its instructions per SA are repeatable.
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <systemd/sd-id128.h>

#include "bench/bench.hpp"
#include "dbus/bus.hpp"

namespace {

using namespace ipsecd;

constexpr const char* kConnection = "load";

ike::engine::ConnectionStatus up_connection() {
    ike::engine::ConnectionStatus s;
    s.name = kConnection;
    s.state = ike::engine::ConnectionState::up;
    return s;
}

// The one connection of daemon-scale.sh's load; SA times and counters are zeros.
class Backend final : public bus::Backend {
public:
    std::vector<ike::v2::Lease> leases() override { return {}; }
    std::vector<std::string> names() override { return {kConnection}; }
    std::optional<bus::ConnectionSnapshot> connection(const std::string& name) override {
        if (name != kConnection) return std::nullopt;
        return bus::ConnectionSnapshot{up_connection(), "127.0.0.1", "%any", false, {}, {}};
    }
    bus::SaTimes ike_sa_times(const std::string&, const ike::engine::IkeSaStatus&) override { return {}; }
    bus::ChildSaLive child_sa_live(const std::string&, const ike::engine::IkeSaStatus&,
                                   const ike::engine::ChildStatus&) override {
        return {};
    }
    void up(const std::string&, bus::Done done) override { done({}); }
    void down(const std::string&, bus::Done done) override { done({}); }
    bus::Result<std::vector<std::string>> reload() override { return std::vector<std::string>{}; }
    bus::Result<bus::AddedConnections> add_connection(const std::string&, const std::string&) override {
        return bus::fail(bus::Reason::failed, "not in the bench");
    }
    bus::Status remove_connection(const std::string&) override { return {}; }
    void owner_vanished(const std::string&) override {}
};

// The IKE SA of the i-th peer as the engine publishes it (the load's algorithms and selectors).
ike::engine::IkeSaStatus ike_sa(std::uint32_t i, bool established) {
    const auto local = *net::Address::parse("127.0.0.1");
    ike::engine::IkeSaStatus sa;
    sa.state = established ? "established" : "connecting";
    sa.local_spi = 0x1000000000000000ull + i;
    sa.remote_spi = 0x2000000000000000ull + i;
    sa.proposal = "aes256gcm16-prfsha256-x25519";
    sa.local = {local, 500};
    sa.remote = {local, static_cast<std::uint16_t>(10000 + i % 50000)};
    if (!established) return sa;
    ike::engine::ChildStatus child;
    child.name = "net";
    child.spi_in = 0xc0000000u + i;
    child.spi_out = 0xd0000000u + i;
    child.proposal = "aes256gcm16";
    child.local_ts = {net::Prefix::host(local)};
    child.remote_ts = {net::Prefix::host(local)};
    sa.children.push_back(child);
    return sa;
}

// Heap in use, the large blocks malloc maps on their own (a vector of every SA) included.
std::size_t heap_in_use() {
    const auto m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

using bench::thread_cpu_seconds;

// The peer of the bus's connection: authenticates it, then reads and drops every message.
class Sink {
public:
    explicit Sink(int fd) : thread_([this, fd] { run(fd); }) {}
    ~Sink() {
        stop_ = true;
        thread_.join();
    }
    std::uint64_t messages() const { return messages_; }

private:
    void run(int fd) {
        sd_bus* server = nullptr;
        sd_id128_t id;
        sd_id128_randomize(&id);
        if (sd_bus_new(&server) < 0 || sd_bus_set_fd(server, fd, fd) < 0 || sd_bus_set_server(server, 1, id) < 0 ||
            sd_bus_set_anonymous(server, 1) < 0 || sd_bus_start(server) < 0)
            return;
        while (!stop_) {
            sd_bus_message* m = nullptr;
            const int r = sd_bus_process(server, &m);
            if (m) ++messages_;
            sd_bus_message_unref(m);
            if (r < 0) break;
            if (r == 0) sd_bus_wait(server, 10000);
        }
        sd_bus_flush_close_unref(server);
    }
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> messages_{0};
    std::thread thread_;
};

}  // namespace

namespace bench {

int run_bus_publish(const Args& args) {
    unsigned long n = 10000, window = 64;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == "--sas") n = std::stoul(args[i + 1]);
        else if (args[i] == "--window") window = std::stoul(args[i + 1]);
        else n = 0;
    }
    if (n == 0 || window == 0 || args.size() % 2) {
        std::fprintf(stderr, "usage: ipsecd-bench bus-publish [--sas N] [--window W]\n");
        return 2;
    }
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) return 1;
    Sink sink(fds[1]);
    sd_bus* client = nullptr;
    sd_event* event = nullptr;
    if (sd_bus_new(&client) < 0 || sd_bus_set_fd(client, fds[0], fds[0]) < 0 || sd_bus_start(client) < 0 ||
        sd_event_default(&event) < 0 || sd_bus_attach_event(client, event, 0) < 0) {
        std::fprintf(stderr, "bus-publish: cannot set up the bus connection\n");
        return 1;
    }
    Backend backend;
    auto objects = bus::Bus::create(client, backend);
    if (!objects) {
        std::fprintf(stderr, "bus-publish: %s\n", objects.error().message.c_str());
        return 1;
    }
    const std::size_t heap0 = heap_in_use();
    const double cpu0 = thread_cpu_seconds();
    for (std::uint32_t i = 0; i < n; ++i) {
        for (bool established : {false, true})
            (*objects)->publish({kConnection, ike::engine::ConnectionState::up, ike_sa(i, established), {}});
        if ((i + 1) % window == 0 || i + 1 == n) {
            (*objects)->flush();
            sd_bus_flush(client);  // what the event loop writes between two flushes
        }
    }
    const double cpu = thread_cpu_seconds() - cpu0;
    const std::size_t heap1 = heap_in_use();
    std::printf("bus-publish: %lu IKE SA + CHILD SA of one connection, published connecting then established, "
                "a flush every %lu: %.2f us CPU per SA (this thread), %.0f heap bytes per SA held by the bus, "
                "%lu messages read by the peer so far\n",
                n, window, 1e6 * cpu / static_cast<double>(n),
                (static_cast<double>(heap1) - static_cast<double>(heap0)) / static_cast<double>(n),
                static_cast<unsigned long>(sink.messages()));
    (*objects).reset();
    sd_bus_flush_close_unref(client);
    sd_event_unref(event);
    return 0;
}

}  // namespace bench
