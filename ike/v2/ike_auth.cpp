// IKE_AUTH (RFC 7296 1.2, 2.15) with a pre-shared key, and the first CHILD SA it carries
// (1.2, 2.9 traffic-selector narrowing, 1.3.1 USE_TRANSPORT_MODE).
#include "ike/crypto/auth_psk.hpp"
#include "ike/crypto/signed_octets.hpp"
#include "ike/v2/child_negotiation.hpp"
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

// 2.15: the peer must be who the connection expects and prove the shared key. Returns
// its identity, or nullopt after logging why not.
template <class IdPayload>
std::optional<policy::Identity> authenticate_peer(Core& core, IkeSa& sa, const Payloads& payloads) {
    const auto* id = find<IdPayload>(payloads);
    const auto* auth = find<wire::Authentication>(payloads);
    const auto peer = id ? from_payload(*id) : std::nullopt;
    if (id && auth && peer && sa.conn->remote.id.matches(*peer) && verify(core, sa, *peer, *id, *auth)) return peer;
    core.log(LogLevel::warning, &sa, "authentication of " + (peer ? peer->str() : std::string("the peer")) + " failed");
    return std::nullopt;
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
        sa.child_offer = child_offer(*child, sa.first_child_spi, false);
        if (child->mode == policy::Mode::transport) p.push_back(notify(wire::notify::use_transport_mode));
        p.push_back(to_wire(sa.child_offer));
        p.push_back(wire::TsI{to_selectors(child->local_subnets)});
        p.push_back(wire::TsR{to_selectors(child->remote_subnets)});
    }
    send_request(core, sa, Request::ike_auth, wire::ExchangeType::ike_auth, p);
    enter_state(core, sa, IkeState::auth_sent);
}

void respond_ike_auth(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    const auto peer = authenticate_peer<wire::IdI>(core, sa, request);
    if (!peer) {
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
    if (auto refused = accept_child(core, sa, request, {sa.ni, sa.nr}, nullptr, reply))
        reply.push_back(std::move(*refused));
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
    const auto peer = authenticate_peer<wire::IdR>(core, sa, response);
    if (!peer) {
        enter_state(core, sa, IkeState::closed);
        return;
    }
    core.log(LogLevel::info, &sa, "IKE SA established with " + peer->str());
    if (const policy::Child* child = sa.first_child) {
        auto installed = complete_child(core, sa, *child, sa.first_child_spi, sa.child_offer, response,
                                        {sa.ni, sa.nr}, nullptr);
        if (!installed) core.log(LogLevel::warning, &sa, "CHILD SA " + child->name + " " + installed.error().message);
    }
    enter_state(core, sa, IkeState::established);
}

}  // namespace ike::v2
