// ipsecd-bench daemon-load: a load generator against a running ipsecd (issue 13 item 6). One
// initiator engine in this process holds N connections, each with its own identity
// (bench-K@load.test, K from --first on), to one responder over UDP on IPv4; at most --window
// handshakes are in flight. A second run with other identities and another --port adds SAs
// to those a first run left up (the marginal cost of one more SA while N are held). It stops once N IKE SAs are established and prints the count, the wall time and
// its own CPU time; the responder's figures (RSS, status and reload times) are measured
// around it by bench/daemon-scale.sh. Kernel effects are ignored: the generator has no kernel,
// its inbound SPIs come from a counter.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>

#include "bench/bench.hpp"
#include "ike/crypto/rng.hpp"
#include "ike/v2/engine.hpp"

namespace {

using namespace ike;

struct LoadOptions {
    unsigned sas = 1000;
    unsigned first = 0;  // the first identity's number
    unsigned window = 64;
    std::string local = "127.0.0.1", remote = "127.0.0.1";
    std::uint16_t port = 5500, remote_port = 500;
    std::string psk = "lab-load-test-psk-0123456789abcdef";
    unsigned timeout_s = 3600;
};

policy::Config initiator_config(const LoadOptions& o) {
    policy::Config config;
    const auto local = *net::Address::parse(o.local);
    const auto remote = *net::Address::parse(o.remote);
    policy::Secret secret{{}, base::SecretBytes(o.psk.begin(), o.psk.end())};
    secret.ids.push_back(policy::Identity{});  // %any: one key for every bench-K identity
    config.secrets.push_back(std::move(secret));
    for (unsigned i = 0; i < o.sas; ++i) {
        policy::Connection c;
        c.name = "c" + std::to_string(i);
        c.local.address = local;
        c.local.id = *policy::Identity::parse("bench-" + std::to_string(o.first + i) + "@load.test");
        c.remote.host = o.remote;
        c.remote.address = remote;
        c.remote.port = o.remote_port;
        c.remote.id = *policy::Identity::parse("srv@load.test");
        c.local.auth = c.remote.auth = policy::Auth::psk;
        c.ike.proposals = {*policy::parse_proposal("aes256gcm16-prfsha256-x25519", ProtocolId::ike)};
        policy::Child child;
        child.name = "net";
        child.proposals = {*policy::parse_proposal("aes256gcm16", ProtocolId::esp)};
        c.children.push_back(std::move(child));
        config.connections.push_back(std::move(c));
    }
    return config;
}

sockaddr_in to_sockaddr(const net::Endpoint& e) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(e.port);
    std::memcpy(&sin.sin_addr, e.address.bytes.data(), 4);
    return sin;
}

double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

class Generator {
public:
    // Seeded by --first: a second generator must not repeat the first one's IKE SPIs.
    explicit Generator(const LoadOptions& o) : o_(o), rng_(0x5eed + o.first), local_{*net::Address::parse(o.local), o.port} {
        v2::EngineOptions options;
        options.ike_port = o.port;
        options.natt_port = static_cast<std::uint16_t>(o.port + 1);
        options.log_level = engine::LogLevel::warning;
        options.max_half_open = o.window * 2;
        // Without it the engine creates no CHILD SA (EngineOptions::allocate_spi). One SPI per
        // SA, from --first on: the responder's outbound SAs of two runs (one address) differ.
        options.allocate_spi = [next = std::uint32_t{0x1000} + o.first](const net::Address&, const net::Address&,
                                                              xfrm::Proto) mutable -> base::Result<std::uint32_t> {
            return next++;
        };
        engine_ = std::make_unique<v2::Engine>(initiator_config(o), rng_, options);
        fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        const sockaddr_in sin = to_sockaddr(local_);
        if (fd_ < 0 || bind(fd_, reinterpret_cast<const sockaddr*>(&sin), sizeof sin) != 0)
            throw std::runtime_error("cannot bind " + local_.str());
        const int size = 8 << 20;
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    ~Generator() { close(fd_); }

    // Runs until every connection is up; false on timeout.
    bool run() {
        const auto deadline = engine::Clock::now() + std::chrono::seconds(o_.timeout_s);
        while (up_.size() < o_.sas) {
            while ((next_ < o_.sas || !retry_.empty()) && connecting_.size() < o_.window) {
                std::string name = "c" + std::to_string(next_);
                if (retry_.empty()) ++next_;
                else name = retry_.extract(retry_.begin()).value();
                connecting_.insert(name);
                apply(engine_->handle(engine::Clock::now(), engine::AdminUp{name}));
            }
            receive();
            if (auto when = engine_->next_wakeup(); when && *when <= engine::Clock::now())
                apply(engine_->handle(engine::Clock::now(), engine::Tick{}));
            if (engine::Clock::now() > deadline) return false;
        }
        return true;
    }
    std::size_t up() const { return up_.size(); }
    unsigned retries() const { return retries_; }

private:
    void receive() {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0) return;
        for (int i = 0; i < 64; ++i) {
            std::uint8_t buf[65536];
            sockaddr_in from{};
            socklen_t len = sizeof from;
            const ssize_t n = recvfrom(fd_, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
            if (n <= 0) return;
            net::Address a = net::Address::v4(ntohl(from.sin_addr.s_addr));
            engine::DatagramIn in{local_, {a, ntohs(from.sin_port)}, base::Bytes(buf, buf + n)};
            apply(engine_->handle(engine::Clock::now(), in));
        }
    }

    void apply(const engine::Effects& effects) {
        for (const auto& e : effects) {
            if (const auto* d = std::get_if<engine::SendDatagram>(&e)) {
                const sockaddr_in to = to_sockaddr(d->remote);
                (void)sendto(fd_, d->bytes.data(), d->bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
            } else if (const auto* s = std::get_if<engine::StatePublished>(&e)) {
                if (s->state == engine::ConnectionState::up && connecting_.erase(s->connection)) up_.insert(s->connection);
                // A failed attempt (the responder too busy to answer in time) is made again.
                else if (s->state == engine::ConnectionState::down && connecting_.erase(s->connection))
                    retry_.insert(s->connection), ++retries_;
            }
        }
    }

    LoadOptions o_;
    crypto::DeterministicRng rng_;
    net::Endpoint local_;
    std::unique_ptr<v2::Engine> engine_;
    int fd_ = -1;
    unsigned next_ = 0;
    std::set<std::string> connecting_, up_, retry_;
    unsigned retries_ = 0;
};

int parse_load(const bench::Args& args, LoadOptions& o) {
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        const std::string& a = args[i];
        const std::string& v = args[i + 1];
        if (a == "--sas") o.sas = static_cast<unsigned>(std::stoul(v));
        else if (a == "--first") o.first = static_cast<unsigned>(std::stoul(v));
        else if (a == "--window") o.window = static_cast<unsigned>(std::stoul(v));
        else if (a == "--local") o.local = v;
        else if (a == "--remote") o.remote = v;
        else if (a == "--port") o.port = static_cast<std::uint16_t>(std::stoul(v));
        else if (a == "--remote-port") o.remote_port = static_cast<std::uint16_t>(std::stoul(v));
        else if (a == "--psk") o.psk = v;
        else if (a == "--timeout") o.timeout_s = static_cast<unsigned>(std::stoul(v));
        else return 2;
    }
    return args.size() % 2 == 0 && o.sas > 0 && o.window > 0 ? 0 : 2;
}

}  // namespace

int bench::run_daemon_load(const Args& args) {
    LoadOptions o;
    if (parse_load(args, o) != 0) {
        std::fprintf(stderr, "usage: ipsecd-bench daemon-load [--sas N] [--first K] [--window W] [--local A] [--port P] "
                             "[--remote A] [--remote-port P] [--psk KEY] [--timeout S]\n");
        return 2;
    }
    try {
        Generator g(o);
        const auto start = std::chrono::steady_clock::now();
        const double cpu0 = process_cpu_seconds();
        const bool done = g.run();
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("daemon-load: %zu of %u IKE SA + CHILD SA established in %.1f s (%.0f/s), %u attempts made again, "
                    "generator CPU %.1f s\n",
                    g.up(), o.sas, wall, static_cast<double>(g.up()) / wall, g.retries(), process_cpu_seconds() - cpu0);
        return done ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ipsecd-bench daemon-load: %s\n", e.what());
        return 1;
    }
}
