// CREATE_CHILD_SA for CHILD SAs (RFC 7296 1.3.1 new, 1.3.3 rekey), with or without PFS,
// the simultaneous-rekey rule of 2.8.1, and the error answers: collisions (2.25), a lost
// CHILD SA (2.25) and another PFS group (1.3, 2.7). A rekey is make-before-break: the new
// SAs go into the kernel under the old reqid (policies untouched), then the old SAs are deleted.
#include <algorithm>

#include "ike/wire/notify_data.hpp"
#include "ike/v2/child_negotiation.hpp"
#include "ike/v2/config_payload.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/protection.hpp"
#include "ike/v2/sa_payload.hpp"
#include "ike/v2/temporary_failure.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

namespace {

constexpr std::size_t kNonceSize = 32;

ChildSa* find_child(IkeSa& sa, std::uint32_t spi_in) {
    for (auto& c : sa.children)
        if (c.spi_in == spi_in) return &c;
    return nullptr;
}

// The CHILD SA a REKEY_SA names by the SPI the peer receives on, in whatever state.
ChildSa* find_by_peer_spi(IkeSa& sa, ProtocolId protocol, std::uint32_t spi_out) {
    for (auto& c : sa.children)
        if (c.spi_out == spi_out && c.config->protocol == protocol && c.state != ChildState::deleted) return &c;
    return nullptr;
}

const base::Bytes& lowest(std::initializer_list<const base::Bytes*> nonces) {
    return **std::min_element(nonces.begin(), nonces.end(), [](auto* a, auto* b) { return *a < *b; });
}

// A CREATE_CHILD_SA request for a new CHILD SA (old null), a rekey of `old` (1.3.3), or, with
// `replaces`, a new CHILD SA in place of `old`, which the peer lost (2.25). `group`: the PFS
// group the peer asked for with INVALID_KE_PAYLOAD, else our preferred one.
void send_child_request(Core& core, IkeSa& sa, const policy::Child& config, const ChildSa* old, bool replaces,
                        std::optional<KeGroup> group) {
    ChildRequest r;
    r.config = &config;
    r.rekeyed_spi_in = old ? old->spi_in : 0;
    r.replaces = replaces;
    r.reqid = old ? old->reqid : 0;
    r.ni = core.random_bytes(kNonceSize);
    if (!group) group = policy::preferred_ke(config.proposals);
    if (group && *group != KeGroup::none) {
        auto ke = crypto::KeyExchange::create(*group, core.rng);
        if (!ke) {
            core.log(LogLevel::error, &sa, "CHILD SA " + config.name + ": " + ke.error().message);
            return;
        }
        r.ke = std::move(*ke);
    }
    auto spi_in = core.reserve_spi(sa, config);
    if (!spi_in) {
        core.log(LogLevel::error, &sa, "CHILD SA " + config.name + ": " + spi_in.error().message);
        if (!old) record_child_failure(core, sa, config, FailureKind::child_failed);
        return;
    }
    r.spi_in = *spi_in;
    r.offer = child_offer(config, r.spi_in, true);
    Payloads p;
    // 1.3.3, 3.10: REKEY_SA names the SA being replaced by its protocol and the SPI we receive on.
    if (old && !replaces)
        p.push_back(wire::rekey_sa(old->config->protocol, old->spi_in));
    if (config.mode == policy::Mode::transport) p.push_back(notify(wire::notify::use_transport_mode));
    p.push_back(to_wire(r.offer));
    p.push_back(wire::Nonce{r.ni});
    if (r.ke) p.push_back(wire::KeyExchange{r.ke->group(), r.ke->public_value()});
    r.ts = old ? Selectors{old->local_ts, old->remote_ts} : allowed_selectors(sa, config);
    p.push_back(wire::TsI{to_selectors(r.ts.local)});
    p.push_back(wire::TsR{to_selectors(r.ts.remote)});
    core.log(LogLevel::info, &sa,
             (replaces ? "renewing CHILD SA " : old ? "rekeying CHILD SA " : "creating CHILD SA ") + config.name);
    send_request(core, sa, sent::CreateChild{std::make_unique<ChildRequest>(std::move(r))}, wire::ExchangeType::create_child_sa, p);
}

std::string group_name(const wire::Notify& invalid_ke) {
    return std::to_string(wire::ke_group_of(invalid_ke).value_or(0));
}

// What an error answer to CREATE_CHILD_SA means (3.10.1), for the log.
std::string refusal(const wire::Notify& error) {
    namespace n = wire::notify;
    switch (error.type) {
        case n::no_proposal_chosen: return "NO_PROPOSAL_CHOSEN (the peer accepts none of our proposals)";
        case n::ts_unacceptable: return "TS_UNACCEPTABLE (the peer accepts none of our traffic selectors)";
        case n::single_pair_required:
            return "SINGLE_PAIR_REQUIRED (the peer accepts only traffic selectors of one address each)";
        case n::no_additional_sas: return "NO_ADDITIONAL_SAS (the peer takes no more CHILD SAs on this IKE SA)";
        case n::invalid_ke_payload:
            return "INVALID_KE_PAYLOAD (the peer wants KE group " + group_name(error) + ", which we cannot use)";
        case n::temporary_failure: return "TEMPORARY_FAILURE (the peer is busy with this SA)";
        default: return notify_name(error.type);
    }
}

// 1.3, 2.7: the peer wants the PFS exchange in another group. The same request again with
// it, if one of our proposals has it; only once (the first request used our preferred group).
bool retry_with_group(Core& core, IkeSa& sa, const ChildRequest& r, const ChildSa* old, const wire::Notify& error) {
    const auto group = static_cast<KeGroup>(wire::ke_group_of(error).value_or(0));
    if (!r.ke || r.ke->group() != policy::preferred_ke(r.config->proposals) || group == r.ke->group() ||
        !policy::offers_ke(r.config->proposals, group) || (r.rekeyed_spi_in && !old))
        return false;
    core.log(LogLevel::info, &sa, "CHILD SA " + r.config->name + ": the peer asks for KE group " + group_name(error));
    send_child_request(core, sa, *r.config, old, r.replaces, group);
    return true;
}

// The peer answered our request with an error notify: retry what 2.25 and 1.3 say to retry,
// log the rest. A refused rekey leaves the old CHILD SA to its hard expiry.
void refused(Core& core, IkeSa& sa, const ChildRequest& r, const wire::Notify& error) {
    ChildSa* old = r.rekeyed_spi_in ? find_child(sa, r.rekeyed_spi_in) : nullptr;
    if (old && old->state != ChildState::installed) old = nullptr;  // deleted meanwhile
    const std::string what = "CHILD SA " + r.config->name + (r.rekeyed_spi_in ? " rekey" : " creation");
    switch (error.type) {
        case wire::notify::invalid_ke_payload:
            if (retry_with_group(core, sa, r, old, error)) return;
            break;
        case wire::notify::temporary_failure:
            // 2.25: not at once; the peer first finishes what it is doing.
            if (old) {
                old->rekey_wanted = true;
                old->rekey_not_before = retry_after_temporary_failure(core);
                core.log(LogLevel::info, &sa, what + " refused for now: " + refusal(error) + "; retrying shortly");
                return;
            }
            break;
        case wire::notify::child_sa_not_found:
            // 2.25: the peer lost it; ours goes silently once a new one replaces it.
            if (old && !r.replaces) {
                core.log(LogLevel::info, &sa, what + ": the peer no longer has it (CHILD_SA_NOT_FOUND)");
                send_child_request(core, sa, *r.config, old, true, std::nullopt);
                return;
            }
            break;
        default: break;
    }
    core.log(LogLevel::warning, &sa, what + " refused: " + refusal(error));
    if (!r.rekeyed_spi_in) record_child_failure(core, sa, *r.config, FailureKind::child_refused, error.type);
}

}  // namespace

void send_create_child(Core& core, IkeSa& sa, const policy::Child& config, const ChildSa* old) {
    if (sa.pending.active()) {
        sa.waiting.emplace_back(wanted::CreateChild{&config, old ? old->spi_in : 0});
        return;
    }
    send_child_request(core, sa, config, old, false, std::nullopt);
}

void respond_create_child(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    auto answer = [&](Payloads reply) {
        send_response(core, sa, wire::ExchangeType::create_child_sa, message_id, reply);
    };
    auto busy = [&](const std::string& why) {
        core.log(LogLevel::info, &sa, "CREATE_CHILD_SA refused for now (TEMPORARY_FAILURE): " + why);
        answer({notify(wire::notify::temporary_failure)});
    };
    // 2.25: an IKE SA already replaced by a rekey or being deleted takes no new SAs; the peer
    // tries again on the new IKE SA.
    if (sa.state == IkeState::rekeyed || sa.state == IkeState::deleting) {
        busy(sa.state == IkeState::rekeyed ? "the IKE SA has been rekeyed" : "the IKE SA is being deleted");
        return;
    }
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
    // 2.25.2: while our rekey of the IKE SA is in flight, its CHILD SAs wait for the new one.
    if (sa.rekeying()) {
        busy("our rekey of the IKE SA is in progress");
        return;
    }
    ChildExchange exchange;
    base::Bytes nr = core.random_bytes(kNonceSize);
    exchange.ni = nonce->data;
    exchange.nr = nr;
    exchange.allow_ke = true;
    const wire::Notify* rekey = find_notify(request, wire::notify::rekey_sa);
    // The CHILD SA a REKEY_SA names; none for one without a 4-octet AH or ESP SPI.
    const auto rekeyed = [&]() -> ChildSa* {
        const auto spi = wire::rekey_sa_spi(*rekey);
        return spi ? find_by_peer_spi(sa, static_cast<ProtocolId>(rekey->protocol), *spi) : nullptr;
    };
    if (rekey) {
        const ChildSa* old = rekeyed();
        if (!old) {
            answer({notify(wire::notify::child_sa_not_found)});
            return;
        }
        // 2.25.1: one we rekeyed already or are deleting is about to go.
        if (old->state != ChildState::installed) {
            busy("CHILD SA " + old->config->name + " is being replaced or deleted");
            return;
        }
        exchange.only = old->config;
        exchange.reqid = old->reqid;
    }
    Payloads reply;
    if (auto refused_with = accept_child(core, sa, request, exchange, &nr, reply)) {
        answer({std::move(*refused_with)});
        return;
    }
    // 2.8.1: our own rekey of the same child is in flight; remember theirs to decide which
    // of the two new SAs survives when ours completes. (accept_child added a child: look
    // the old one up again.)
    if (ChildSa* old = rekey ? rekeyed() : nullptr;
        old && sa.child_request() && sa.child_request()->rekeyed_spi_in == old->spi_in)
        old->peer_rekey = std::make_unique<ChildSa::PeerRekey>(ChildSa::PeerRekey{nonce->data, nr, sa.children.back().spi_in});
    answer(std::move(reply));
    core.publish(sa);
}

void process_create_child_response(Core& core, IkeSa& sa, ChildRequest r, const Payloads& response) {
    // Taken down while the request was in flight: the peer's new SA goes with the IKE SA.
    if (sa.state == IkeState::deleting) return;
    if (const auto* error = find_error(response)) {
        refused(core, sa, r, *error);
        return;
    }
    const auto* nonce = find<wire::Nonce>(response);
    const base::Bytes nr = nonce ? nonce->data : base::Bytes{};
    ChildExchange exchange{r.ni, nr, r.config, r.reqid, true, std::move(r.ts)};
    auto installed = nonce ? complete_child(core, sa, *r.config, r.spi_in, r.offer, response, exchange, r.ke.get())
                           : base::Result<std::uint32_t, ChildRefusal>(
                                 base::Unexpected<ChildRefusal>{{FailureKind::child_failed, 0, "response lacks a nonce"}});
    ChildSa* old = r.rekeyed_spi_in ? find_child(sa, r.rekeyed_spi_in) : nullptr;
    if (!installed) {
        core.log(LogLevel::warning, &sa, "CHILD SA " + r.config->name + " " + installed.error().message);
        if (!old) record_child_failure(core, sa, *r.config, installed.error().kind, installed.error().notify);
        if (old) old->rekey_wanted = false;  // the kernel's hard expiry ends it
        return;
    }
    if (auto f = core.failures.find(sa.conn->name); f != core.failures.end() && f->second.child == r.config->name)
        core.failures.erase(f);
    // 2.25: the SA the peer lost goes without a Delete; the new one keeps its policies.
    if (r.replaces && old && old->state == ChildState::installed) {
        enter_state(core, sa, *old, ChildState::deleted);
        prune_children(sa);
    }
    core.publish(sa);
    if (r.replaces || !old || old->state != ChildState::installed) return;
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
