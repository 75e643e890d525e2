#include "ike/engine/engines.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

#include "ike/engine/policy_handover.hpp"

namespace ike::engine {

namespace {

// RFC 2408 3.1 and RFC 7296 3.1 put the major version in the high nibble of octet 17 of the
// header, at the same place; a datagram too short to carry it is IKEv2's to reject.
bool is_ikev1(const DatagramIn& d) { return d.bytes.size() > 17 && (d.bytes[17] >> 4) == 1; }

void append(Effects& to, Effects more) {
    if (to.empty()) to = std::move(more);
    else to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

// The IKEv1 engine's policy effects carry it as their owner (KernelOwner::engine).
Effects from_v1(Effects effects) {
    for (auto& e : effects)
        std::visit(
            [](auto& fx) {
                using T = std::decay_t<decltype(fx)>;
                if constexpr (std::is_same_v<T, AddPolicy> || std::is_same_v<T, UpdatePolicy> ||
                              std::is_same_v<T, DeletePolicy>)
                    fx.owner.engine = kIkev1Engine;
            },
            e);
    return effects;
}

}  // namespace

Engines::Engines(policy::Config config, crypto::Rng& rng, v2::EngineOptions v2_options, v1::EngineOptions v1_options) {
    note_versions(config);
    v1_ = std::make_unique<v1::Engine>(config, rng, std::move(v1_options));
    v2_ = std::make_unique<v2::Engine>(std::move(config), rng, std::move(v2_options));
}

Engines::~Engines() = default;

void Engines::note_versions(const policy::Config& config) {
    v1_connections_.clear();
    for (const auto& c : config.connections)
        if (c.version == 1) v1_connections_.insert(c.name);
}

Engine& Engines::engine_of(const std::string& connection) {
    if (v1_connections_.contains(connection)) return *v1_;
    return *v2_;
}

Engine& Engines::engine_for(const Event& event) {
    return std::visit(
        [this](const auto& e) -> Engine& {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, DatagramIn>) return is_ikev1(e) ? static_cast<Engine&>(*v1_) : *v2_;
            else if constexpr (std::is_same_v<E, AdminUp> || std::is_same_v<E, AdminDown> ||
                               std::is_same_v<E, KernelFailed>)
                return engine_of(e.connection);
            else if constexpr (std::is_same_v<E, KernelAcquire>) return v1::is_v1_reqid(e.acquire.reqid) ? static_cast<Engine&>(*v1_) : *v2_;
            else if constexpr (std::is_same_v<E, KernelExpire>) return v1::is_v1_reqid(e.expire.reqid) ? static_cast<Engine&>(*v1_) : *v2_;
            else return *v2_;  // HostResolved, PeerAuthenticatedElsewhere; a Tick goes to both (handle)
        },
        event);
}

Effects Engines::start(Time now) {
    Effects out = v2_->start(now);
    append(out, from_v1(v1_->start(now)));
    return out;
}

Effects Engines::handle(Time now, const Event& event) {
    if (!std::holds_alternative<Tick>(event)) {
        Engine& engine = engine_for(event);
        return &engine == v1_.get() ? from_v1(engine.handle(now, event)) : engine.handle(now, event);
    }
    Effects out = v2_->handle(now, event);
    append(out, from_v1(v1_->handle(now, event)));
    return out;
}

Effects Engines::reconfigure(Time now, policy::Config next) {
    // A connection whose version changes moves from one engine to the other: both see it
    // removed first, so that the kernel state the one took out is gone before the other
    // adds the new (the same policies, by selector). One the operator's Up had up or
    // connecting is brought up again by the other, as a change within one version does.
    auto moves = [this](const policy::Connection& c) {
        return c.version == 1 ? !v1_connections_.contains(c.name) && v2_->status(c.name).has_value()
                              : v1_connections_.contains(c.name);
    };
    std::set<std::string> up_to_v1, up_to_v2;  // moving connections an operator's Up had up
    for (const auto& c : next.connections)
        if (moves(c) && (c.version == 1 ? v2_->operator_has_up(c.name) : v1_->operator_has_up(c.name)))
            (c.version == 1 ? up_to_v1 : up_to_v2).insert(c.name);
    Effects out;
    if (std::any_of(next.connections.begin(), next.connections.end(), moves)) {
        policy::Config without = next;
        std::erase_if(without.connections, moves);
        append(out, from_v1(v1_->reconfigure(now, without)));
        append(out, v2_->reconfigure(now, std::move(without)));
    }
    note_versions(next);
    append(out, from_v1(v1_->reconfigure(now, next, up_to_v1)));
    append(out, v2_->reconfigure(now, std::move(next), up_to_v2));
    // Across the engines too: a connection moving to the other version keeps its policies
    // (the other engine's deletions go last: the policy ledger keeps the new wishes).
    return hand_over_policies(std::move(out));
}

std::vector<ConnectionStatus> Engines::status() const {
    auto out = v2_->status();
    auto v1 = v1_->status();
    out.insert(out.end(), std::make_move_iterator(v1.begin()), std::make_move_iterator(v1.end()));
    return out;
}

std::optional<ConnectionStatus> Engines::status(const std::string& connection) const {
    if (v1_connections_.contains(connection)) return v1_->status(connection);
    return v2_->status(connection);
}

std::optional<Time> Engines::next_wakeup() const {
    auto a = v2_->next_wakeup();
    auto b = v1_->next_wakeup();
    if (!a) return b;
    if (!b) return a;
    return std::min(*a, *b);
}

void Engines::set_credentials(const Credentials* credentials) {
    v2_->set_credentials(credentials);
    v1_->set_credentials(credentials);
}

}  // namespace ike::engine
