// ipsecd-bench xfrm --sas N [--ip-sas M] [--spd-hthresh4 LOCAL/REMOTE] [--json]: how fast
// xfrm/ programs the kernel. Needs a kernel with ESP (the lab); run it in a network namespace
// of its own.
//   0. with --spd-hthresh4, sets the SPD hash thresholds first (as ipsecd --spd-hthresh4
//      does); prints the thresholds in force either way.
//   1. xfrm/: installs N SA pairs (out + in, tunnel, AES-GCM-256) with their out and in
//      policies (10.0.0.0/24 <-> a /32 each) through the request queue (batched sends,
//      xfrm/request_queue.hpp), then deletes them all the same way: sas_per_sec = N /
//      seconds (pairs with policies).
//   2. the baselines, in the same run: M SAs added by xfrm/ add_sa one round trip at a
//      time, the same M SAs queued and sent in batches, then by a loop of `ip xfrm state
//      add` (one process each, as a shell script would), and the ratio xfrm/ : ip.
// N tunnels as a gateway sees them: N peers with their own addresses, reqids from 1 as the
// daemon hands them out, SPIs scattered as the kernel and peers pick them. Peer addresses
// are spread over the benchmarking range 198.18.0.0/15 (RFC 2544), not counted up: the
// kernel hashes an SA by (daddr + saddr) ^ reqid, so peers counted up in step with the
// reqids would put every SA into a handful of hash chains and measure that instead (an
// insert walks its chain). SPIs come from fixed bijections, so a run never touches SAs it
// did not create.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "bench/bench.hpp"
#include "xfrm/kernel.hpp"
#include "xfrm/netlink_kernel.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint32_t local_v4 = 0xc6120001;  // 198.18.0.1
// Peer i is 198.18.0.1 + ((i + 1) * peer_step mod peer_spread): a permutation of
// 198.18.0.2-198.19.255.255 (2^17 - 1 is prime), so at most peer_spread - 1 pairs.
constexpr std::uint32_t peer_spread = 131071, peer_step = 40503;
enum class SpiKind : std::uint32_t { out = 0, in = 1, ip = 2 };
constexpr std::size_t gcm_key_bytes = 36;  // AES-256 key + 4-byte salt (RFC 4106)

struct Options {
    std::uint32_t sas = 0;
    std::uint32_t ip_sas = 0;  // 0: min(2 * sas, 100)
    std::optional<xfrm::SpdHashThreshold> hthresh4;
    bool json = false;
};

bool parse_number(const std::string& text, std::uint32_t& out) {
    const auto end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end && out > 0;
}

std::optional<Options> parse(const bench::Args& args) {
    Options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const bool has_value = i + 1 < args.size();
        if (args[i] == "--json") o.json = true;
        else if (args[i] == "--sas" && has_value && parse_number(args[i + 1], o.sas)) ++i;
        else if (args[i] == "--ip-sas" && has_value && parse_number(args[i + 1], o.ip_sas)) ++i;
        else if (args[i] == "--spd-hthresh4" && has_value &&
                 (o.hthresh4 = xfrm::parse_spd_hash_threshold(args[i + 1], 32)))
            ++i;
        else return std::nullopt;
    }
    if (o.sas == 0 || o.sas >= peer_spread || o.ip_sas >= peer_spread) return std::nullopt;
    if (o.ip_sas == 0) o.ip_sas = std::min<std::uint32_t>(2 * o.sas, 100);
    return o;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

base::SecretBytes gcm_key() { return base::SecretBytes(gcm_key_bytes, 0x5a); }

net::Address peer(std::uint32_t i) {
    return net::Address::v4(local_v4 + static_cast<std::uint32_t>(std::uint64_t{i + 1} * peer_step % peer_spread));
}

// The i-th SPI of a kind: Knuth's multiplicative hash of (kind, i + 1), a bijection of u32
// that is >= 0x100 for every i the peers allow (checked once, offline, for the three kinds).
std::uint32_t spi(SpiKind kind, std::uint32_t i) {
    return (static_cast<std::uint32_t>(kind) << 30 | (i + 1)) * 2654435761u;
}

xfrm::Sa tunnel_sa(const net::Address& src, const net::Address& dst, std::uint32_t spi, std::uint32_t reqid) {
    xfrm::Sa sa;
    sa.src = src;
    sa.dst = dst;
    sa.spi = spi;
    sa.reqid = reqid;
    sa.aead = xfrm::Aead{"rfc4106(gcm(aes))", gcm_key(), 128};
    return sa;
}

// Pair i protects 10.0.0.0/24 <-> 11.0.0.0/8 host i+1 through 198.18.0.1 <-> peer(i).
std::vector<xfrm::Policy> pair_policies(std::uint32_t i) {
    const auto local = net::Address::v4(local_v4);
    const auto inner_local = *net::Prefix::parse("10.0.0.0/24");
    const auto inner_peer = net::Prefix::host(net::Address::v4(0x0b000000 + i + 1));
    auto policy = [&](xfrm::Dir dir, const net::Prefix& src, const net::Prefix& dst, const net::Address& from,
                      const net::Address& to) {
        xfrm::Policy p;
        p.selector = {src, dst};
        p.dir = dir;
        p.templates = {xfrm::Template{from, to, xfrm::Proto::esp, xfrm::Mode::tunnel, i + 1, 0}};
        return p;
    };
    return {policy(xfrm::Dir::out, inner_local, inner_peer, local, peer(i)),
            policy(xfrm::Dir::in, inner_peer, inner_local, peer(i), local)};
}

std::array<xfrm::Sa, 2> pair_sas(std::uint32_t i) {
    const auto local = net::Address::v4(local_v4);
    return {tunnel_sa(local, peer(i), spi(SpiKind::out, i), i + 1), tunnel_sa(peer(i), local, spi(SpiKind::in, i), i + 1)};
}

// The first failure of many queued requests.
struct FirstError {
    base::Status status;
    xfrm::Kernel::Done note() {
        return [this](const base::Status& s) {
            if (!s && status) status = s;
        };
    }
};

struct PairTimes {
    double sas = 0, policies = 0, removal = 0;  // seconds: 2N SAs in, 2N policies in, all out
};

// Phase 1: N pairs, then their policies, in, then all out, through the request queue
// (batched sends). The kernel's time to add a policy grows with the policies it holds.
base::Result<PairTimes> pairs_round_trip(xfrm::Kernel& k, std::uint32_t n) {
    FirstError failed;
    PairTimes took;
    auto timed = [&](double& seconds, auto&& queue_all) {
        const auto t0 = Clock::now();
        for (std::uint32_t i = 0; i < n; ++i) queue_all(i);
        k.flush();
        seconds = seconds_since(t0);
        return failed.status;
    };
    auto ok = timed(took.sas, [&](std::uint32_t i) {
        for (const auto& sa : pair_sas(i)) k.queue_sa(sa, false, failed.note());
    });
    if (ok) ok = timed(took.policies, [&](std::uint32_t i) {
        for (const auto& p : pair_policies(i)) k.queue_policy(p, false, failed.note());
    });
    if (ok) ok = timed(took.removal, [&](std::uint32_t i) {
        for (const auto& sa : pair_sas(i)) k.queue_delete_sa(sa.id(), failed.note());
        for (const auto& p : pair_policies(i)) k.queue_delete_policy(p.id(), failed.note());
    });
    if (!ok) return base::fail(ok.error().message);
    return took;
}

// The SAs of the baseline: one direction, the same parameters for xfrm/ and for ip.
xfrm::Sa baseline_sa(std::uint32_t i) {
    return tunnel_sa(net::Address::v4(local_v4), peer(i), spi(SpiKind::ip, i), i + 1);
}

// Phase 2a: M SAs added through xfrm/, one add_sa and its ack at a time, or all queued
// and sent in batches (deleted afterwards, untimed). Returns the add seconds.
base::Result<double> add_sas_xfrm(xfrm::Kernel& k, std::uint32_t m, bool queued) {
    FirstError failed;
    const auto t0 = Clock::now();
    for (std::uint32_t i = 0; i < m; ++i) {
        if (queued) k.queue_sa(baseline_sa(i), false, failed.note());
        else failed.note()(k.add_sa(baseline_sa(i)));
    }
    k.flush();
    const double took = seconds_since(t0);
    for (std::uint32_t i = 0; i < m; ++i) k.queue_delete_sa(baseline_sa(i).id(), failed.note());
    k.flush();
    if (!failed.status) return base::fail(failed.status.error().message);
    return took;
}

base::Status run_ip(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, "ip", nullptr, nullptr, argv.data(), environ) != 0)
        return base::fail("cannot start ip (iproute2)");
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return base::fail("`ip xfrm state add` failed");
    return {};
}

// Phase 2b: the same M SAs through `ip xfrm state add`, one process each; deleted by xfrm/.
base::Result<double> add_sas_ip(xfrm::Kernel& k, std::uint32_t m) {
    const std::string local = net::Address::v4(local_v4).str();
    const auto key = gcm_key();
    const std::string hex_key = "0x" + base::to_hex(base::ByteView(key.data(), key.size()));
    const auto t0 = Clock::now();
    for (std::uint32_t i = 0; i < m; ++i) {
        char spi_text[16];
        std::snprintf(spi_text, sizeof spi_text, "0x%08x", spi(SpiKind::ip, i));
        auto s = run_ip({"ip", "xfrm", "state", "add", "src", local, "dst", peer(i).str(), "proto", "esp", "spi", spi_text,
                         "reqid", std::to_string(i + 1), "mode", "tunnel", "aead", "rfc4106(gcm(aes))", hex_key, "128"});
        if (!s) return base::fail(s.error().message);
    }
    const double took = seconds_since(t0);
    for (std::uint32_t i = 0; i < m; ++i)
        if (auto s = k.delete_sa(baseline_sa(i).id()); !s) return base::fail(s.error().message);
    return took;
}

// Step 0: the thresholds asked for set, and those in force (asked for or not) read back.
base::Result<xfrm::SpdHashThresholds> spd_hash(xfrm::Kernel& k, const Options& o) {
    if (o.hthresh4)
        if (auto ok = k.set_spd_hash_thresholds({o.hthresh4, std::nullopt}); !ok) return base::Unexpected{ok.error()};
    return k.spd_hash_thresholds();
}

}  // namespace

int bench::run_xfrm(const Args& args) {
    const auto opt = parse(args);
    if (!opt) {
        std::fprintf(stderr, "usage: ipsecd-bench xfrm --sas N [--ip-sas M] [--spd-hthresh4 LOCAL/REMOTE] [--json]\n"
                             "  (N, M < %u)\n", peer_spread);
        return 2;
    }
    auto kernel = xfrm::NetlinkKernel::open();
    if (!kernel) {
        std::fprintf(stderr, "ipsecd-bench xfrm: %s\n", kernel.error().message.c_str());
        return 1;
    }
    auto& k = **kernel;
    const auto thresholds = spd_hash(k, *opt);
    if (!thresholds) {
        std::fprintf(stderr, "ipsecd-bench xfrm: %s\n", thresholds.error().message.c_str());
        return 1;
    }
    const auto pairs = pairs_round_trip(k, opt->sas);
    const auto skipped = base::Result<double>(base::fail("skipped"));
    const auto direct = pairs ? add_sas_xfrm(k, opt->ip_sas, false) : skipped;
    const auto queued = direct ? add_sas_xfrm(k, opt->ip_sas, true) : skipped;
    const auto ip = queued ? add_sas_ip(k, opt->ip_sas) : skipped;
    if (!pairs || !direct || !queued || !ip) {
        const auto& err = !pairs ? pairs.error() : !direct ? direct.error() : !queued ? queued.error() : ip.error();
        std::fprintf(stderr, "ipsecd-bench xfrm: %s\n", err.message.c_str());
        (void)k.flush_owned();  // leave nothing behind
        return 1;
    }
    const double install = pairs->sas + pairs->policies, remove = pairs->removal;
    const double seconds = install + remove;
    const double rate = opt->sas / seconds;
    const double direct_rate = opt->ip_sas / *direct, queued_rate = opt->ip_sas / *queued, ip_rate = opt->ip_sas / *ip;
    if (opt->json) {
        std::printf("{\"sas\": %u, \"seconds\": %.6f, \"sas_per_sec\": %.1f, \"install_seconds\": %.6f, "
                    "\"sa_install_seconds\": %.6f, \"policy_install_seconds\": %.6f, "
                    "\"delete_seconds\": %.6f, \"policies\": %u, \"baseline_sas\": %u, "
                    "\"xfrm_add_sa_per_sec\": %.1f, \"xfrm_queued_sa_per_sec\": %.1f, \"ip_state_add_per_sec\": %.1f, "
                    "\"ratio\": %.1f, \"spd_hthresh4\": \"%u/%u\"}\n",
                    opt->sas, seconds, rate, install, pairs->sas, pairs->policies, remove, 2 * opt->sas, opt->ip_sas,
                    direct_rate, queued_rate, ip_rate, direct_rate / ip_rate, thresholds->v4->local_bits,
                    thresholds->v4->remote_bits);
        return 0;
    }
    std::printf("SPD hash thresholds in force (local/remote prefix bits): %s\n", xfrm::describe(*thresholds).c_str());
    std::printf("xfrm/ request queue: %u SA pairs + %u policies installed in %.3f s (%.1f pairs/s: %u SAs in %.3f s, "
                "then their policies in %.3f s) and deleted in %.3f s (%.1f pairs/s): %.1f SA pairs/s in and out\n",
                opt->sas, 2 * opt->sas, install, opt->sas / install, 2 * opt->sas, pairs->sas, pairs->policies, remove,
                opt->sas / remove, rate);
    std::printf("xfrm/ add_sa (one round trip each):    %u SAs in %.3f s: %9.1f SAs/s\n", opt->ip_sas, *direct,
                direct_rate);
    std::printf("xfrm/ queue_sa (batched sends):        %u SAs in %.3f s: %9.1f SAs/s\n", opt->ip_sas, *queued,
                queued_rate);
    std::printf("ip xfrm state add (one process each):  %u SAs in %.3f s: %9.1f SAs/s\n", opt->ip_sas, *ip, ip_rate);
    std::printf("ratio xfrm/ : ip xfrm = %.1f\n", direct_rate / ip_rate);
    return 0;
}
