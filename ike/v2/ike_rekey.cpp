// Rekeying the IKE SA (RFC 7296 1.3.2, 2.18): a CREATE_CHILD_SA whose SA payload proposes
// protocol IKE with the new SPI, fresh nonces and a new key exchange. The new SA's keys
// derive from the old SK_d; the CHILD SAs move to it when the old SA is deleted; the
// initiator of the rekey is the original initiator of the new SA. Collisions per 2.8.2;
// refusals per 1.3 (another KE group) and 2.25 (TEMPORARY_FAILURE).
#include "ike/wire/notify_data.hpp"
#include "ike/wire/spi.hpp"
#include "ike/v2/config_payload.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/ike_keys.hpp"
#include "ike/v2/protection.hpp"
#include "ike/v2/sa_payload.hpp"
#include "ike/v2/temporary_failure.hpp"

namespace ike::v2 {

namespace {

constexpr std::size_t kNonceSize = 32;
constexpr Duration kRetry{60000};

// A new IKE SA between the same endpoints as `old`.
std::unique_ptr<IkeSa> successor_of(Core& core, const IkeSa& old, bool initiator) {
    auto fresh = std::make_unique<IkeSa>();
    fresh->conn = old.conn;
    fresh->initiator = initiator;
    fresh->local = old.local;
    fresh->remote = old.remote;
    fresh->nat_local = old.nat_local;
    fresh->nat_remote = old.nat_remote;
    fresh->peer_fragmentation = old.peer_fragmentation;
    // Between the same identities from the start (2.18), not only once the old SA is gone:
    // an INITIAL_CONTACT arriving meanwhile must find the new SA too (2.4).
    fresh->local_identity = old.local_identity;
    fresh->peer_identity = old.peer_identity;
    fresh->virtual_ips = old.virtual_ips;  // held once it is live (go_live)
    fresh->dns = old.dns;
    fresh->domains = old.domains;
    (initiator ? fresh->spis.initiator : fresh->spis.responder) = core.new_ike_spi();
    return fresh;
}

wire::Notify ke_notify(KeGroup group) {
    return notify(wire::notify::invalid_ke_payload, wire::ke_group_data(static_cast<std::uint16_t>(group)));
}

IkeSa& go_live(Core& core, std::unique_ptr<IkeSa> fresh) {
    IkeSa& s = core.add_sa(std::move(fresh));
    hold_leases(core, s);
    core.log(LogLevel::info, &s, "IKE SA rekeyed");
    enter_state(core, s, IkeState::established);
    return s;
}

// Our rekey request, its KE payload of `group` (our preferred one unless the peer asked for
// another with INVALID_KE_PAYLOAD).
void send_rekey_request(Core& core, IkeSa& sa, KeGroup group) {
    auto fresh = successor_of(core, sa, true);
    auto ke = crypto::KeyExchange::create(group, core.rng);
    if (!ke) {
        core.log(LogLevel::error, &sa, "IKE rekey: " + ke.error().message);
        return;
    }
    fresh->ke = std::move(*ke);
    fresh->ni = core.random_bytes(kNonceSize);
    // 1.3.2: the SA payload carries the new initiator SPI.
    fresh->offered = policy::make_offer(sa.conn->ike.proposals, wire::ike_spi_bytes(fresh->spis.initiator));
    Payloads p{to_wire(fresh->offered), wire::Nonce{fresh->ni},
               wire::KeyExchange{fresh->ke->group(), fresh->ke->public_value()}};
    core.log(LogLevel::info, &sa, "rekeying IKE SA");
    send_request(core, sa, sent::RekeyIke{std::move(fresh)}, wire::ExchangeType::create_child_sa, p);
}

// The peer refused our rekey. 1.3, 2.7: INVALID_KE_PAYLOAD names the group it wants; the
// same request once more with it, if we offer it (only once: the first used our preferred
// group). 2.25: TEMPORARY_FAILURE, again after a short wait. Anything else: much later.
void rekey_refused(Core& core, IkeSa& sa, const IkeSa& attempt, const wire::Notify& error) {
    const auto preferred = policy::preferred_ke(sa.conn->ike.proposals).value_or(KeGroup::none);
    const auto wanted = static_cast<KeGroup>(wire::ke_group_of(error).value_or(0));
    if (error.type == wire::notify::invalid_ke_payload && attempt.ke && attempt.ke->group() == preferred &&
        wanted != preferred && policy::offers_ke(sa.conn->ike.proposals, wanted)) {
        core.log(LogLevel::info, &sa, "IKE rekey: the peer asks for KE group " +
                                          std::to_string(static_cast<unsigned>(wanted)));
        send_rekey_request(core, sa, wanted);
        return;
    }
    if (error.type == wire::notify::temporary_failure) {
        core.log(LogLevel::info, &sa, "IKE rekey refused for now (TEMPORARY_FAILURE); retrying shortly");
        sa.rekey_at = retry_after_temporary_failure(core);
        return;
    }
    core.log(LogLevel::warning, &sa, "IKE rekey refused: " + notify_name(error.type));
}

}  // namespace

void send_ike_rekey(Core& core, IkeSa& sa) {
    send_rekey_request(core, sa, policy::preferred_ke(sa.conn->ike.proposals).value_or(KeGroup::none));
}

void respond_ike_rekey(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    auto answer = [&](Payloads reply) {
        send_response(core, sa, wire::ExchangeType::create_child_sa, message_id, reply);
    };
    const auto* sa_payload = find<wire::SecurityAssociation>(request);
    const auto* nonce = find<wire::Nonce>(request);
    const auto* ke_payload = find<wire::KeyExchange>(request);
    if (!sa_payload || !nonce || !ke_payload || nonce->data.size() < 16) {
        answer({notify(wire::notify::invalid_syntax)});
        return;
    }
    const auto selection = policy::select(to_offered(*sa_payload), sa.conn->ike.proposals, {.ke_sent = ke_payload->group});
    if (const auto* bad_ke = std::get_if<policy::InvalidKe>(&selection)) {
        answer({ke_notify(bad_ke->group)});
        return;
    }
    const auto* chosen = std::get_if<policy::Chosen>(&selection);
    auto ke = crypto::KeyExchange::create(ke_payload->group, core.rng);
    const auto peer_spi = chosen ? wire::ike_spi(chosen->reply.spi) : std::nullopt;
    if (!peer_spi || !ke) {
        answer({notify(wire::notify::no_proposal_chosen)});
        return;
    }
    auto fresh = successor_of(core, sa, false);
    fresh->spis.initiator = *peer_spi;
    fresh->proposal = chosen->proposal;
    fresh->ni = nonce->data;
    fresh->nr = core.random_bytes(kNonceSize);
    wire::KeyExchange our_ke{ke_payload->group, (*ke)->public_value()};
    fresh->ke = std::move(*ke);
    if (auto st = derive_keys(*fresh, ke_payload->data, &sa); !st) {
        core.log(LogLevel::warning, &sa, "IKE rekey: " + st.error().message);
        answer({notify(wire::notify::no_proposal_chosen)});
        return;
    }
    auto reply = chosen->reply;
    reply.spi = wire::ike_spi_bytes(fresh->spis.responder);
    answer({to_wire({reply}), wire::Nonce{fresh->nr}, std::move(our_ke)});
    const base::Bytes ni = fresh->ni, nr = fresh->nr;
    IkeSa& live = go_live(core, std::move(fresh));
    // The peer's SA is where the CHILD SAs go, unless our crossing rekey survives 2.8.2
    // (decided when its response arrives).
    sa.successor = live.local_spi();
    if (sa.rekeying())
        sa.peer_rekey = std::make_unique<IkeSa::PeerIkeRekey>(IkeSa::PeerIkeRekey{ni, nr, live.local_spi()});
    else
        enter_state(core, sa, IkeState::rekeyed);
}

void process_ike_rekey_response(Core& core, IkeSa& sa, std::unique_ptr<IkeSa> fresh, const Payloads& response) {
    sa.rekey_at = core.now + kRetry;  // should this attempt fail
    const auto* sa_payload = find<wire::SecurityAssociation>(response);
    const auto* nonce = find<wire::Nonce>(response);
    const auto* ke_payload = find<wire::KeyExchange>(response);
    if (const auto* error = find_error(response)) {
        rekey_refused(core, sa, *fresh, *error);
        return;
    }
    if (!sa_payload || sa_payload->proposals.size() != 1 || !nonce || !ke_payload) {
        core.log(LogLevel::warning, &sa, "IKE rekey: malformed response");
        return;  // retried at rekey_at
    }
    const auto answer = to_offered(*sa_payload).front();
    auto chosen = policy::check_choice(answer, fresh->offered);
    const auto peer_spi = wire::ike_spi(answer.spi);
    if (!chosen || !peer_spi) {
        core.log(LogLevel::warning, &sa, "IKE rekey: unacceptable response");
        return;
    }
    fresh->proposal = std::move(*chosen);
    fresh->spis.responder = *peer_spi;
    fresh->nr = nonce->data;
    if (auto st = derive_keys(*fresh, ke_payload->data, &sa); !st) {
        core.log(LogLevel::warning, &sa, "IKE rekey: " + st.error().message);
        return;
    }
    const base::Bytes ni = fresh->ni, nr = fresh->nr;
    IkeSa& live = go_live(core, std::move(fresh));
    // Taken down while the rekey was in flight (our Delete of this SA waits for the window):
    // the new SA the peer now has goes too.
    if (sa.state == IkeState::deleting) {
        send_delete_ike(core, live);
        return;
    }
    // 2.8.2: of two crossing rekeys, the new SA with the lowest of the four nonces is
    // redundant and deleted by its initiator; the survivor's initiator deletes the old SA.
    if (sa.peer_rekey && std::min(ni, nr) < std::min(sa.peer_rekey->ni, sa.peer_rekey->nr)) {
        core.log(LogLevel::info, &sa, "IKE rekey collision: ours is redundant");
        enter_state(core, sa, IkeState::rekeyed);
        send_delete_ike(core, live);
        return;
    }
    if (sa.peer_rekey) core.log(LogLevel::info, &sa, "IKE rekey collision: ours survives");
    sa.successor = live.local_spi();
    send_delete_ike(core, sa);
}

}  // namespace ike::v2
