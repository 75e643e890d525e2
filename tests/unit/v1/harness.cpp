#include "tests/unit/v1/harness.hpp"

#include <algorithm>

#include "ike/engine/removal_order.hpp"
#include "tests/unit/v2/configs.hpp"

namespace ike::v1::test {

namespace {

// The IKEv2 engine's inbound SPIs come from the peer's in-memory kernel, as from the daemon's.
v2::EngineOptions v2_options(xfrm::MemoryKernel& kernel) {
    v2::EngineOptions o;
    o.allocate_spi = [&kernel](const net::Address& src, const net::Address& dst, xfrm::Proto proto) {
        return kernel.alloc_spi(src, dst, proto, 0, 0xc0000000u, 0xcfffffffu);
    };
    return o;
}

}  // namespace

Peer::Peer(net::Endpoint endpoint, policy::Config config, std::uint64_t seed, EngineOptions options)
    : endpoint_(endpoint),
      rng_(seed),
      engine_(std::make_unique<engine::Engines>(std::move(config), rng_, v2_options(kernel_), options)) {}

void Peer::handle(Time now, const Event& event, Network& network) { apply(now, engine_->handle(now, event), network); }

void Peer::start(Time now, Network& network) { apply(now, engine_->start(now), network); }

void Peer::reconfigure(Time now, policy::Config config, Network& network) {
    apply(now, engine_->reconfigure(now, std::move(config)), network);
}

// In the daemon's order (removals_after_published_state), policies through its ledger.
void Peer::apply(Time now, const Effects& effects, Network& network) {
    const xfrm::Kernel::Done count = [this](const xfrm::Status& st) { kernel_errors_ += st ? 0 : 1; };
    for (const auto& e : engine::removals_after_published_state(effects)) {
        if (const auto* d = std::get_if<engine::SendDatagram>(&e)) network.send({d->local, d->remote, d->bytes}, now);
        else if (const auto* a = std::get_if<engine::AddSa>(&e)) count(a->larval ? xfrm::complete_larval(kernel_, a->sa) : kernel_.add_sa(a->sa));
        else if (const auto* del = std::get_if<engine::DeleteSa>(&e)) count(kernel_.delete_sa(del->id));
        else if (apply_policy(e, count) && policy_changed_) policy_changed_();
    }
    history_.insert(history_.end(), effects.begin(), effects.end());
}

bool Peer::apply_policy(const engine::Effect& e, const xfrm::Kernel::Done& count) {
    if (const auto* a = std::get_if<engine::AddPolicy>(&e)) policies_.want(a->owner.engine, a->policy, false, count);
    else if (const auto* u = std::get_if<engine::UpdatePolicy>(&e)) policies_.want(u->owner.engine, u->policy, true, count);
    else if (const auto* d = std::get_if<engine::DeletePolicy>(&e)) policies_.drop(d->owner.engine, d->id, count);
    else return false;
    return true;
}

engine::ConnectionStatus Peer::connection(const std::string& name) const {
    for (auto& c : engine_->status())
        if (c.name == name) return c;
    return {};
}

bool Peer::logged(const std::string& text) const { return times_logged(text) > 0; }

unsigned Peer::times_logged(const std::string& text) const {
    return static_cast<unsigned>(std::count_if(history_.begin(), history_.end(), [&](const engine::Effect& e) {
        const auto* l = std::get_if<engine::Log>(&e);
        return l && l->message.find(text) != std::string::npos;
    }));
}

unsigned Peer::sent(wire::v1::ExchangeType exchange) const {
    return static_cast<unsigned>(std::count_if(history_.begin(), history_.end(), [exchange](const engine::Effect& e) {
        const auto* d = std::get_if<engine::SendDatagram>(&e);
        return d && d->bytes.size() > 18 && d->bytes[18] == static_cast<std::uint8_t>(exchange);  // RFC 2408 3.1
    }));
}

Pair::Pair(policy::Config alice, policy::Config bob, EngineOptions options)
    : alice_({*net::Address::parse("192.0.2.1"), 500}, std::move(alice), 1, options),
      bob_({*net::Address::parse("192.0.2.2"), 500}, std::move(bob), 2, options) {}

void Pair::handle(Peer& peer, const Event& event) {
    peer.handle(now_, event, network_);
    if (watch_) watch_();
}

void Pair::up(Peer& peer, const std::string& connection) { handle(peer, engine::AdminUp{connection}); }

void Pair::down(Peer& peer, const std::string& connection) { handle(peer, engine::AdminDown{connection}); }

void Pair::reconfigure(Peer& peer, policy::Config config) {
    peer.reconfigure(now_, std::move(config), network_);
    if (watch_) watch_();
}

void Pair::expire(Peer& peer, std::uint32_t spi_in, std::uint32_t reqid, bool hard) {
    xfrm::Expire e;
    e.sa = {peer.endpoint().address, spi_in, xfrm::Proto::esp, std::nullopt};
    e.reqid = reqid;
    e.hard = hard;
    if (hard) (void)peer.kernel().delete_sa(e.sa);  // the kernel removed it, then says so
    handle(peer, engine::KernelExpire{e});
}

void Pair::run() { advance(std::chrono::minutes(10)); }

void Pair::advance(engine::Duration d) {
    const Time until = now_ + d;  // step_until moves now_ to each event on the way
    step_until(until);
    now_ = until;
}

Peer& Pair::peer_at(const net::Endpoint& e) { return e.address == alice_.endpoint().address ? alice_ : bob_; }

void Pair::step_until(Time until) {
    for (;;) {
        std::optional<Time> next = network_.next_delivery();
        for (Peer* p : {&alice_, &bob_})
            if (auto w = p->engine().next_wakeup(); w && (!next || *w < *next)) next = w;
        if (!next || *next > until) break;
        now_ = std::max(now_, *next);
        if (auto d = network_.pop_due(now_)) {
            handle(peer_at(d->to), engine::DatagramIn{d->to, d->from, std::move(d->bytes)});
            continue;
        }
        for (Peer* p : {&alice_, &bob_})
            if (auto w = p->engine().next_wakeup(); w && *w <= now_) handle(*p, engine::Tick{});
    }
}

policy::Config v1_site(bool alice_side, const std::string& ike_proposal, const std::string& psk) {
    auto config = alice_side ? v2::test::site_config(v2::test::kAlice, v2::test::kBob, psk)
                             : v2::test::site_config(v2::test::kBob, v2::test::kAlice, psk);
    v2::test::set_ike_proposal(config, ike_proposal);
    for (auto& c : config.connections) c.version = 1;
    return config;
}

}  // namespace ike::v1::test
