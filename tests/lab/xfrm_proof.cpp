// xfrm_proof: drives ipsecd's netlink backend (xfrm/) against a real kernel with ESP, inside
// the lab (tests/lab/scenarios/xfrm-proof, tests/lab/demo). Run once per network namespace
// (`ip netns exec a xfrm_proof ...`); the scenario script sends the traffic in between.
//
//   xfrm_proof up|show|down-sas|down-policies CASE [--min-packets N]
//       CASE = --side a|b --mode tunnel|transport --alg gcm|cbc --family v4|v6
//       up: the side's SA pair (out + in) and policies (out, in, and fwd in tunnel mode);
//       show: both SAs' counters read back with get_sa (fails below N packets each);
//       down-sas / down-policies: deletes them and checks they are gone.
//   xfrm_proof expire:  an SA with a 2 s soft lifetime must produce a soft expire event.
//   xfrm_proof acquire: a packet matching a policy with no SA must produce an acquire event.
//   xfrm_proof serve:   reads such commands from stdin, one per line (see serve()).
//
// Keys are fixed test patterns: this is manual keying for a lab, not key management.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "xfrm/kernel.hpp"
#include "xfrm/netlink_kernel.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// The lab topology (tests/lab/lib.sh mk_topology).
struct Site {
    const char* outer;
    const char* inner;  // the site's subnet behind it (tunnel mode)
};
constexpr Site site_v4[2] = {{"192.0.2.1", "10.1.0.0/24"}, {"192.0.2.2", "10.2.0.0/24"}};
constexpr Site site_v6[2] = {{"2001:db8::1", "fd00:1::/64"}, {"2001:db8::2", "fd00:2::/64"}};

struct Case {
    int side = 0;  // 0 = a, 1 = b
    xfrm::Mode mode = xfrm::Mode::tunnel;
    bool gcm = true;
    bool v6 = false;
    std::uint64_t min_packets = 0;

    // One code per combination keeps SPIs and reqids of different cases apart.
    unsigned code() const { return (mode == xfrm::Mode::tunnel ? 4u : 0u) + (gcm ? 2u : 0u) + (v6 ? 1u : 0u); }
    std::string name() const {
        return std::string(side == 0 ? "a" : "b") + " " + xfrm::to_string(mode) + " " +
               (gcm ? "aes-gcm" : "aes-cbc+hmac-sha256") + " " + (v6 ? "IPv6" : "IPv4");
    }
};

net::Address addr(const char* text) { return *net::Address::parse(text); }
net::Prefix prefix(const char* text) { return *net::Prefix::parse(text); }

const Site& site(const Case& c, int side) {
    const std::size_t i = side == 0 ? 0 : 1;  // (also keeps GCC's ASan build free of a false maybe-uninitialized)
    return c.v6 ? site_v6[i] : site_v4[i];
}

base::SecretBytes pattern(std::size_t n, std::uint8_t seed) {
    base::SecretBytes k(n);
    for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<std::uint8_t>(seed + 7 * i);
    return k;
}

// The SA carrying traffic from side `from` to the other side, identical on both peers.
xfrm::Sa directed_sa(const Case& c, int from) {
    const int to = 1 - from;
    xfrm::Sa sa;
    sa.src = addr(site(c, from).outer);
    sa.dst = addr(site(c, to).outer);
    sa.spi = 0x1000u + 0x10u * c.code() + static_cast<unsigned>(from) + 1u;
    sa.mode = c.mode;
    sa.reqid = c.code() + 1;
    const auto seed = static_cast<std::uint8_t>(16 * c.code() + from);
    if (c.gcm)
        sa.aead = xfrm::Aead{"rfc4106(gcm(aes))", pattern(36, seed), 128};  // AES-256 + 4-byte salt
    else {
        sa.cipher = xfrm::Cipher{"cbc(aes)", pattern(32, seed)};
        sa.integ = xfrm::Integrity{"hmac(sha256)", pattern(32, static_cast<std::uint8_t>(seed + 1)), 128};
    }
    if (c.mode == xfrm::Mode::transport)
        sa.selector = xfrm::Selector{net::Prefix::host(sa.src), net::Prefix::host(sa.dst)};
    return sa;
}

// Traffic selector from side `from` to the other side.
xfrm::Selector directed_selector(const Case& c, int from) {
    const int to = 1 - from;
    if (c.mode == xfrm::Mode::transport)
        return {net::Prefix::host(addr(site(c, from).outer)), net::Prefix::host(addr(site(c, to).outer))};
    return {prefix(site(c, from).inner), prefix(site(c, to).inner)};
}

std::vector<xfrm::Policy> policies(const Case& c) {
    const int local = c.side, remote = 1 - c.side;
    auto policy = [&](xfrm::Dir dir, int from) {
        const xfrm::Sa sa = directed_sa(c, from);
        xfrm::Policy p;
        p.selector = directed_selector(c, from);
        p.dir = dir;
        p.priority = 1000;
        p.templates = {xfrm::Template{sa.src, sa.dst, xfrm::Proto::esp, c.mode, sa.reqid, 0}};
        return p;
    };
    std::vector<xfrm::Policy> out{policy(xfrm::Dir::out, local), policy(xfrm::Dir::in, remote)};
    // Tunnel mode: forwarded (not locally delivered) decapsulated packets need a fwd policy.
    if (c.mode == xfrm::Mode::tunnel) out.push_back(policy(xfrm::Dir::fwd, remote));
    return out;
}

bool check(const base::Status& s, const std::string& what) {
    if (!s) std::printf("FAIL %s: %s\n", what.c_str(), s.error().message.c_str());
    return s.ok();
}

int cmd_up(xfrm::Kernel& k, const Case& c) {
    bool ok = check(k.add_sa(directed_sa(c, c.side)), "add out SA") &&
              check(k.add_sa(directed_sa(c, 1 - c.side)), "add in SA");
    for (const auto& p : policies(c)) ok = ok && check(k.add_policy(p), "add " + xfrm::to_string(p.dir) + " policy");
    if (ok) std::printf("up %s: 2 SAs, %zu policies installed through xfrm/\n", c.name().c_str(), policies(c).size());
    return ok ? 0 : 1;
}

int cmd_show(xfrm::Kernel& k, const Case& c) {
    int rc = 0;
    for (int from : {c.side, 1 - c.side}) {
        const auto id = directed_sa(c, from).id();
        auto info = k.get_sa(id);
        const char* dir = from == c.side ? "out" : "in ";
        if (!info) {
            std::printf("FAIL get_sa %s: %s\n", xfrm::describe(id).c_str(), info.error().message.c_str());
            rc = 1;
            continue;
        }
        std::printf("  %s: %s spi 0x%08x %s -> %s %s: %llu packets, %llu bytes\n", c.name().c_str(), dir,
                    info->spi, info->src.str().c_str(), info->dst.str().c_str(), info->algorithm.c_str(),
                    static_cast<unsigned long long>(info->counters.packets),
                    static_cast<unsigned long long>(info->counters.bytes));
        if (info->counters.packets < c.min_packets) {
            std::printf("FAIL %s: %s SA counted %llu packets, expected >= %llu\n", c.name().c_str(), dir,
                        static_cast<unsigned long long>(info->counters.packets),
                        static_cast<unsigned long long>(c.min_packets));
            rc = 1;
        }
    }
    return rc;
}

int cmd_down_sas(xfrm::Kernel& k, const Case& c) {
    int rc = 0;
    for (int from : {c.side, 1 - c.side}) {
        const auto id = directed_sa(c, from).id();
        if (!check(k.delete_sa(id), "delete " + xfrm::describe(id))) rc = 1;
        if (k.get_sa(id)) {
            std::printf("FAIL %s still readable after delete\n", xfrm::describe(id).c_str());
            rc = 1;
        }
    }
    if (rc == 0) std::printf("down %s: SAs deleted (policies kept)\n", c.name().c_str());
    return rc;
}

int cmd_down_policies(xfrm::Kernel& k, const Case& c) {
    int rc = 0;
    const auto mine = policies(c);
    for (const auto& p : mine)
        if (!check(k.delete_policy(p.id()), "delete " + xfrm::to_string(p.dir) + " policy")) rc = 1;
    auto left = k.list_policies();
    if (!left) {
        std::printf("FAIL list_policies: %s\n", left.error().message.c_str());
        return 1;
    }
    for (const auto& p : *left)
        for (const auto& m : mine)
            if (p.id() == m.id()) {
                std::printf("FAIL %s policy %s -> %s still listed\n", xfrm::to_string(p.dir).c_str(),
                            p.selector.src.str().c_str(), p.selector.dst.str().c_str());
                rc = 1;
            }
    if (rc == 0) std::printf("down %s: policies deleted, none left in list_policies\n", c.name().c_str());
    return rc;
}

// Calls start(), then waits up to `limit` for an event accepted by `want`, dispatching
// kernel events as they come. Returns the seconds from start() to that event.
template <class Start, class Want>
std::optional<double> wait_event(xfrm::NetlinkKernel& k, std::chrono::milliseconds limit, Start start,
                                 Want want) {
    bool got = false;
    k.set_event_handler([&](const xfrm::Event& e) { got = got || want(e); });
    const auto t0 = Clock::now();
    if (!start()) return std::nullopt;
    while (!got) {
        const auto left = limit - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        if (left.count() <= 0) return std::nullopt;
        pollfd pfd{k.event_fd(), POLLIN, 0};
        if (poll(&pfd, 1, static_cast<int>(left.count())) > 0) k.dispatch_events();
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

int cmd_expire(xfrm::NetlinkKernel& k) {
    xfrm::Sa sa = directed_sa(Case{}, 0);
    sa.spi = 0x9001;
    sa.lifetime.soft_seconds = 2;
    sa.lifetime.hard_seconds = 60;
    const auto took = wait_event(
        k, std::chrono::seconds(10), [&] { return check(k.add_sa(sa), "add SA with a 2 s soft lifetime"); },
        [&](const xfrm::Event& e) {
            const auto* x = std::get_if<xfrm::Expire>(&e);
            return x && x->sa == sa.id() && !x->hard;
        });
    const bool deleted = check(k.delete_sa(sa.id()), "delete expiring SA");
    if (!took) {
        std::printf("FAIL no soft expire event for %s within 10 s\n", xfrm::describe(sa.id()).c_str());
        return 1;
    }
    std::printf("expire: soft expire event for %s received %.2f s after adding it (soft lifetime 2 s)\n",
                xfrm::describe(sa.id()).c_str(), *took);
    return deleted ? 0 : 1;
}

// Sends one UDP datagram from a's outer address to b's on `port`.
bool send_udp(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return false;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    inet_pton(AF_INET, site_v4[1].outer, &to.sin_addr);
    // The send itself fails (no SA: the kernel drops the packet); the acquire is the point.
    (void)sendto(fd, "acquire", 7, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    close(fd);
    return true;
}

int cmd_acquire(xfrm::NetlinkKernel& k) {
    constexpr std::uint16_t port = 9999;
    constexpr std::uint32_t reqid = 77;
    const auto a = addr(site_v4[0].outer), b = addr(site_v4[1].outer);
    xfrm::Policy p;
    p.selector = {net::Prefix::host(a), net::Prefix::host(b), IPPROTO_UDP, 0, port};
    p.dir = xfrm::Dir::out;
    p.templates = {xfrm::Template{a, b, xfrm::Proto::esp, xfrm::Mode::transport, reqid, 0}};
    if (!check(k.add_policy(p), "add out policy without SA")) return 1;
    xfrm::Acquire seen;
    const auto took = wait_event(k, std::chrono::seconds(5), [&] { return send_udp(port); },
                                 [&](const xfrm::Event& e) {
                                     const auto* q = std::get_if<xfrm::Acquire>(&e);
                                     if (!q || q->reqid != reqid) return false;
                                     seen = *q;
                                     return true;
                                 });
    const bool deleted = check(k.delete_policy(p.id()), "delete policy");
    if (!took) {
        std::printf("FAIL no acquire event within 5 s for UDP %s -> %s:%u\n", a.str().c_str(), b.str().c_str(), port);
        return 1;
    }
    std::printf("acquire: event %.3f s after sending UDP to %s:%u: reqid %u, %s -> %s, selector %s -> %s proto %u dport %u\n",
                *took, b.str().c_str(), port, seen.reqid, seen.src.str().c_str(), seen.dst.str().c_str(),
                seen.selector.src.str().c_str(), seen.selector.dst.str().c_str(), seen.selector.proto,
                seen.selector.dport);
    return deleted ? 0 : 1;
}

int usage() {
    std::fprintf(stderr,
                 "usage: xfrm_proof up|show|down-sas|down-policies --side a|b --mode tunnel|transport\n"
                 "                  --alg gcm|cbc --family v4|v6 [--min-packets N]\n"
                 "       xfrm_proof expire|acquire|serve\n");
    return 2;
}

using Args = std::vector<std::string>;  // a command and its options

std::optional<Case> parse_case(const Args& args) {
    if (args.size() % 2 != 1) return std::nullopt;
    Case c;
    for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
        const std::string &key = args[i], &value = args[i + 1];
        if (key == "--side" && (value == "a" || value == "b")) c.side = value == "b";
        else if (key == "--mode" && (value == "tunnel" || value == "transport"))
            c.mode = value == "tunnel" ? xfrm::Mode::tunnel : xfrm::Mode::transport;
        else if (key == "--alg" && (value == "gcm" || value == "cbc")) c.gcm = value == "gcm";
        else if (key == "--family" && (value == "v4" || value == "v6")) c.v6 = value == "v6";
        else if (key == "--min-packets") {
            const auto end = value.data() + value.size();
            if (std::from_chars(value.data(), end, c.min_packets).ptr != end) return std::nullopt;
        } else return std::nullopt;
    }
    return c;
}

int run(xfrm::NetlinkKernel& k, const Args& args) {
    if (args.empty()) return usage();
    const std::string& cmd = args[0];
    if (cmd == "expire") return cmd_expire(k);
    if (cmd == "acquire") return cmd_acquire(k);
    const auto c = parse_case(args);
    if (!c) return usage();
    if (cmd == "up") return cmd_up(k, *c);
    if (cmd == "show") return cmd_show(k, *c);
    if (cmd == "down-sas") return cmd_down_sas(k, *c);
    if (cmd == "down-policies") return cmd_down_policies(k, *c);
    return usage();
}

// serve: one command per stdin line, each answered by its output and a line "END <exit code>".
// A process start costs ~0.5 s under UML, so a scenario keeps one server per namespace.
int serve(xfrm::NetlinkKernel& k) {
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream words(line);
        Args args{std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
        if (args.empty()) continue;
        const int rc = run(k, args);
        std::printf("END %d\n", rc);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto kernel = xfrm::NetlinkKernel::open();
    if (!kernel) {
        std::printf("FAIL opening the XFRM netlink socket: %s\n", kernel.error().message.c_str());
        return 1;
    }
    const Args args(argv + 1, argv + argc);
    if (args.size() == 1 && args[0] == "serve") return serve(**kernel);
    return run(**kernel, args);
}
