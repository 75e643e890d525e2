#include "tests/unit/v2/harness.hpp"

#include <cstdio>

#include <algorithm>
#include <type_traits>

namespace ike::v2::test {

namespace {
net::Endpoint at(const char* address) { return {*net::Address::parse(address), 500}; }

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

// Each peer's kernel hands out SPIs from its own point, so that one peer's SPIs never
// equal the other's by construction (a test mixing up inbound and outbound SPIs fails).
static std::uint32_t first_spi(std::uint64_t seed) { return static_cast<std::uint32_t>(0x100000 * (seed % 0xfff + 1)); }

Peer::Peer(std::string name, net::Endpoint endpoint, policy::Config config, std::uint64_t seed,
           EngineOptions options)
    : name_(std::move(name)), endpoint_(endpoint), rng_(seed), seed_(seed), options_(with_kernel_spis(options)),
      engine_(std::make_unique<Engine>(std::move(config), rng_, options_)), kernel_(first_spi(seed)) {}

EngineOptions Peer::with_kernel_spis(EngineOptions options) {
    if (!options.allocate_spi)
        options.allocate_spi = [this](const net::Address& src, const net::Address& dst, xfrm::Proto proto) {
            return kernel_.alloc_spi(src, dst, proto, 0, spi_range_.first, spi_range_.second);
        };
    return options;
}

void Peer::restart(policy::Config config) {
    engine_ = std::make_unique<Engine>(std::move(config), rng_, options_);
    kernel_ = xfrm::MemoryKernel{first_spi(seed_)};
}

void Peer::handle(Time now, const Event& event, Network& network) { apply(now, engine_->handle(now, event), network); }

void Peer::start(Time now, Network& network) { apply(now, engine_->start(now), network); }

void Peer::reconfigure(Time now, policy::Config config, Network& network) {
    apply(now, engine_->reconfigure(now, std::move(config)), network);
}

void Peer::apply(Time now, Effects effects, Network& network) {
    auto count = [&](const base::Status& st) {
        if (!st) std::fprintf(stderr, "%s: kernel refused: %s\n", name_.c_str(), st.error().message.c_str());
        kernel_errors_ += st ? 0 : 1;
    };
    std::vector<ResolveHost> questions;
    for (const Effect& e : effects) {
        std::visit(Overloaded{
                       [&](const SendDatagram& d) { network.send({d.local, d.remote, d.bytes}, now); },
                       [&](const AddSa& a) { count(a.larval ? xfrm::complete_larval(kernel_, a.sa) : kernel_.add_sa(a.sa)); },
                       [&](const UpdateSa& u) { count(kernel_.update_sa(u.sa)); },
                       [&](const DeleteSa& d) { count(kernel_.delete_sa(d.id)); },
                       [&](const AddPolicy& p) { count(kernel_.add_policy(p.policy)); },
                       [&](const DeletePolicy& p) { count(kernel_.delete_policy(p.id)); },
                       [&](const UpdatePolicy& p) { count(kernel_.update_policy(p.policy)); },
                       [&](const MigrateSa& m) { count(kernel_.migrate(m.migration)); },
                       [&](const ResolveHost& r) { questions.push_back(r); },
                       [](const StatePublished&) {},
                       [](const Log&) {},
                       [](const PeerAuthenticated&) {},
                   },
                   e);
    }
    history_.insert(history_.end(), std::make_move_iterator(effects.begin()),
                    std::make_move_iterator(effects.end()));
    for (const auto& q : questions) answer(now, q, network);
}

void Peer::answer(Time now, const ResolveHost& question, Network& network) {
    if (!answer_names_) return;
    HostResolved answer{question.name, {}, "Name or service not known"};
    if (auto it = hosts_.find(question.name); it != hosts_.end()) {
        answer.error.clear();
        for (const auto& a : it->second)
            if (!question.family || a.family == *question.family) answer.addresses.push_back(a);
        if (answer.addresses.empty()) answer.error = "No address associated with hostname";
    }
    handle(now, answer, network);
}

ConnectionStatus Peer::connection(const std::string& name) const {
    for (auto& c : engine_->status())
        if (c.name == name) return c;
    return ConnectionStatus{name, ConnectionState::down, {}};
}

bool Peer::logged(const std::string& text) const {
    return std::any_of(history_.begin(), history_.end(), [&](const Effect& e) {
        const auto* l = std::get_if<Log>(&e);
        return l && l->message.find(text) != std::string::npos;
    });
}

Pair::Pair(policy::Config alice, policy::Config bob, EngineOptions options, std::uint64_t alice_seed,
           std::uint64_t bob_seed, const char* alice_address, const char* bob_address)
    : alice_("alice", at(alice_address), std::move(alice), alice_seed, options),
      bob_("bob", at(bob_address), std::move(bob), bob_seed, options) {}

Pair::Pair(policy::Config alice, EngineOptions alice_options, policy::Config bob, EngineOptions bob_options,
           std::uint64_t alice_seed, std::uint64_t bob_seed)
    : alice_("alice", at("192.0.2.1"), std::move(alice), alice_seed, std::move(alice_options)),
      bob_("bob", at("192.0.2.2"), std::move(bob), bob_seed, std::move(bob_options)) {}

void Pair::soft_expire(Peer& peer, std::uint32_t spi_in) {
    xfrm::Expire e;
    e.sa = {peer.endpoint().address, spi_in, xfrm::Proto::esp, std::nullopt};
    e.hard = false;
    peer.handle(now_, KernelExpire{e}, network_);
    handled();
}

void Pair::up(Peer& peer, const std::string& connection) {
    peer.handle(now_, AdminUp{connection}, network_);
}

void Pair::down(Peer& peer, const std::string& connection) {
    peer.handle(now_, AdminDown{connection}, network_);
}

Peer& Pair::peer_at(const net::Endpoint& e) {
    return e.address == alice_.endpoint().address ? alice_ : bob_;
}

void Pair::step_until(Time until) {
    for (;;) {
        std::optional<Time> next = network_.next_delivery();
        for (Peer* p : {&alice_, &bob_})
            if (auto w = p->engine().next_wakeup(); w && (!next || *w < *next)) next = w;
        if (!next || *next > until) break;
        now_ = std::max(now_, *next);
        if (auto d = network_.pop_due(now_)) {
            peer_at(d->to).handle(now_, DatagramIn{d->to, d->from, std::move(d->bytes)}, network_);
            handled();
            continue;
        }
        for (Peer* p : {&alice_, &bob_})
            if (auto w = p->engine().next_wakeup(); w && *w <= now_) {
                p->handle(now_, Tick{}, network_);
                handled();
            }
    }
}

void Pair::run(Duration limit) {
    // Stops as soon as the network is quiet and no retransmission is pending: periodic
    // timers (rekey, DPD) are left for advance().
    const Time until = now_ + limit;
    while (network_.next_delivery() && now_ <= until) step_until(*network_.next_delivery());
}

void Pair::advance(Duration d) {
    step_until(now_ + d);
    now_ += d;
}

void omit_signature_hashes(EngineOptions& options, bool in_request) {
    options.rewrite_ike_sa_init = [in_request](bool request, std::vector<wire::Payload>& payloads) {
        if (request != in_request) return;
        std::erase_if(payloads, [](const wire::Payload& p) {
            const auto* n = std::get_if<wire::Notify>(&p);
            return n && n->type == wire::notify::signature_hash_algorithms;
        });
    };
}

void record_response_auth(EngineOptions& options, std::vector<AuthMethod>& methods) {
    options.rewrite_response = [&methods](wire::ExchangeType, std::vector<wire::Payload>& payloads) {
        for (const auto& p : payloads)
            if (const auto* auth = std::get_if<wire::Authentication>(&p)) methods.push_back(auth->method);
    };
}

}  // namespace ike::v2::test
