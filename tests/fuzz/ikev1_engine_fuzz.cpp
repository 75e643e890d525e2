// libFuzzer target: the IKEv1 state machine (ike/v1), like engine_fuzz.cpp for IKEv2. Two
// engines (alice initiates "site", bob responds) exchange their real datagrams, and the input
// decides which is delivered next, dropped, replayed or corrupted, forged datagrams (random
// bytes, or random bodies behind the last real ISAKMP header so they reach an SA's own
// handler), clock jumps that fire retransmits, DPD, Quick Mode rekeys and ISAKMP SA renewals,
// kernel expiries and acquires (start: trap), and admin Up/Down. The engine must never crash or trip a sanitizer, and an
// in-memory kernel fed its effects must never see an SA or policy added twice or deleted
// when it is not there.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <vector>

#include "tests/fuzz/datagram_mutations.hpp"
#include "tests/fuzz/effect_dump.hpp"
#include "tests/unit/v1/harness.hpp"
#include "xfrm/memory_kernel.hpp"

namespace {

using namespace ike;
using namespace ike::v1;
using ike::v2::test::Datagram;

constexpr std::size_t kMaxOps = 96;
constexpr std::size_t kMaxPending = 64;

// One engine and the kernel its effects are applied to.
struct Side {
    Side(const char* address, policy::Config config, std::uint64_t seed, EngineOptions options)
        : peer({*net::Address::parse(address), 500}, std::move(config), seed, options) {}

    test::Peer peer;
    xfrm::MemoryKernel kernel;
    std::size_t applied = 0;  // effects of peer.history() already applied
    unsigned refused = 0;

    void apply() {
        const auto& h = peer.history();
        for (; applied < h.size(); ++applied) {
            const auto& e = h[applied];
            xfrm::Status st;
            if (const auto* a = std::get_if<engine::AddSa>(&e)) st = kernel.add_sa(a->sa);
            else if (const auto* u = std::get_if<engine::UpdateSa>(&e)) st = kernel.update_sa(u->sa);
            else if (const auto* d = std::get_if<engine::DeleteSa>(&e)) st = kernel.delete_sa(d->id);
            else if (const auto* ap = std::get_if<engine::AddPolicy>(&e)) st = kernel.add_policy(ap->policy);
            else if (const auto* up = std::get_if<engine::UpdatePolicy>(&e)) st = kernel.update_policy(up->policy);
            else if (const auto* dp = std::get_if<engine::DeletePolicy>(&e)) st = kernel.delete_policy(dp->id);
            if (!st) {
                std::fprintf(stderr, "%s refused: %s\n", name(), st.error().message.c_str());
                ++refused;
            }
        }
    }
    const char* name() const { return peer.endpoint().address.str() == "192.0.2.1" ? "alice" : "bob"; }
};

struct Wire {
    v2::test::Network network;
    std::vector<Datagram> pending;
    Time now{std::chrono::hours(1)};

    void drain() {
        while (auto d = network.pop_due(Time::max()))
            if (pending.size() < kMaxPending) pending.push_back(std::move(*d));
    }
};

policy::Config variant_config(FuzzedDataProvider& in, bool alice_side) {
    static const char* const kIke[] = {"aes128-sha256-x25519", "aes256-sha384-ecp384", "aes128-sha256-modp2048"};
    auto c = test::v1_site(alice_side, kIke[in.ConsumeIntegralInRange(0, 2)]);
    auto& conn = c.connections.front();
    if (in.ConsumeBool()) conn.ike.lifetime = policy::Seconds{in.ConsumeIntegralInRange(30, 600)};
    if (in.ConsumeBool()) conn.ike.dpd = policy::Seconds{in.ConsumeIntegralInRange(0, 60)};
    if (in.ConsumeBool()) conn.children.front().lifetime = policy::Seconds{in.ConsumeIntegralInRange(30, 600)};
    if (in.ConsumeBool()) {  // fail closed: guarding policies, attempts with back-off, or a trap
        static const policy::CloseAction kClose[] = {policy::CloseAction::restart, policy::CloseAction::trap,
                                                     policy::CloseAction::clear};
        conn.children.front().start = in.ConsumeBool() ? policy::Start::trap : policy::Start::up;
        conn.children.front().close_action = kClose[in.ConsumeIntegralInRange(0, 2)];
    }
    if (in.ConsumeBool()) {  // AH (RFC 2407 4.4.3), with or without PFS
        static const char* const kAh[] = {"sha256", "sha384-sha512-modp2048"};
        auto& child = conn.children.front();
        child.protocol = ProtocolId::ah;
        child.proposals = {*policy::parse_proposal(kAh[in.ConsumeIntegralInRange(0, 1)], ProtocolId::ah)};
    }
    return c;
}

void handle(Side& s, Wire& w, const Event& e) {
    s.peer.handle(w.now, e, w.network);
    s.apply();
}

void tick_due(Side& s, Wire& w) {
    for (int i = 0; i < 8; ++i) {  // a Tick may arm a timer that is already due
        auto due = s.peer.engine().next_wakeup();
        if (!due || *due > w.now) return;
        handle(s, w, engine::Tick{});
    }
}

Side& receiver(const Datagram& d, Side& a, Side& b) { return d.to.address == a.peer.endpoint().address ? a : b; }

Datagram forge(FuzzedDataProvider& in, Side& to, Side& from, const Datagram* last) {
    Datagram d{from.peer.endpoint(), to.peer.endpoint(), {}};
    d.bytes = fuzz::forged_bytes(in, last ? &last->bytes : nullptr);
    return d;
}

// The kernel tells a side that one of its SAs (or an unknown SPI) expired; a hard expiry
// means the kernel already removed it.
void expire(FuzzedDataProvider& in, Side& s, Wire& w) {
    const auto& sas = s.kernel.sas();
    xfrm::Expire e;
    e.hard = in.ConsumeBool();
    if (sas.empty() || in.ConsumeIntegralInRange(0, 7) == 0) {
        e.sa = {s.peer.endpoint().address, in.ConsumeIntegral<std::uint32_t>(), xfrm::Proto::esp, std::nullopt};
        e.reqid = in.ConsumeIntegral<std::uint32_t>();
    } else {
        auto it = sas.begin();
        std::advance(it, in.ConsumeIntegralInRange<std::size_t>(0, sas.size() - 1));
        e.sa = it->first;
        e.src = it->second.src;
        e.reqid = it->second.reqid;
        if (e.hard) (void)s.kernel.delete_sa(e.sa);
    }
    handle(s, w, engine::KernelExpire{e});
}

// A packet hits one of the side's policies (or the kernel names an unknown reqid).
void acquire(FuzzedDataProvider& in, Side& s, Wire& w) {
    const auto& policies = s.kernel.policies();
    xfrm::Acquire a;
    if (policies.empty() || in.ConsumeIntegralInRange(0, 7) == 0) {
        a.reqid = in.ConsumeIntegral<std::uint32_t>();
    } else {
        auto it = policies.begin();
        std::advance(it, in.ConsumeIntegralInRange<std::size_t>(0, policies.size() - 1));
        if (!it->second.templates.empty()) a.reqid = it->second.templates.front().reqid;
    }
    handle(s, w, engine::KernelAcquire{a});
}

void start(Side& s, Wire& w) {
    s.peer.start(w.now, w.network);
    s.apply();
}

void run(FuzzedDataProvider& in) {
    EngineOptions options;
    options.retransmit.max_retransmits = in.ConsumeIntegralInRange(0u, 5u);
    Side alice("192.0.2.1", variant_config(in, true), 1, options);
    Side bob("192.0.2.2", variant_config(in, false), 2, options);
    Wire w;
    start(alice, w);
    start(bob, w);
    handle(alice, w, engine::AdminUp{"site"});
    w.drain();
    std::optional<Datagram> last_to[2];  // the last real datagram to alice, to bob

    for (std::size_t op = 0; op < kMaxOps && in.remaining_bytes() > 0; ++op) {
        const auto code = in.ConsumeIntegralInRange(0, 9);
        const bool have = !w.pending.empty();
        const std::size_t k = have ? in.ConsumeIntegralInRange<std::size_t>(0, w.pending.size() - 1) : 0;
        Side& side = in.ConsumeBool() ? alice : bob;
        switch (code) {
            case 0: case 1: case 2:  // deliver one (any order)
                if (!have) break;
                {
                    Datagram d = std::move(w.pending[k]);
                    w.pending.erase(w.pending.begin() + static_cast<std::ptrdiff_t>(k));
                    Side& to = receiver(d, alice, bob);
                    last_to[&to == &bob] = d;
                    handle(to, w, engine::DatagramIn{d.to, d.from, std::move(d.bytes)});
                }
                break;
            case 3:  // replay one, keeping it in flight
                if (have) {
                    const Datagram& d = w.pending[k];
                    handle(receiver(d, alice, bob), w, engine::DatagramIn{d.to, d.from, d.bytes});
                }
                break;
            case 4:  // drop one
                if (have) w.pending.erase(w.pending.begin() + static_cast<std::ptrdiff_t>(k));
                break;
            case 5:  // corrupt one in flight
                if (have) fuzz::corrupt(in, w.pending[k].bytes);
                break;
            case 6: {  // a forged datagram
                Side& from = &side == &alice ? bob : alice;
                const auto& last = last_to[&side == &bob];
                Datagram d = forge(in, side, from, last ? &*last : nullptr);
                handle(side, w, engine::DatagramIn{d.to, d.from, std::move(d.bytes)});
                break;
            }
            case 7:  // time passes: retransmits, DPD, rekeys, renewals, half-open timeouts
                w.now += engine::Duration{in.ConsumeIntegralInRange<std::int64_t>(0, 2 * 3600 * 1000)};
                tick_due(alice, w);
                tick_due(bob, w);
                break;
            case 8:  // operator
                if (in.ConsumeBool()) handle(side, w, engine::AdminUp{in.ConsumeBool() ? "site" : "nonexistent"});
                else handle(side, w, engine::AdminDown{"site"});
                break;
            default:
                switch (in.ConsumeIntegralInRange(0, 2)) {
                    case 0: expire(in, side, w); break;
                    case 1: acquire(in, side, w); break;
                    default: (void)side.peer.engine().status();
                }
        }
        w.drain();
        if (alice.refused || bob.refused) {
            std::fprintf(stderr, "a kernel change was refused after op %zu (code %d)\n", op, code);
            fuzz::dump("alice", alice.peer.history());
            fuzz::dump("bob", bob.peer.history());
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
