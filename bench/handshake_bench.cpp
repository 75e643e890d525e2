// ipsecd-bench handshakes: complete IKEv2 handshakes (IKE_SA_INIT + IKE_AUTH with the first
// CHILD SA) between an initiator and a responder engine in one process, the kernel effects
// applied to xfrm::MemoryKernel. Prints pairs/s, CPU seconds, heap bytes per established
// IKE SA + CHILD SA (engine state; the in-memory kernel's share separately), and the bound
// the key-exchange primitive sets, measured with raw Botan in the same run (each pair costs
// two agreements and two key generations, one with X25519: its responder reuses its value,
// RFC 7296 2.12). With --auth rsa|ecdsa|
// ed25519 both ends authenticate with certificates of that key type from one P-256 CA made
// at start (RFC 7427 signatures), and the raw Botan cost of the signatures is printed too.
// With --version 1: IKEv1 Main Mode + Quick Mode (RFC 2409, PSK), the IKEv2 figure of the
// same run printed beside it as the baseline.
//
// ipsecd-bench idle-sas: the same two engines holding N established pairs, and the CPU one
// event costs at each N (issue 13: no per-event cost may grow with N).
#include <malloc.h>
#include <sys/resource.h>

#include <botan/auto_rng.h>
#include <botan/curve25519.h>
#include <botan/dh.h>
#include <botan/ecdh.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pkcs10.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509_ca.h>
#include <botan/x509self.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench.hpp"
#include "ike/crypto/rng.hpp"
#include "ike/v1/engine.hpp"
#include "ike/engine/credentials.hpp"
#include "ike/v2/engine.hpp"
#include "xfrm/memory_kernel.hpp"

namespace {

using namespace ike;
using Clock = std::chrono::steady_clock;

struct Options {
    unsigned pairs = 2000;
    unsigned threads = 1;
    std::string ke = "x25519";
    std::string auth = "psk";
    unsigned version = 2;
    // The IKEv2 engines' EngineOptions::log_level: the daemon's --log-level (info by default)
    // decides which lines an engine builds at all.
    engine::LogLevel log_level = engine::LogLevel::debug;
    bool json = false;
};

policy::Connection connection(std::string name, const char* local, const char* remote, const Options& o) {
    policy::Connection c;
    c.name = std::move(name);
    c.local.address = net::Address::parse(local);
    c.local.id = *policy::Identity::parse(local);
    c.local.subnets = {net::Prefix::host(*c.local.address)};
    c.remote.host = remote;
    c.remote.address = net::Address::parse(remote);
    c.remote.id = policy::Identity{};  // %any
    c.local.auth = c.remote.auth = o.auth == "psk" ? policy::Auth::psk : policy::Auth::pubkey;
    if (c.remote.address) c.remote.subnets = {net::Prefix::host(*c.remote.address)};
    c.ike.proposals = {*policy::parse_proposal("aes256gcm16-prfsha256-" + o.ke, ProtocolId::ike)};
    policy::Child child;
    child.name = "host";
    child.proposals = {*policy::parse_proposal("aes256gcm16", ProtocolId::esp)};
    child.local_subnets = c.local.subnets;
    child.remote_subnets = c.remote.subnets;
    c.children.push_back(child);
    return c;
}

policy::Config with_psk(policy::Config c) {
    const std::string psk = "benchmark pre-shared key";
    c.secrets.push_back({{}, base::SecretBytes(psk.begin(), psk.end())});
    for (const char* id : {"192.0.2.1", "192.0.2.2"}) c.secrets.back().ids.push_back(*policy::Identity::parse(id));
    return c;
}

std::unique_ptr<Botan::Private_Key> make_key(const std::string& auth, Botan::RandomNumberGenerator& rng) {
    if (auth == "rsa") return std::make_unique<Botan::RSA_PrivateKey>(rng, 2048);
    if (auth == "ecdsa") return std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
    return std::make_unique<Botan::Ed25519_PrivateKey>(rng);
}

// A P-256 CA and, per address, an end-entity certificate (subjectAltName IP, the IKE ID the
// benchmark's connections use) with a key of the --auth type.
struct Pki {
    explicit Pki(const std::string& auth) {
        Botan::X509_Cert_Options ca_opts("bench CA/CH/ipsecd");
        ca_opts.CA_key();
        const Botan::ECDSA_PrivateKey ca_key(rng, Botan::EC_Group("secp256r1"));
        ca = Botan::X509::create_self_signed_cert(ca_opts, ca_key, "SHA-256", rng);
        const Botan::X509_CA signer(ca, ca_key, "SHA-256", rng);
        for (const char* address : {"192.0.2.1", "192.0.2.2"}) {
            Botan::X509_Cert_Options opts(std::string(address) + "/CH/ipsecd");
            opts.ip = address;
            std::shared_ptr<const Botan::Private_Key> key = make_key(auth, rng);
            const auto req = Botan::X509::create_cert_req(opts, *key, auth == "ed25519" ? "Pure" : "SHA-256", rng);
            const auto now = std::chrono::system_clock::now();
            ends.push_back({{signer.sign_request(req, rng, Botan::X509_Time(now - std::chrono::hours(1)),
                                                 Botan::X509_Time(now + std::chrono::hours(24)))},
                            key,
                            {{ca}, {}}});
        }
    }
    Botan::AutoSeeded_RNG rng;
    Botan::X509_Certificate ca;
    std::vector<engine::ConnectionCredentials> ends;  // 192.0.2.1, 192.0.2.2
};

using bench::thread_cpu_seconds;

// Engine events timed as the daemon runs them: handle(), then next_wakeup() to re-arm its
// timer.
struct Timed {
    template <class Engine, class Event>
    engine::Effects call(Engine& engine, engine::Time now, const Event& event) {
        const double start = thread_cpu_seconds();
        auto effects = engine.handle(now, event);
        (void)engine.next_wakeup();
        seconds += thread_cpu_seconds() - start;
        ++calls;
        return effects;
    }
    double per_call_us() const { return calls ? 1e6 * seconds / calls : 0; }
    double seconds = 0;
    unsigned calls = 0;
};

// Two engines of one IKE version and their in-memory kernels, joined in-process.
template <class Engine>
struct Driver {
    Driver(unsigned pairs, std::uint64_t seed) : count(pairs), rng_a(seed), rng_b(seed + 1) {}

    void apply(xfrm::MemoryKernel& k, const engine::Effect& e) {
        if (const auto* a = std::get_if<engine::AddSa>(&e)) (void)(a->larval ? xfrm::complete_larval(k, a->sa) : k.add_sa(a->sa));
        if (const auto* p = std::get_if<engine::AddPolicy>(&e)) (void)k.add_policy(p->policy);
        if (const auto* u = std::get_if<engine::UpdatePolicy>(&e)) (void)k.update_policy(u->policy);
    }

    // Feeds effects to the kernels and datagrams to the other engine until quiet. With
    // `timed`, each engine call after `first` is timed with the next_wakeup() the daemon
    // asks for after every event.
    void pump(engine::Effects first, bool from_alice, Timed* timed = nullptr) {
        std::deque<std::pair<bool, engine::Effects>> queue;
        queue.emplace_back(from_alice, std::move(first));
        while (!queue.empty()) {
            auto [alice_sent, effects] = std::move(queue.front());
            queue.pop_front();
            for (const auto& e : effects) {
                apply(alice_sent ? kernel_a : kernel_b, e);
                if (const auto* d = std::get_if<engine::SendDatagram>(&e)) {
                    Engine& to = alice_sent ? *bob : *alice;
                    const engine::DatagramIn in{d->remote, d->local, d->bytes};
                    queue.emplace_back(!alice_sent, timed ? timed->call(to, now, in) : to.handle(now, in));
                }
            }
        }
    }

    void run() {
        for (unsigned i = 0; i < count; ++i) pump(alice->handle(now, engine::AdminUp{"c" + std::to_string(i)}), true);
    }

    unsigned established() const {
        unsigned n = 0;
        for (const auto& c : alice->status()) n += c.state == engine::ConnectionState::up ? 1 : 0;
        return n;
    }

    unsigned count;
    engine::Time now{};
    crypto::DeterministicRng rng_a, rng_b;
    engine::Credentials creds_a, creds_b;  // before the engines: they point at them
    std::unique_ptr<Engine> alice, bob;
    xfrm::MemoryKernel kernel_a, kernel_b;
};

// One initiator engine with `pairs` connections to one responder engine (remote %any).
struct Shard : Driver<v2::Engine> {
    // `more` adds to both configurations, after the PSK (run() starts only the `pairs`).
    using More = std::function<void(policy::Config& a, policy::Config& b)>;
    Shard(const Options& o, unsigned pairs, std::uint64_t seed, const Pki* pki, const More& more = {})
        : Driver(pairs, seed) {
        policy::Config a, b;
        for (unsigned i = 0; i < pairs; ++i)
            a.connections.push_back(connection("c" + std::to_string(i), "192.0.2.1", "192.0.2.2", o));
        auto any = connection("peers", "192.0.2.2", "%any", o);
        any.remote.subnets = {*net::Prefix::parse("192.0.2.0/24")};
        any.children[0].remote_subnets = any.remote.subnets;
        b.connections.push_back(any);
        a = with_psk(std::move(a));
        b = with_psk(std::move(b));
        if (more) more(a, b);
        v2::EngineOptions options_a, options_b;
        options_a.log_level = options_b.log_level = o.log_level;
        if (pki) {
            creds_a.wall_clock = creds_b.wall_clock = [] { return std::chrono::system_clock::now(); };
            for (const auto& c : a.connections) creds_a.connections[c.name] = pki->ends[0];
            creds_b.connections["peers"] = pki->ends[1];
            options_a.credentials = &creds_a;
            options_b.credentials = &creds_b;
        }
        options_a.allocate_spi = [this](const net::Address& src, const net::Address& dst, xfrm::Proto proto) {
            return kernel_a.alloc_spi(src, dst, proto, 0);
        };
        options_b.allocate_spi = [this](const net::Address& src, const net::Address& dst, xfrm::Proto proto) {
            return kernel_b.alloc_spi(src, dst, proto, 0);
        };
        alice = std::make_unique<v2::Engine>(std::move(a), rng_a, options_a);
        bob = std::make_unique<v2::Engine>(std::move(b), rng_b, options_b);
    }
};

// IKEv1 (--version 1), PSK: Main Mode with aes256-sha256-KE, then Quick Mode with the same
// ESP proposal. Each initiator connection has an address of its own (198.18.0.0/15, RFC
// 2544's benchmark range): the responder's one connection for them all takes each
// INITIAL-CONTACT as the end of that peer's earlier SAs (RFC 2407 4.6.3.3).
struct V1Shard : Driver<v1::Engine> {
    V1Shard(const Options& o, unsigned pairs, std::uint64_t seed) : Driver(pairs, seed) {
        policy::Config a, b;
        for (unsigned i = 0; i < pairs; ++i) {
            const auto local = benchmark_address(i);
            a.connections.push_back(v1(connection("c" + std::to_string(i), local.c_str(), "192.0.2.2", o), o));
        }
        auto any = v1(connection("peers", "192.0.2.2", "%any", o), o);
        any.remote.subnets = {*net::Prefix::parse("198.18.0.0/15")};
        any.children[0].remote_subnets = any.remote.subnets;
        b.connections.push_back(any);
        alice = std::make_unique<v1::Engine>(any_psk(std::move(a)), rng_a, v1::EngineOptions{});
        bob = std::make_unique<v1::Engine>(any_psk(std::move(b)), rng_b, v1::EngineOptions{});
    }

    static std::string benchmark_address(unsigned i) {
        const unsigned host = 0xc6120000u + 1 + i;  // 198.18.0.1 on
        return std::to_string(host >> 24) + "." + std::to_string(host >> 16 & 255) + "." +
               std::to_string(host >> 8 & 255) + "." + std::to_string(host & 255);
    }
    // IKEv1 has no AEAD for the ISAKMP SA: aes256-sha256 with the same key exchange.
    static policy::Connection v1(policy::Connection c, const Options& o) {
        c.version = 1;
        c.ike.proposals = {*policy::parse_proposal("aes256-sha256-" + o.ke, ProtocolId::ike)};
        return c;
    }
    // One key for every peer: IKEv1 looks a PSK up by the address in use (Main Mode's IDs
    // come after the key is needed).
    static policy::Config any_psk(policy::Config c) {
        c = with_psk(std::move(c));
        c.secrets.back().ids = {policy::Identity{}};
        return c;
    }
};

std::size_t heap_in_use() { return mallinfo2().uordblks; }

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds for one key generation and for one agreement of the group with raw Botan (no
// ipsecd code). CPU time, not wall time, so that a busy machine skews neither this nor
// pairs_per_cpu_sec, the figure to compare it with.
struct Primitive {
    double keygen = 0, agree = 0;
    // An IKEv2 pair: two agreements, and two key generations but with X25519, whose
    // responder reuses its value (RFC 7296 2.12): one. IKEv1 (v2 false) draws two.
    unsigned keygens(const std::string& ke, bool v2) const { return v2 && ke == "x25519" ? 1 : 2; }
    double per_pair(const std::string& ke, bool v2) const { return keygens(ke, v2) * keygen + 2 * agree; }
};

Primitive primitive_seconds(const std::string& ke) {
    Botan::AutoSeeded_RNG rng;
    const unsigned n = ke == "modp2048" ? 40 : 400;
    // Group parameters are set up once, as the engine's key exchange does.
    const Botan::EC_Group ec("secp256r1");
    const Botan::DL_Group dl("modp/ietf/2048");
    auto make = [&]() -> std::unique_ptr<Botan::PK_Key_Agreement_Key> {
        if (ke == "x25519") return std::make_unique<Botan::Curve25519_PrivateKey>(rng);
        if (ke == "ecp256") return std::make_unique<Botan::ECDH_PrivateKey>(rng, ec);
        return std::make_unique<Botan::DH_PrivateKey>(rng, dl);
    };
    const auto peer_public = make()->public_value();
    std::size_t sink = 0;
    double start = thread_cpu_seconds();
    for (unsigned i = 0; i < n; ++i) sink += make()->public_value().size();
    Primitive p;
    p.keygen = (thread_cpu_seconds() - start) / n;
    const auto key = make();
    start = thread_cpu_seconds();
    for (unsigned i = 0; i < n; ++i) {
        Botan::PK_Key_Agreement ka(*key, rng, "Raw");
        sink += ka.derive_key(0, peer_public).size();
    }
    p.agree = (thread_cpu_seconds() - start) / n;
    return sink > 0 ? p : Primitive{};
}

// CPU seconds for the signatures of one pair with raw Botan: each end signs its AUTH once
// and verifies the peer's AUTH and the CA's signature on the peer's certificate (P-256).
double signature_seconds(const Pki& pki, const std::string& auth) {
    Botan::AutoSeeded_RNG rng;
    const unsigned n = auth == "rsa" ? 40 : 200;
    const auto& key = *pki.ends[0].key;
    const auto pub = pki.ends[0].chain[0].load_subject_public_key();
    const auto ca_pub = pki.ca.load_subject_public_key();
    const std::string padding = auth == "rsa" ? "EMSA3(SHA-256)" : auth == "ecdsa" ? "EMSA1(SHA-256)" : "Pure";
    const std::vector<std::uint8_t> message(300, 0x5a);
    std::size_t ok = 0;
    const double start = thread_cpu_seconds();
    for (unsigned i = 0; i < n; ++i) {
        Botan::PK_Signer signer(key, rng, padding);
        const auto sig = signer.sign_message(message, rng);
        Botan::PK_Verifier verifier(*pub, padding);
        ok += verifier.verify_message(message, sig) ? 1 : 0;
        ok += pki.ends[0].chain[0].check_signature(*ca_pub) ? 1 : 0;
    }
    const double s = (thread_cpu_seconds() - start) / n;
    return ok == 2 * n ? 2 * s : 0;
}

std::optional<engine::LogLevel> log_level(const std::string& name) {
    for (auto l : {engine::LogLevel::error, engine::LogLevel::warning, engine::LogLevel::info, engine::LogLevel::debug})
        if (engine::to_string(l) == name) return l;
    return std::nullopt;
}

int parse(const bench::Args& args, Options& o) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--json") {
            o.json = true;
        } else if (a == "--pairs" && has_value) {
            o.pairs = static_cast<unsigned>(std::stoul(args[++i]));
        } else if (a == "--threads" && has_value) {
            o.threads = static_cast<unsigned>(std::stoul(args[++i]));
        } else if (a == "--ke" && has_value) {
            o.ke = args[++i];
            if (o.ke != "x25519" && o.ke != "ecp256" && o.ke != "modp2048") return 2;
        } else if (a == "--version" && has_value) {
            o.version = static_cast<unsigned>(std::stoul(args[++i]));
            if (o.version != 1 && o.version != 2) return 2;
        } else if (a == "--log-level" && has_value) {
            const auto level = log_level(args[++i]);
            if (!level) return 2;
            o.log_level = *level;
        } else if (a == "--auth" && has_value) {
            o.auth = args[++i];
            if (o.auth != "psk" && o.auth != "rsa" && o.auth != "ecdsa" && o.auth != "ed25519") return 2;
        } else {
            return 2;
        }
    }
    // IKEv1 is measured with PSK only (Main Mode's signature modes are not benchmarked).
    return o.pairs > 0 && o.threads > 0 && (o.version == 2 || o.auth == "psk") ? 0 : 2;
}

// One run of N handshakes in T threads, each thread with its own pair of engines.
struct Figures {
    double seconds = 0, cpu = 0;
    unsigned up = 0;
    double engine_bytes = 0, kernel_bytes = 0;  // heap of the established SAs
};

template <class S, class Make>
Figures measure(const Options& o, Make make) {
    std::vector<std::unique_ptr<S>> shards;
    for (unsigned t = 0; t < o.threads; ++t)
        shards.push_back(make(o.pairs / o.threads + (t < o.pairs % o.threads ? 1 : 0), 1000 + 2 * t));
    Figures f;
    const std::size_t heap_configured = heap_in_use();
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (auto& s : shards) threads.emplace_back([&s] { s->run(); });
    for (auto& t : threads) t.join();
    f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    f.cpu = cpu_seconds() - cpu_start;
    const std::size_t heap_established = heap_in_use();
    for (auto& s : shards) {
        f.up += s->established();
        s->kernel_a.flush_owned().ok();
        s->kernel_b.flush_owned().ok();
    }
    malloc_trim(0);
    const std::size_t heap_engines = heap_in_use();
    f.engine_bytes = static_cast<double>(heap_engines) - static_cast<double>(heap_configured);
    f.kernel_bytes = static_cast<double>(heap_established) - static_cast<double>(heap_engines);
    return f;
}

// --version 1: the IKEv1 figures and, as the baseline, IKEv2's of the same run.
void print_v1(const Options& o, const Figures& f, const Figures& v2, const Primitive& primitive, double sas) {
    const double bound = o.threads / primitive.per_pair(o.ke, false);
    const double rate = o.pairs / f.seconds, per_cpu = o.pairs / f.cpu, v2_per_cpu = o.pairs / v2.cpu;
    if (o.json) {
        std::printf("{\"version\":1,\"pairs\":%u,\"threads\":%u,\"ke\":\"%s\",\"auth\":\"psk\",\"seconds\":%.4f,"
                    "\"cpu_seconds\":%.4f,\"pairs_per_sec\":%.1f,\"pairs_per_cpu_sec\":%.1f,\"heap_bytes_per_sa\":%.0f,"
                    "\"kernel_model_bytes_per_sa\":%.0f,\"primitive_bound_pairs_per_sec\":%.1f,"
                    "\"v2_pairs_per_sec\":%.1f,\"v2_pairs_per_cpu_sec\":%.1f,\"v1_to_v2_cpu_ratio\":%.3f}\n",
                    o.pairs, o.threads, o.ke.c_str(), f.seconds, f.cpu, rate, per_cpu, f.engine_bytes / sas,
                    f.kernel_bytes / sas, bound, o.pairs / v2.seconds, v2_per_cpu, per_cpu / v2_per_cpu);
        return;
    }
    std::printf("%u IKEv1 handshakes (Main Mode aes256-sha256-%s + Quick Mode aes256gcm16, psk), %u thread(s): "
                "%.3f s, %.3f CPU s\n", o.pairs, o.ke.c_str(), o.threads, f.seconds, f.cpu);
    std::printf("  %.0f pairs/s, %.0f per CPU second; IKEv2 in the same run (aes256gcm16-prfsha256-%s): %.0f pairs/s, "
                "%.0f per CPU second (IKEv1 is x%.2f of it per CPU second)\n",
                rate, per_cpu, o.ke.c_str(), o.pairs / v2.seconds, v2_per_cpu, per_cpu / v2_per_cpu);
    std::printf("  key exchange alone (raw Botan, 2 keygen + 2 agreements per pair) bounds at %.0f per CPU second "
                "(it is %.0f%% of a handshake's CPU time)\n",
                bound / o.threads, 100.0 * per_cpu / (bound / o.threads));
    std::printf("  heap per established ISAKMP SA + IPsec SA: %.0f bytes in the engine, "
                "%.0f bytes in the in-memory kernel model\n",
                f.engine_bytes / sas, f.kernel_bytes / sas);
}

}  // namespace

int bench::run_handshakes(const Args& args) {
    Options o;
    if (parse(args, o) != 0) {
        std::fprintf(stderr, "usage: ipsecd-bench handshakes [--version 1|2] [--pairs N] [--threads T] "
                             "[--ke x25519|ecp256|modp2048] [--auth psk|rsa|ecdsa|ed25519 (IKEv2 only)] "
                             "[--log-level error|warning|info|debug (IKEv2)] [--json]\n");
        return 2;
    }
    try {
        const auto pki = o.auth == "psk" ? nullptr : std::make_unique<Pki>(o.auth);
        auto v2_shard = [&o, &pki](unsigned n, std::uint64_t seed) { return std::make_unique<Shard>(o, n, seed, pki.get()); };
        auto v1_shard = [&o](unsigned n, std::uint64_t seed) { return std::make_unique<V1Shard>(o, n, seed); };
        const Figures f = o.version == 1 ? measure<V1Shard>(o, v1_shard) : measure<Shard>(o, v2_shard);
        // The baseline: IKEv2 with the same options, in the same run (same machine, same load).
        const Figures v2 = o.version == 1 ? measure<Shard>(o, v2_shard) : f;
        const double seconds = f.seconds, cpu = f.cpu, engine_bytes = f.engine_bytes, kernel_bytes = f.kernel_bytes;
        const unsigned up = f.up;
        // Each pair leaves one IKE SA + CHILD SA in each engine.
        const double sas = 2.0 * o.pairs;
        const Primitive primitive = primitive_seconds(o.ke);
        const double per_pair = primitive.per_pair(o.ke, true);
        const double bound = o.threads / per_pair;
        // With certificates: the key exchange and the signatures together (0 = PSK).
        const double signatures = pki ? signature_seconds(*pki, o.auth) : 0;
        const double crypto_bound = o.threads / (per_pair + signatures);
        const double rate = o.pairs / seconds;
        if (up != o.pairs || v2.up != o.pairs) {
            std::fprintf(stderr, "ipsecd-bench handshakes: only %u of %u pairs established\n", std::min(up, v2.up), o.pairs);
            return 1;
        }
        if (o.version == 1) {
            print_v1(o, f, v2, primitive, sas);
            return 0;
        }
        if (o.json) {
            std::printf("{\"pairs\":%u,\"threads\":%u,\"ke\":\"%s\",\"auth\":\"%s\",\"seconds\":%.4f,\"cpu_seconds\":%.4f,"
                        "\"pairs_per_sec\":%.1f,\"pairs_per_cpu_sec\":%.1f,\"heap_bytes_per_sa\":%.0f,\"kernel_model_bytes_per_sa\":%.0f,"
                        "\"primitive_seconds_per_pair\":%.7f,\"primitive_bound_pairs_per_sec\":%.1f,"
                        "\"signature_seconds_per_pair\":%.7f,\"crypto_bound_pairs_per_sec\":%.1f}\n",
                        o.pairs, o.threads, o.ke.c_str(), o.auth.c_str(), seconds, cpu, rate, o.pairs / cpu,
                        engine_bytes / sas, kernel_bytes / sas, per_pair, bound, signatures, crypto_bound);
        } else {
            std::printf("%u handshakes (%s, %s, aes256gcm16), %u thread(s): %.3f s, %.3f CPU s\n", o.pairs,
                        o.auth.c_str(), o.ke.c_str(), o.threads, seconds, cpu);
            std::printf("  %.0f pairs/s, %.0f per CPU second; key exchange alone (raw Botan, %u keygen + "
                        "2 agreements per pair) bounds at %.0f per CPU second (it is %.0f%% of a handshake's CPU time)\n",
                        rate, o.pairs / cpu, primitive.keygens(o.ke, true), bound / o.threads,
                        100.0 * (o.pairs / cpu) / (bound / o.threads));
            if (pki)
                std::printf("  with the signatures (raw Botan, per pair 2 signs, 2 AUTH verifies, 2 certificate "
                            "verifies) the crypto bounds at %.0f per CPU second (it is %.0f%% of a handshake's CPU time)\n",
                            crypto_bound / o.threads, 100.0 * (o.pairs / cpu) / (crypto_bound / o.threads));
            std::printf("  heap per established IKE SA + CHILD SA: %.0f bytes in the engine, "
                        "%.0f bytes in the in-memory kernel model\n",
                        engine_bytes / sas, kernel_bytes / sas);
        }
        return 0;
    } catch (const std::exception& e) {  // Botan in the baseline throws
        std::fprintf(stderr, "ipsecd-bench handshakes: %s\n", e.what());
        return 1;
    }
}

namespace {

struct IdleOptions {
    std::vector<unsigned> sas;
    unsigned events = 200;
    bool json = false;
};

// Per-event costs with `n` established pairs: an idle Tick to each engine, a CHILD SA rekey
// of one connection (the initiator's soft expiry, then every datagram both engines
// exchange), the first handshake with a peer not contacted yet (its IKE_AUTH asks whether
// to send INITIAL_CONTACT, RFC 7296 2.4; every datagram both engines exchange) and the
// status of one connection as the daemon answers `ipsecctl status NAME`.
struct IdleFigures {
    unsigned sas = 0;
    double tick_us = 0, rekey_us = 0, contact_us = 0, status_us = 0;
};

// The `k`th peer of the first contacts: an address of its own (198.51.100.0/22, past the
// documentation range's /24: a few hundred are needed), which the responder also answers on.
std::string new_peer(unsigned k) { return "198.51." + std::to_string(100 + k / 250) + "." + std::to_string(1 + k % 250); }

// `events` more connections of the initiator, each to a peer of its own, and the responder's
// connections on those addresses, which the PSK covers too.
void add_new_peers(policy::Config& a, policy::Config& b, unsigned events, const Options& o) {
    for (unsigned k = 0; k < events; ++k) {
        const std::string peer = new_peer(k);
        a.connections.push_back(connection("new" + std::to_string(k), "192.0.2.1", peer.c_str(), o));
        auto any = connection("peers" + std::to_string(k), peer.c_str(), "%any", o);
        any.remote.subnets = {*net::Prefix::parse("192.0.2.0/24")};
        any.children[0].remote_subnets = any.remote.subnets;
        b.connections.push_back(any);
        for (auto* c : {&a, &b}) c->secrets.back().ids.push_back(*policy::Identity::parse(peer));
    }
}

IdleFigures idle_figures(unsigned n, unsigned events) {
    Options o;
    Shard shard(o, n, 4242, nullptr, [&](policy::Config& a, policy::Config& b) { add_new_peers(a, b, events, o); });
    shard.run();
    if (shard.established() != n) throw std::runtime_error("only some pairs established");
    std::vector<xfrm::Expire> expiries;
    for (const auto& c : shard.alice->status())
        if (!c.ike_sas.empty())  // the connections of the first contacts are not up yet
            expiries.push_back({{*net::Address::parse("192.0.2.1"), c.ike_sas.at(0).children.at(0).spi_in, xfrm::Proto::esp},
                                *net::Address::parse("192.0.2.2"), 0, false});
    IdleFigures f{n};
    Timed tick, rekey;
    for (unsigned k = 0; k < events; ++k) {
        (void)tick.call(*shard.alice, shard.now, engine::Tick{});
        (void)tick.call(*shard.bob, shard.now, engine::Tick{});
    }
    for (unsigned k = 0; k < events; ++k) {
        const auto& expiry = expiries[static_cast<std::size_t>(k) * n / events];
        shard.pump(rekey.call(*shard.alice, shard.now, engine::KernelExpire{expiry}), true, &rekey);
    }
    const double start = thread_cpu_seconds();
    std::size_t found = 0;
    for (unsigned k = 0; k < events; ++k) {
        const std::string name = "c" + std::to_string(static_cast<std::size_t>(k) * n / events);
        if (auto c = shard.alice->status(name)) found += c->ike_sas.size();
    }
    f.status_us = 1e6 * (thread_cpu_seconds() - start) / events;
    Timed contact;
    for (unsigned k = 0; k < events; ++k)
        shard.pump(contact.call(*shard.alice, shard.now, engine::AdminUp{"new" + std::to_string(k)}), true, &contact);
    if (shard.alice->status("new" + std::to_string(events - 1))->state != engine::ConnectionState::up)
        throw std::runtime_error("a first contact did not come up");
    f.contact_us = contact.per_call_us();
    if (found != events) throw std::runtime_error("a connection's status is missing");
    f.tick_us = tick.per_call_us();
    f.rekey_us = rekey.per_call_us();
    return f;
}

int parse_idle(const bench::Args& args, IdleOptions& o) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--json") {
            o.json = true;
        } else if ((a == "--sas" || a == "-n") && i + 1 < args.size()) {
            o.sas.push_back(static_cast<unsigned>(std::stoul(args[++i])));
        } else if (a == "--events" && i + 1 < args.size()) {
            o.events = static_cast<unsigned>(std::stoul(args[++i]));
        } else {
            return 2;
        }
    }
    if (o.sas.empty()) o.sas = {1000, 10000};
    for (unsigned n : o.sas)
        if (n < o.events) return 2;
    return o.events > 0 ? 0 : 2;
}

}  // namespace

int bench::run_idle_sas(const Args& args) {
    IdleOptions o;
    if (parse_idle(args, o) != 0) {
        std::fprintf(stderr, "usage: ipsecd-bench idle-sas [--sas N]... [--events K (<= every N)] [--json]\n");
        return 2;
    }
    try {
        std::vector<IdleFigures> all;
        for (unsigned n : o.sas) all.push_back(idle_figures(n, o.events));
        const IdleFigures& first = all.front();
        if (o.json) {
            std::printf("{\"events\":%u,\"runs\":[", o.events);
            for (std::size_t i = 0; i < all.size(); ++i)
                std::printf("%s{\"sas\":%u,\"tick_us\":%.2f,\"rekey_us_per_call\":%.2f,\"first_contact_us_per_call\":%.2f,"
                            "\"status_us\":%.2f}",
                            i ? "," : "", all[i].sas, all[i].tick_us, all[i].rekey_us, all[i].contact_us, all[i].status_us);
            std::printf("]}\n");
            return 0;
        }
        std::printf("CPU per event with N established IKE SA + CHILD SA pairs (each engine call timed with "
                    "the next_wakeup() after it; ratio: against N=%u)\n", first.sas);
        std::printf("  %8s %14s %22s %22s %18s\n", "N", "idle tick us", "CHILD rekey us/call", "first contact us/call",
                    "status NAME us");
        for (const auto& f : all)
            std::printf("  %8u %8.2f (x%.1f) %15.2f (x%.1f) %15.2f (x%.1f) %11.2f (x%.1f)\n", f.sas, f.tick_us,
                        f.tick_us / first.tick_us, f.rekey_us, f.rekey_us / first.rekey_us, f.contact_us,
                        f.contact_us / first.contact_us, f.status_us, f.status_us / first.status_us);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ipsecd-bench idle-sas: %s\n", e.what());
        return 1;
    }
}
