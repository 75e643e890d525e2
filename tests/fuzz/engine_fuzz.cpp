// libFuzzer target: the IKEv2 state machine. Two engines (alice initiates "site", bob
// responds) exchange their real datagrams, and the input decides what happens between
// them: which datagram is delivered next (reordering), dropped, replayed or corrupted,
// forged datagrams (random bytes, or random bodies behind a real header so they reach an
// IKE SA's own handler), clock jumps that fire retransmits, DPD, rekeys and expiries,
// kernel events (acquire, soft/hard expire, a failed install, inbound SPIs running out), a
// NAT in front of alice that rebinds, admin Up/Down, reloads and restarts, on engines that
// are one shard of 1 to 4 (EngineOptions::shard), handed back what they announce of a peer
// authenticated (PeerAuthenticated) as if another shard had. The engine must
// never crash, throw or trip a sanitizer; its in-memory kernel must never see an SA or
// policy deleted that it does not hold or added twice, nor refuse a migration.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"
#include "tests/fuzz/datagram_mutations.hpp"
#include "tests/fuzz/effect_dump.hpp"

namespace {

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

constexpr std::size_t kMaxOps = 96;
constexpr std::size_t kMaxPending = 64;

// Every datagram the peers sent and the fuzzer has not yet delivered or dropped.
struct Wire {
    Network network;  // the harness's sink: drained into `pending` after every call
    std::vector<Datagram> pending;
    Time now{};
    bool nat = false;  // a NAT in front of alice (set_nat)

    void drain() {
        while (auto d = network.pop_due(Time::max())) {
            if (pending.size() < kMaxPending) pending.push_back(std::move(*d));
        }
    }
};

// Remote access (RFC 7296 3.15): bob a gateway leasing from a two-address pool (exhaustion,
// release and re-lease under reordering, reloads), alice a road warrior asking for a virtual
// IP. As --check requires, a gateway's children wait for the peer.
void remote_access(policy::Config& c, bool gateway) {
    auto& conn = c.connections.front();
    if (gateway) {
        conn.remote.subnets.clear();
        for (auto& child : conn.children) {
            child.remote_subnets.clear();
            child.start = policy::Start::none;
        }
        conn.pools = {"office"};
        c.pools.push_back({"office", *net::Address::parse("10.3.0.1"), *net::Address::parse("10.3.0.2"),
                           {*net::Address::parse("10.1.0.53")}, {"corp.example"}});
    } else {
        conn.local.subnets.clear();
        for (auto& child : conn.children) child.local_subnets.clear();
        conn.vips = {net::Family::v4};
    }
}

policy::Config variant_config(FuzzedDataProvider& in, const Side& local, const Side& remote) {
    policy::Config c = site_config(local, remote);
    switch (in.ConsumeIntegralInRange(0, 4)) {
        case 1: set_ike_proposal(c, "aes128-sha256-modp2048"); break;
        case 2: set_child_proposal(c, "aes128gcm16-x25519"); break;  // PFS in CREATE_CHILD_SA
        case 3: c.connections.front().children.front().start = policy::Start::trap; break;
        case 4: remote_access(c, &local == &kBob); break;
        default: break;
    }
    return c;
}

policy::Config any_peer(policy::Config c) {
    c.connections.front().remote.host = "%any";
    c.connections.front().remote.address.reset();
    return c;
}

Peer& pick(FuzzedDataProvider& in, Peer& a, Peer& b) { return in.ConsumeBool() ? a : b; }
Peer& other(Peer& p, Peer& a, Peer& b) { return &p == &a ? b : a; }

void tick_due(Peer& p, Wire& w) {
    for (int i = 0; i < 8; ++i) {  // a Tick may arm a timer that is already due
        auto due = p.engine().next_wakeup();
        if (!due || *due > w.now) return;
        p.handle(w.now, Tick{}, w.network);
    }
}

void deliver(Peer& to, Datagram d, Wire& w) {
    to.handle(w.now, DatagramIn{d.to, d.from, std::move(d.bytes)}, w.network);
}

Peer& receiver(const Datagram& d, Peer& a, Peer& b) { return d.to.address == a.endpoint().address ? a : b; }

// A forged datagram for `to`: random bytes, or the header of the last real datagram sent
// to it (its SPIs and message ID) followed by a random body.
Datagram forge(FuzzedDataProvider& in, Peer& to, Peer& from, const Datagram* last) {
    Datagram d{from.endpoint(), to.endpoint(), {}};
    if (in.ConsumeBool()) d.from.port = 4500, d.to.port = 4500;
    d.bytes = fuzz::forged_bytes(in, last ? &last->bytes : nullptr);
    return d;
}

// The kernel told a peer that one of its SAs expired; a hard expiry means the kernel
// already removed it.
void expire(FuzzedDataProvider& in, Peer& p, Wire& w) {
    const auto& sas = p.kernel().sas();
    xfrm::Expire e;
    e.hard = in.ConsumeBool();
    if (sas.empty() || in.ConsumeIntegralInRange(0, 7) == 0) {
        e.sa = {p.endpoint().address, in.ConsumeIntegral<std::uint32_t>(), xfrm::Proto::esp, std::nullopt};
    } else {
        auto it = sas.begin();
        std::advance(it, in.ConsumeIntegralInRange<std::size_t>(0, sas.size() - 1));
        e.sa = it->first;
        e.src = it->second.src;
        e.reqid = it->second.reqid;
        if (e.hard) (void)p.kernel().delete_sa(e.sa);
    }
    p.handle(w.now, KernelExpire{e}, w.network);
}

void acquire(Peer& p, Peer& peer, Wire& w) {
    xfrm::Acquire a;
    for (const auto& [id, policy] : p.kernel().policies()) {
        if (policy.templates.empty()) continue;
        a.selector = policy.selector;
        a.reqid = policy.templates.front().reqid;
        break;
    }
    a.src = p.endpoint().address;
    a.dst = peer.endpoint().address;
    p.handle(w.now, KernelAcquire{a}, w.network);
}

// A PeerAuthenticated `p` emitted, handed back to it as another shard's (the daemon hands
// it to the other shards), naming one of its own IKE SAs or another.
void elsewhere(FuzzedDataProvider& in, Peer& p, Wire& w) {
    const PeerAuthenticated* last = nullptr;
    for (const auto& e : p.history())
        if (const auto* a = std::get_if<PeerAuthenticated>(&e)) last = a;
    if (!last) return;
    PeerAuthenticated what = *last;
    what.initial_contact = in.ConsumeBool();
    if (in.ConsumeBool()) what.ike_spi = in.ConsumeIntegral<std::uint64_t>();
    p.handle(w.now, PeerAuthenticatedElsewhere{what}, w.network);
}

void run(FuzzedDataProvider& in) {
    EngineOptions options;
    options.cookie_threshold = in.ConsumeBool() ? 0 : 64;
    options.fragment_size = in.ConsumeBool() ? 1280 : 300;
    options.retransmit.max_retransmits = in.ConsumeIntegralInRange(0u, 5u);
    options.shard.count = in.ConsumeIntegralInRange(1u, 4u);
    options.shard.index = in.ConsumeIntegralInRange(0u, options.shard.count - 1);
    Peer alice("alice", {*net::Address::parse(kAlice.address), 500}, variant_config(in, kAlice, kBob), 1, options);
    Peer bob("bob", {*net::Address::parse(kBob.address), 500}, variant_config(in, kBob, kAlice), 2, options);
    Wire w;
    alice.start(w.now, w.network);
    bob.start(w.now, w.network);
    alice.handle(w.now, AdminUp{"site"}, w.network);
    w.drain();
    std::optional<Datagram> last_to[2];  // the last real datagram to alice, to bob

    for (std::size_t op = 0; op < kMaxOps && in.remaining_bytes() > 0; ++op) {
        const auto code = in.ConsumeIntegralInRange(0, 12);
        const bool have = !w.pending.empty();
        const std::size_t k = have ? in.ConsumeIntegralInRange<std::size_t>(0, w.pending.size() - 1) : 0;
        switch (code) {
            case 0: case 1: case 2:  // deliver one (any order)
                if (!have) break;
                {
                    Datagram d = std::move(w.pending[k]);
                    w.pending.erase(w.pending.begin() + static_cast<std::ptrdiff_t>(k));
                    Peer& to = receiver(d, alice, bob);
                    last_to[&to == &bob] = d;
                    deliver(to, std::move(d), w);
                }
                break;
            case 3:  // replay one, keeping it in flight
                if (have) deliver(receiver(w.pending[k], alice, bob), w.pending[k], w);
                break;
            case 4:  // drop one
                if (have) w.pending.erase(w.pending.begin() + static_cast<std::ptrdiff_t>(k));
                break;
            case 5:  // corrupt one in flight
                if (have) fuzz::corrupt(in, w.pending[k].bytes);
                break;
            case 6: {  // a forged datagram
                Peer& to = pick(in, alice, bob);
                const auto& last = last_to[&to == &bob];
                deliver(to, forge(in, to, other(to, alice, bob), last ? &*last : nullptr), w);
                break;
            }
            case 7:  // time passes: retransmits, DPD, rekeys, expiries, half-open timeouts
                w.now += Duration{in.ConsumeIntegralInRange<std::int64_t>(0, 4 * 3600 * 1000)};
                tick_due(alice, w);
                tick_due(bob, w);
                break;
            case 8: {  // operator
                Peer& p = pick(in, alice, bob);
                const char* name = in.ConsumeIntegralInRange(0, 7) == 0 ? "nonexistent" : "site";
                if (in.ConsumeBool()) p.handle(w.now, AdminUp{name}, w.network);
                else p.handle(w.now, AdminDown{name}, w.network);
                break;
            }
            case 9: {  // the kernel, or the NAT
                Peer& p = pick(in, alice, bob);
                switch (in.ConsumeIntegralInRange(0, 4)) {
                    case 0: expire(in, p, w); break;
                    case 1: acquire(p, other(p, alice, bob), w); break;
                    case 2: {  // inbound SPIs run out (a few left, or none), or come back
                        const auto left = in.ConsumeIntegralInRange<std::uint32_t>(0, 3);
                        if (in.ConsumeBool()) p.limit_spis(0x100, 0x100 + left);
                        else p.limit_spis(0x100, 0xffffffff);
                        break;
                    }
                    case 3: {  // a NAT comes in front of alice (bob then accepts any peer), or maps her anew (2.23)
                        if (!w.nat) bob.reconfigure(w.now, any_peer(variant_config(in, kBob, kAlice)), w.network);
                        w.nat = true;
                        const auto host = in.ConsumeIntegralInRange(1, 4);
                        const auto shift = static_cast<std::uint16_t>(in.ConsumeIntegralInRange(0, 3) * 1000);
                        w.network.set_nat(alice.endpoint().address,
                                          *net::Address::parse("198.51.100." + std::to_string(host)), shift);
                        break;
                    }
                    default:
                        p.handle(w.now, KernelFailed{"site", in.ConsumeIntegral<std::uint64_t>(), "fuzz"}, w.network);
                }
                break;
            }
            case 10: {  // reload with a possibly different configuration
                Peer& p = pick(in, alice, bob);
                const bool is_alice = &p == &alice;
                p.reconfigure(w.now, variant_config(in, is_alice ? kAlice : kBob, is_alice ? kBob : kAlice), w.network);
                break;
            }
            case 11:  // another shard authenticated a peer: one a peer announced, some SPI of ours or not
                elsewhere(in, pick(in, alice, bob), w);
                break;
            default:  // a read of the state the bus would publish
                (void)pick(in, alice, bob).engine().status();
        }
        w.drain();
        if (alice.kernel_errors() || bob.kernel_errors()) {
            std::fprintf(stderr, "a kernel change was refused after op %zu (code %d)\n", op, code);
            fuzz::dump("alice", alice.history());
            fuzz::dump("bob", bob.history());
            __builtin_trap();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    run(in);
    return 0;
}
