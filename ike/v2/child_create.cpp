// CREATE_CHILD_SA for CHILD SAs (RFC 7296 1.3.1 new, 1.3.3 rekey), with or without PFS,
// and the simultaneous-rekey rule of 2.8.1. A rekey is make-before-break: the new SAs go
// into the kernel under the old reqid (policies untouched), then the old SAs are deleted.
#include <algorithm>

#include "ike/v2/child_negotiation.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/protection.hpp"
#include "ike/v2/sa_payload.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

namespace {

constexpr std::size_t kNonceSize = 32;

ChildSa* find_child(IkeSa& sa, std::uint32_t spi_in) {
    for (auto& c : sa.children)
        if (c.spi_in == spi_in) return &c;
    return nullptr;
}

ChildSa* find_by_peer_spi(IkeSa& sa, std::uint32_t spi_out) {
    for (auto& c : sa.children)
        if (c.spi_out == spi_out && c.state == ChildState::installed) return &c;
    return nullptr;
}

const base::Bytes& lowest(std::initializer_list<const base::Bytes*> nonces) {
    return **std::min_element(nonces.begin(), nonces.end(), [](auto* a, auto* b) { return *a < *b; });
}

}  // namespace

void send_create_child(Core& core, IkeSa& sa, const policy::Child& config, const ChildSa* old) {
    ChildRequest r;
    r.config = &config;
    r.rekeyed_spi_in = old ? old->spi_in : 0;
    r.reqid = old ? old->reqid : 0;
    r.spi_in = core.new_child_spi();
    r.ni = core.random_bytes(kNonceSize);
    r.offer = child_offer(config, r.spi_in, true);
    const auto group = policy::preferred_ke(config.proposals);
    if (group && *group != KeGroup::none) {
        auto ke = crypto::KeyExchange::create(*group, core.rng);
        if (!ke) {
            core.log(LogLevel::error, &sa, "CHILD SA " + config.name + ": " + ke.error().message);
            return;
        }
        r.ke = std::move(*ke);
    }
    Payloads p;
    // 1.3.3: REKEY_SA names the SA being replaced by the SPI we receive on.
    if (old) p.push_back(wire::Notify{static_cast<std::uint8_t>(ProtocolId::esp), be32(old->spi_in),
                                      wire::notify::rekey_sa, {}});
    if (config.mode == policy::Mode::transport) p.push_back(notify(wire::notify::use_transport_mode));
    p.push_back(to_wire(r.offer));
    p.push_back(wire::Nonce{r.ni});
    if (r.ke) p.push_back(wire::KeyExchange{r.ke->group(), r.ke->public_value()});
    p.push_back(wire::TsI{to_selectors(old ? old->local_ts : config.local_subnets)});
    p.push_back(wire::TsR{to_selectors(old ? old->remote_ts : config.remote_subnets)});
    core.log(LogLevel::info, &sa, (old ? "rekeying CHILD SA " : "creating CHILD SA ") + config.name);
    sa.child_request = std::move(r);
    send_request(core, sa, Request::create_child, wire::ExchangeType::create_child_sa, p);
}

void respond_create_child(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    auto answer = [&](Payloads reply) {
        send_response(core, sa, wire::ExchangeType::create_child_sa, message_id, reply);
    };
    const auto* nonce = find<wire::Nonce>(request);
    if (sa.state != IkeState::established || !nonce || nonce->data.size() < 16) {
        answer({notify(wire::notify::invalid_syntax)});
        return;
    }
    // 1.3.2: an SA payload for protocol IKE rekeys the IKE SA itself.
    if (const auto* p = find<wire::SecurityAssociation>(request);
        p && !p->proposals.empty() && p->proposals.front().protocol == ProtocolId::ike) {
        respond_ike_rekey(core, sa, message_id, request);
        return;
    }
    ChildExchange exchange;
    base::Bytes nr = core.random_bytes(kNonceSize);
    exchange.ni = nonce->data;
    exchange.nr = nr;
    exchange.allow_ke = true;
    ChildSa* old = nullptr;
    if (const auto* rekey = find_notify(request, wire::notify::rekey_sa)) {
        old = find_by_peer_spi(sa, read_be32(rekey->spi));
        if (!old) {
            answer({notify(wire::notify::child_sa_not_found)});
            return;
        }
        exchange.only = old->config;
        exchange.reqid = old->reqid;
    }
    Payloads reply;
    if (auto refused = accept_child(core, sa, request, exchange, &nr, reply)) {
        answer({std::move(*refused)});
        return;
    }
    if (old) {
        old = find_by_peer_spi(sa, read_be32(find_notify(request, wire::notify::rekey_sa)->spi));
        // 2.8.1: our own rekey of the same child is in flight; remember theirs to decide
        // which of the two new SAs survives when ours completes.
        if (sa.child_request && sa.child_request->rekeyed_spi_in == old->spi_in)
            old->peer_rekey = ChildSa::PeerRekey{nonce->data, nr, sa.children.back().spi_in};
    }
    answer(std::move(reply));
    core.publish(sa);
}

void process_create_child_response(Core& core, IkeSa& sa, const Payloads& response) {
    if (!sa.child_request) return;
    ChildRequest r = std::move(*sa.child_request);
    sa.child_request.reset();
    const auto* nonce = find<wire::Nonce>(response);
    const base::Bytes nr = nonce ? nonce->data : base::Bytes{};
    ChildExchange exchange{r.ni, nr, r.config, r.reqid, true};
    auto installed = nonce ? complete_child(core, sa, *r.config, r.spi_in, r.offer, response, exchange, r.ke.get())
                           : base::Result<std::uint32_t>(base::fail("response lacks a nonce"));
    ChildSa* old = r.rekeyed_spi_in ? find_child(sa, r.rekeyed_spi_in) : nullptr;
    if (!installed) {
        core.log(LogLevel::warning, &sa, "CHILD SA " + r.config->name + " " + installed.error().message);
        if (old) old->rekey_wanted = false;  // the kernel's hard expiry ends it
        return;
    }
    core.publish(sa);
    if (!old || old->state != ChildState::installed) return;
    // 2.8.1: of two rekeys that crossed, the one with the lowest of the four nonces is
    // redundant and deleted by its initiator; the survivor's initiator deletes the old SA.
    if (old->peer_rekey &&
        lowest({&r.ni, &nr, &old->peer_rekey->ni, &old->peer_rekey->nr}) == std::min(r.ni, nr)) {
        core.log(LogLevel::info, &sa, "CHILD SA " + r.config->name + " rekey collision: ours is redundant");
        enter_state(core, sa, *old, ChildState::rekeyed);
        if (ChildSa* ours = find_child(sa, *installed)) send_delete_child(core, sa, *ours);
        return;
    }
    if (old->peer_rekey) {
        // The peer deletes its redundant SA; we delete the old one.
        core.log(LogLevel::info, &sa, "CHILD SA " + r.config->name + " rekey collision: ours survives");
    }
    send_delete_child(core, sa, *old);
}

}  // namespace ike::v2
