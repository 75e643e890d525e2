// IKE_AUTH (RFC 7296 1.2, 2.15) with a pre-shared key or certificates (peer_auth.hpp), the
// responder's choice of connection by the peer's IDs (3.5), INITIAL_CONTACT (2.4), and the
// first CHILD SA it carries (1.2, 2.9 traffic-selector narrowing, 1.3.1 USE_TRANSPORT_MODE).
#include <algorithm>

#include "ike/v2/cert_payloads.hpp"
#include "ike/v2/child_negotiation.hpp"
#include "ike/v2/config_payload.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/peer_auth.hpp"
#include "ike/v2/protection.hpp"
#include "ike/v2/sa_payload.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

namespace {

// 2.4: whether this IKE_AUTH request is our first to the peer since start. Not while
// another of our IKE_AUTH requests to it is out (two connections started together): that
// one carries it, and a second would make the peer delete the first IKE SA.
bool first_contact(const Core& core, const IkeSa& sa) {
    const std::string peer = peer_key(sa);
    if (core.contacted().contains(peer)) return false;
    auto [first, last] = core.authenticating.equal_range(peer);
    return std::none_of(first, last, [&](const auto& out) { return out.second != sa.local_spi(); });
}

// 2.4: INITIAL_CONTACT says the peer restarted and forgot every other IKE SA between our two
// identities: they go, with their CHILD SAs' kernel state, without a word to the peer.
// Before the new CHILD SA is installed, as its policies are often the old ones.
// A remote-access connection (pools) does the same for an identity that connects again
// without it (strongSwan's uniqueids = yes): a laptop back from sleep takes the place, and
// the lease, of its dead IKE SA. `conn`: the new IKE SA's connection here, if any.
void forget_previous_sas(Core& core, const PeerAuthenticated& fresh, const policy::Connection* conn) {
    for (IkeSa* other : core.sas_between(fresh.local_identity, fresh.peer_identity)) {
        IkeSa& o = *other;
        if (o.local_spi() == fresh.ike_spi || (!fresh.initial_contact && o.conn != conn) ||
            o.established_at > fresh.established_at)
            continue;
        core.log(LogLevel::info, &o, "deleted: the peer " + o.peer_identity +
                                         (fresh.initial_contact ? " restarted (INITIAL_CONTACT)" : " connected again"));
        enter_state(core, o, IkeState::closed);
    }
}

// The same, and the other shards asked to do it: the IKE SAs replaced may be theirs.
void replace_previous_sas(Core& core, const IkeSa& sa, bool initial_contact) {
    const PeerAuthenticated fresh{sa.conn->name, sa.local_identity, sa.peer_identity, initial_contact, sa.local_spi(),
                                  core.now};  // enter_state(established) is about to say so
    forget_previous_sas(core, fresh, sa.conn);
    if (core.options.shard.count > 1) core.emit(fresh);
}

}  // namespace

void forget_replaced_sas(Core& core, const PeerAuthenticated& elsewhere) {
    forget_previous_sas(core, elsewhere, core.find(elsewhere.connection));
}

void tell_authentication_failed(Core& core, IkeSa& sa) {
    const auto header = header_for(sa, wire::ExchangeType::informational, false, sa.ids.next_request);
    const Payloads inner{notify(wire::notify::authentication_failed)};
    if (auto sealed = seal(core, sa, header, inner)) core.send_message(sa, header, inner, *sealed);
}

void refuse_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, Payloads reply) {
    reply.push_back(notify(wire::notify::authentication_failed));
    send_response(core, sa, wire::ExchangeType::ike_auth, message_id, reply);
    enter_state(core, sa, IkeState::closed);
}

void conclude_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request, Payloads reply,
                       const std::string& peer) {
    sa.local_identity = local_identity(core, sa);
    sa.peer_identity = peer;
    const bool initial_contact = find_notify(request, wire::notify::initial_contact) != nullptr;
    if (initial_contact || !sa.conn->pools.empty()) replace_previous_sas(core, sa, initial_contact);
    // 1.2: [CP(CFG_REPLY),] then the CHILD SA, which needs the lease (3.15.4).
    auto config = answer_config_request(core, sa, request);
    if (config.reply) reply.push_back(std::move(*config.reply));
    if (config.refusal) reply.push_back(std::move(*config.refusal));
    else if (auto refused = accept_child(core, sa, request, {sa.ni, sa.nr}, nullptr, reply))
        reply.push_back(std::move(*refused));
    send_response(core, sa, wire::ExchangeType::ike_auth, message_id, reply);
    if (core.logs(LogLevel::info)) core.log(LogLevel::info, &sa, "IKE SA established with " + peer);
    enter_state(core, sa, IkeState::established);
}

void send_ike_auth(Core& core, IkeSa& sa) {
    auto proof = prove(core, sa, sa.conn->remote.id);
    if (!proof) {
        core.log(LogLevel::error, &sa, "cannot authenticate: " + proof.error().message);
        enter_state(core, sa, IkeState::closed);
        return;
    }
    // 1.2: IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, then the CHILD SA.
    Payloads p{proof->id};
    p.insert(p.end(), proof->certificates.begin(), proof->certificates.end());
    if (auto req = certificate_request(core, sa)) p.push_back(std::move(*req));
    if (auto idr = requested_peer_id(sa)) p.push_back(std::move(*idr));
    if (proof->auth) p.push_back(std::move(*proof->auth));
    else if (!start_eap_peer(core, sa)) return;
    if (auto cp = config_request(sa)) p.push_back(std::move(*cp));
    if (const policy::Child* child = sa.first_child) {
        auto spi_in = core.reserve_spi(sa, *child);
        if (!spi_in) {
            core.log(LogLevel::error, &sa, "CHILD SA " + child->name + ": " + spi_in.error().message);
            sa.failure = {FailureKind::child_failed, child->name};
            enter_state(core, sa, IkeState::closed);
            return;
        }
        sa.first_child_spi = *spi_in;
        sa.child_offer = child_offer(*child, sa.first_child_spi, false);
        if (child->mode == policy::Mode::transport) p.push_back(notify(wire::notify::use_transport_mode));
        p.push_back(to_wire(sa.child_offer));
        const auto ts = allowed_selectors(sa, *child);
        p.push_back(wire::TsI{to_selectors(ts.local)});
        p.push_back(wire::TsR{to_selectors(ts.remote)});
    }
    if (first_contact(core, sa)) p.push_back(notify(wire::notify::initial_contact));
    send_request(core, sa, sent::IkeAuth{}, wire::ExchangeType::ike_auth, p);
    enter_state(core, sa, IkeState::auth_sent);
}

void respond_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    if (sa.eap) {
        respond_eap(core, sa, message_id, request);
        return;
    }
    const bool selected = select_connection(core, sa, request);
    // 2.16: no AUTH from the initiator asks for EAP.
    if (selected && sa.conn->remote.auth == policy::Auth::eap_mschapv2 && !find<wire::Authentication>(request)) {
        start_eap_authenticator(core, sa, message_id, request);
        return;
    }
    const auto peer = selected ? authenticate_peer(core, sa, request) : std::nullopt;
    auto proof = peer ? prove(core, sa, *peer) : base::Result<Proof>{base::fail("peer not authenticated")};
    if (peer && !proof) core.log(LogLevel::error, &sa, "cannot authenticate: " + proof.error().message);
    if (!proof || !proof->auth) {
        refuse_ike_auth(core, sa, message_id);
        return;
    }
    // 1.2: IDr, [CERT,] AUTH, then the CHILD SA.
    Payloads reply{wire::IdR{proof->id.type, proof->id.data}};
    reply.insert(reply.end(), proof->certificates.begin(), proof->certificates.end());
    reply.push_back(std::move(*proof->auth));
    conclude_ike_auth(core, sa, message_id, request, std::move(reply), peer->str());
}

void process_ike_auth_response(Core& core, IkeSa& sa, const Payloads& response) {
    if (find_notify(response, wire::notify::authentication_failed)) {
        core.log(LogLevel::error, &sa, "peer refused our authentication (AUTHENTICATION_FAILED)");
        sa.failure.notify = wire::notify::authentication_failed;
        enter_state(core, sa, IkeState::closed);
        return;
    }
    if (sa.eap) {
        process_eap_response(core, sa, response);
        return;
    }
    const auto peer = authenticate_peer(core, sa, response);
    if (!peer) {
        tell_authentication_failed(core, sa);
        enter_state(core, sa, IkeState::closed);
        return;
    }
    complete_ike_auth(core, sa, response, peer->str());
}

void complete_ike_auth(Core& core, IkeSa& sa, const Payloads& response, const std::string& peer) {
    if (core.logs(LogLevel::info)) core.log(LogLevel::info, &sa, "IKE SA established with " + peer);
    sa.local_identity = local_identity(core, sa);
    sa.peer_identity = peer;
    const policy::Child* child = sa.first_child;
    base::Result<std::uint32_t, ChildRefusal> installed(0u);
    if (!take_config_reply(core, sa, response) && child) {
        // The CHILD SA has no local selector without a virtual IP: the peer deletes it again.
        if (find<wire::SecurityAssociation>(response)) send_delete_child_spi(core, sa, child->protocol, sa.first_child_spi);
        const auto* err = find_error(response);
        installed = base::Unexpected<ChildRefusal>{{err ? FailureKind::child_refused : FailureKind::child_failed,
                                                    err ? err->type : std::uint16_t{0}, "got no virtual IP"}};
    } else if (child) {
        ChildExchange exchange{sa.ni, sa.nr};
        // 2.9: the answer lies inside what we proposed, and on a road warrior inside the
        // virtual IPs just received.
        exchange.proposed = allowed_selectors(sa, *child);
        installed = complete_child(core, sa, *child, sa.first_child_spi, sa.child_offer, response, exchange, nullptr);
        if (!installed) core.log(LogLevel::warning, &sa, "CHILD SA " + child->name + " " + installed.error().message);
    }
    // 1.2: the IKE SA stands even when its first CHILD SA does not (an error notify says why).
    // Recorded first, so that the IKE SA is published established as `partial`, never `up`.
    if (!installed) record_child_failure(core, sa, *child, installed.error().kind, installed.error().notify);
    enter_state(core, sa, IkeState::established);
    add_children(core, sa, std::exchange(sa.more_children, {}));
}

}  // namespace ike::v2
