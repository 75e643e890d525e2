// IKE_AUTH (RFC 7296 1.2, 2.15) with a pre-shared key, and the first CHILD SA it carries
// (1.2, 2.9 traffic-selector narrowing, 1.3.1 USE_TRANSPORT_MODE).
#include "ike/crypto/auth_psk.hpp"
#include "ike/crypto/signed_octets.hpp"
#include "ike/v2/child_sa.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/protection.hpp"
#include "ike/v2/sa_payload.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

namespace {

policy::Identity local_id(const IkeSa& sa) {
    return sa.conn->local.id.value_or(policy::Identity::of_address(sa.local.address));
}

// ID Type and data as the ID payload carries them (3.5).
template <class IdPayload>
IdPayload to_payload(const policy::Identity& id) {
    IdPayload p;
    p.type = static_cast<wire::IdType>(id.kind);
    if (id.address)
        p.data.assign(id.address->bytes.begin(), id.address->bytes.begin() + id.address->size());
    else
        p.data.assign(id.value.begin(), id.value.end());
    return p;
}

template <class IdPayload>
std::optional<policy::Identity> from_payload(const IdPayload& p) {
    policy::Identity id;
    switch (p.type) {
        case wire::IdType::ipv4_addr:
        case wire::IdType::ipv6_addr: {
            net::Address a;
            a.family = p.type == wire::IdType::ipv4_addr ? net::Family::v4 : net::Family::v6;
            if (p.data.size() != a.size()) return std::nullopt;
            std::copy(p.data.begin(), p.data.end(), a.bytes.begin());
            return policy::Identity::of_address(a);
        }
        case wire::IdType::fqdn:
        case wire::IdType::rfc822_addr:
        case wire::IdType::der_asn1_dn:
            id.kind = static_cast<policy::IdKind>(p.type);
            id.value.assign(p.data.begin(), p.data.end());
            return id;
        case wire::IdType::der_asn1_gn:
        case wire::IdType::key_id:
            return std::nullopt;
    }
    return std::nullopt;
}

// RestOfIDPayload (2.15): ID Type, three reserved octets, identification data.
template <class IdPayload>
base::Bytes rest_of_id(const IdPayload& p) {
    base::Bytes b{static_cast<std::uint8_t>(p.type), 0, 0, 0};
    b.insert(b.end(), p.data.begin(), p.data.end());
    return b;
}

// The octets one side signs (2.15): its own IKE_SA_INIT message, the peer's nonce and
// prf(SK_px, its ID).
template <class IdPayload>
base::Bytes octets(const IkeSa& sa, bool of_initiator, const IdPayload& id) {
    return crypto::signed_octets(*sa.prf, of_initiator ? sa.init_request : sa.init_response,
                                 of_initiator ? sa.nr : sa.ni,
                                 of_initiator ? sa.keys.sk_pi : sa.keys.sk_pr, rest_of_id(id));
}

const base::SecretBytes* psk_for(const Core& core, const IkeSa& sa, const policy::Identity& peer) {
    const auto* s = policy::find_psk(core.config.secrets, local_id(sa), peer);
    return s ? &s->psk : nullptr;
}

// Both directions of AUTH with a PSK; `peer` is the peer's identity as it presented it.
template <class IdPayload>
bool verify(const Core& core, const IkeSa& sa, const policy::Identity& peer, const IdPayload& id,
            const wire::Authentication& auth) {
    const auto* psk = psk_for(core, sa, peer);
    return psk && auth.method == AuthMethod::psk &&
           crypto::psk_auth_matches(*sa.prf, *psk, octets(sa, !sa.initiator, id), auth.data);
}

template <class IdPayload>
std::optional<wire::Authentication> sign(const Core& core, const IkeSa& sa, const policy::Identity& peer,
                                         const IdPayload& id) {
    const auto* psk = psk_for(core, sa, peer);
    if (!psk) return std::nullopt;
    const auto mac = crypto::psk_auth(*sa.prf, *psk, octets(sa, sa.initiator, id));
    return wire::Authentication{AuthMethod::psk, base::Bytes(mac.begin(), mac.end())};
}

xfrm::Mode mode_of(const policy::Child& c) {
    return c.mode == policy::Mode::transport ? xfrm::Mode::transport : xfrm::Mode::tunnel;
}

// Responder: picks the configured child the request fits and fills `reply` with the
// SA/TS payloads; an error Notify otherwise.
std::optional<wire::Notify> accept_child(Core& core, IkeSa& sa, const Payloads& request, Payloads& reply) {
    const auto* sa_payload = find<wire::SecurityAssociation>(request);
    const auto* tsi = find<wire::TsI>(request);
    const auto* tsr = find<wire::TsR>(request);
    if (!sa_payload || !tsi || !tsr) return std::nullopt;  // childless (RFC 6023)
    const bool transport = find_notify(request, wire::notify::use_transport_mode) != nullptr;
    bool any_proposal = false;
    for (const auto& child : sa.conn->children) {
        const auto selection = policy::select(to_offered(*sa_payload), child.proposals, {.ignore_ke = true});
        const auto* chosen = std::get_if<policy::Chosen>(&selection);
        if (!chosen || chosen->reply.spi.size() != 4) continue;
        any_proposal = true;
        // 2.9: TSi is the initiator's side, i.e. our remote side.
        auto remote_ts = narrow(tsi->selectors, child.remote_subnets);
        auto local_ts = narrow(tsr->selectors, child.local_subnets);
        // 1.3.1: transport mode only when both ask for it.
        if (remote_ts.empty() || local_ts.empty() || transport != (child.mode == policy::Mode::transport))
            continue;
        ChildSa c;
        c.config = &child;
        c.spi_in = core.new_child_spi();
        c.spi_out = read_be32(chosen->reply.spi);
        c.reqid = core.next_reqid++;
        c.mode = mode_of(child);
        c.proposal = chosen->proposal;
        c.local_ts = local_ts;
        c.remote_ts = remote_ts;
        auto answer = chosen->reply;
        answer.spi = be32(c.spi_in);
        if (auto st = install_child(core, sa, std::move(c), false, sa.ni, sa.nr); !st) {
            core.log(LogLevel::error, &sa, "CHILD SA " + child.name + ": " + st.error().message);
            return notify(wire::notify::no_proposal_chosen);
        }
        if (transport) reply.push_back(notify(wire::notify::use_transport_mode));
        reply.push_back(to_wire({answer}));
        reply.push_back(wire::TsI{to_selectors(remote_ts)});
        reply.push_back(wire::TsR{to_selectors(local_ts)});
        return std::nullopt;
    }
    core.log(LogLevel::warning, &sa, any_proposal ? "traffic selectors unacceptable" : "no acceptable CHILD SA proposal");
    return notify(any_proposal ? wire::notify::ts_unacceptable : wire::notify::no_proposal_chosen);
}

// Initiator: the first CHILD SA from the IKE_AUTH response.
void complete_child(Core& core, IkeSa& sa, const Payloads& response) {
    if (!sa.first_child) return;
    if (const auto* err = find_error(response)) {
        core.log(LogLevel::warning, &sa, "CHILD SA " + sa.first_child->name + " refused: " + notify_name(err->type));
        return;
    }
    const auto* sa_payload = find<wire::SecurityAssociation>(response);
    const auto* tsi = find<wire::TsI>(response);
    const auto* tsr = find<wire::TsR>(response);
    if (!sa_payload || sa_payload->proposals.size() != 1 || !tsi || !tsr) {
        core.log(LogLevel::warning, &sa, "CHILD SA " + sa.first_child->name + ": response lacks SA or TS");
        return;
    }
    const auto answer = to_offered(*sa_payload).front();
    auto chosen = policy::check_choice(answer, sa.child_offer);
    auto local_ts = to_prefixes(tsi->selectors);
    auto remote_ts = to_prefixes(tsr->selectors);
    if (!chosen || answer.spi.size() != 4 || !local_ts || !remote_ts || local_ts->empty() ||
        remote_ts->empty()) {
        core.log(LogLevel::warning, &sa, "CHILD SA " + sa.first_child->name + ": unacceptable response");
        return;
    }
    ChildSa c;
    c.config = sa.first_child;
    c.spi_in = sa.first_child_spi;
    c.spi_out = read_be32(answer.spi);
    c.reqid = core.next_reqid++;
    c.mode = find_notify(response, wire::notify::use_transport_mode) ? xfrm::Mode::transport : xfrm::Mode::tunnel;
    c.proposal = std::move(*chosen);
    c.local_ts = std::move(*local_ts);
    c.remote_ts = std::move(*remote_ts);
    if (auto st = install_child(core, sa, std::move(c), true, sa.ni, sa.nr); !st)
        core.log(LogLevel::error, &sa, "CHILD SA " + sa.first_child->name + ": " + st.error().message);
}

}  // namespace

void send_ike_auth(Core& core, IkeSa& sa) {
    const auto id = to_payload<wire::IdI>(local_id(sa));
    auto auth = sign(core, sa, sa.conn->remote.id, id);
    if (!auth) {
        core.log(LogLevel::error, &sa, "no PSK for " + local_id(sa).str() + " and " + sa.conn->remote.id.str());
        enter_state(core, sa, IkeState::closed);
        return;
    }
    Payloads p{id, std::move(*auth)};
    if (const policy::Child* child = sa.first_child) {
        sa.first_child_spi = core.new_child_spi();
        sa.child_offer = policy::make_offer(child->proposals, be32(sa.first_child_spi), true);
        if (child->mode == policy::Mode::transport) p.push_back(notify(wire::notify::use_transport_mode));
        p.push_back(to_wire(sa.child_offer));
        p.push_back(wire::TsI{to_selectors(child->local_subnets)});
        p.push_back(wire::TsR{to_selectors(child->remote_subnets)});
    }
    send_request(core, sa, Request::ike_auth, wire::ExchangeType::ike_auth, p);
    enter_state(core, sa, IkeState::auth_sent);
}

void respond_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    const auto* idi = find<wire::IdI>(request);
    const auto* auth = find<wire::Authentication>(request);
    const auto peer = idi ? from_payload(*idi) : std::nullopt;
    // 2.15: the peer must be who the connection expects and prove the shared key.
    if (!idi || !auth || !peer || !sa.conn->remote.id.matches(*peer) || !verify(core, sa, *peer, *idi, *auth)) {
        core.log(LogLevel::warning, &sa,
                 "authentication of " + (peer ? peer->str() : std::string("peer")) + " failed");
        send_response(core, sa, wire::ExchangeType::ike_auth, message_id,
                      {notify(wire::notify::authentication_failed)});
        enter_state(core, sa, IkeState::closed);
        return;
    }
    const auto id = to_payload<wire::IdR>(local_id(sa));
    auto our_auth = sign(core, sa, *peer, id);
    if (!our_auth) {  // verify() found the key, so sign() does too
        enter_state(core, sa, IkeState::closed);
        return;
    }
    Payloads reply{id, std::move(*our_auth)};
    if (auto refused = accept_child(core, sa, request, reply)) reply.push_back(std::move(*refused));
    send_response(core, sa, wire::ExchangeType::ike_auth, message_id, reply);
    core.log(LogLevel::info, &sa, "IKE SA established with " + peer->str());
    enter_state(core, sa, IkeState::established);
}

void process_ike_auth_response(Core& core, IkeSa& sa, const Payloads& response) {
    if (find_notify(response, wire::notify::authentication_failed)) {
        core.log(LogLevel::error, &sa, "peer refused our authentication (AUTHENTICATION_FAILED)");
        enter_state(core, sa, IkeState::closed);
        return;
    }
    const auto* idr = find<wire::IdR>(response);
    const auto* auth = find<wire::Authentication>(response);
    const auto peer = idr ? from_payload(*idr) : std::nullopt;
    if (!idr || !auth || !peer || !sa.conn->remote.id.matches(*peer) || !verify(core, sa, *peer, *idr, *auth)) {
        core.log(LogLevel::error, &sa,
                 "authentication of " + (peer ? peer->str() : std::string("responder")) + " failed");
        enter_state(core, sa, IkeState::closed);
        return;
    }
    core.log(LogLevel::info, &sa, "IKE SA established with " + peer->str());
    complete_child(core, sa, response);
    enter_state(core, sa, IkeState::established);
}

}  // namespace ike::v2
