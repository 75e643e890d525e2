// EAP-MSCHAPv2 inside IKE_AUTH (RFC 7296 2.16). The initiator leaves AUTH out of its first
// IKE_AUTH request; the responder answers with IDr, CERT and AUTH (its signature) and the
// first EAP request; EAP packets go back and forth, one IKE_AUTH exchange each, until the
// EAP-Success; then both send AUTH with the MSK as the shared secret, and the last
// response carries the CHILD SA the first request asked for. The IKE SA stays connecting
// (auth_sent / half_open) throughout.
#include "ike/eap/mschapv2.hpp"
#include "ike/policy/config.hpp"
#include "ike/v2/cert_payloads.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/peer_auth.hpp"
#include "ike/v2/protection.hpp"

namespace ike::v2 {

namespace {

eap::Challenge random_challenge(Core& core) {
    eap::Challenge c;
    core.rng.fill(c);
    return c;
}

eap::PasswordLookup passwords(const Core& core) {
    return [&core](std::string_view id) { return policy::find_eap_password(core.config.eap_secrets, id); };
}

std::string reason_name(eap::FailureReason r) {
    switch (r) {
        case eap::FailureReason::malformed: return "protocol error";
        case eap::FailureReason::unknown_identity: return "unknown identity";
        case eap::FailureReason::wrong_password: return "wrong password";
        case eap::FailureReason::refused: return "refused";
    }
    return "?";
}

void log_failure(Core& core, const IkeSa& sa, const std::string& who, const eap::Step& step) {
    core.log(LogLevel::warning, &sa,
             "EAP-MSCHAPv2 authentication of " + who + " failed (" + reason_name(step.reason) + "): " + step.detail);
}

// Initiator: ends the IKE SA we could not authenticate; the engine reports
// authentication_failed for the IKE_AUTH exchange in flight.
void give_up(Core& core, IkeSa& sa, bool tell_peer) {
    if (tell_peer) tell_authentication_failed(core, sa);
    sa.eap.reset();
    enter_state(core, sa, IkeState::closed);
}

// Initiator, the last response: the gateway's AUTH with the MSK over its IDr (2.16).
void finish_as_peer(Core& core, IkeSa& sa, const Payloads& response) {
    const auto* auth = find<wire::Authentication>(response);
    if (!auth || !msk_auth_matches(sa, sa.eap->peer_id, sa.eap->msk(), *auth)) {
        core.log(LogLevel::warning, &sa, "authentication of " + sa.eap->peer->str() +
                                             " failed: its AUTH after EAP does not match the MSK");
        give_up(core, sa, true);
        return;
    }
    const std::string peer = sa.eap->peer->str();
    sa.eap.reset();
    complete_ike_auth(core, sa, response, peer);
}

// The first response: the gateway proves itself with its certificate before any EAP.
bool authenticate_gateway(Core& core, IkeSa& sa, const Payloads& response) {
    const auto peer = authenticate_peer(core, sa, response);
    const auto id = peer ? peer_id(sa, response) : std::nullopt;
    if (!id) return false;
    sa.eap->peer_id = id->payload;
    sa.eap->peer = *peer;
    return true;
}

}  // namespace

bool start_eap_peer(Core& core, IkeSa& sa) {
    const auto& eap_id = sa.conn->local.eap_id;
    const auto* password = policy::find_eap_password(core.config.eap_secrets, eap_id);
    if (!password) {
        core.log(LogLevel::error, &sa, "cannot authenticate: no password for EAP identity '" + eap_id + "'");
        enter_state(core, sa, IkeState::closed);
        return false;
    }
    sa.eap = std::make_unique<EapRound>(EapRound{eap::Peer(eap_id, *password, random_challenge(core)), {}, {}, {}, false});
    return true;
}

void process_eap_response(Core& core, IkeSa& sa, const Payloads& response) {
    if (!sa.eap->peer && !authenticate_gateway(core, sa, response)) {
        give_up(core, sa, true);
        return;
    }
    if (sa.eap->succeeded) {
        finish_as_peer(core, sa, response);
        return;
    }
    const auto* packet = find<wire::Eap>(response);
    if (!packet) {
        core.log(LogLevel::warning, &sa, "authentication of " + sa.eap->peer->str() + " failed: no EAP payload");
        give_up(core, sa, true);
        return;
    }
    const auto step = std::get<eap::Peer>(sa.eap->method).receive(packet->message);
    switch (step.outcome) {
        case eap::Outcome::failure:
            log_failure(core, sa, "ours as '" + sa.conn->local.eap_id + "'", step);
            give_up(core, sa, false);
            return;
        case eap::Outcome::success: {
            sa.eap->succeeded = true;
            const auto id = our_id(core, sa);
            if (!id) {
                core.log(LogLevel::error, &sa, "cannot authenticate: " + id.error().message);
                give_up(core, sa, false);
                return;
            }
            send_request(core, sa, sent::IkeAuth{}, wire::ExchangeType::ike_auth, {msk_auth(sa, *id, sa.eap->msk())});
            return;
        }
        case eap::Outcome::pending:
            if (step.send) send_request(core, sa, sent::IkeAuth{}, wire::ExchangeType::ike_auth, {wire::Eap{*step.send}});
            return;
    }
}

void start_eap_authenticator(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    const auto id = peer_id(sa, request);  // select_connection accepted it
    auto proof = id ? prove(core, sa, id->identity) : base::Result<Proof>{base::fail("no usable ID payload")};
    if (!proof || !proof->auth) {
        core.log(LogLevel::error, &sa, "cannot authenticate: " + (proof ? "no AUTH" : proof.error().message));
        refuse_ike_auth(core, sa, message_id);
        return;
    }
    eap::Authenticator authenticator(random_challenge(core), local_identity(core, sa));
    const auto first = authenticator.start(id->identity.str(), passwords(core));
    sa.eap = std::make_unique<EapRound>(EapRound{std::move(authenticator), id->payload, id->identity, request, false});
    // 2.16: IDr, [CERT,] AUTH and the first EAP request.
    Payloads reply{wire::IdR{proof->id.type, proof->id.data}};
    reply.insert(reply.end(), proof->certificates.begin(), proof->certificates.end());
    reply.push_back(std::move(*proof->auth));
    reply.push_back(wire::Eap{first});
    core.log(LogLevel::info, &sa, "EAP-MSCHAPv2 with " + id->identity.str());
    send_response(core, sa, wire::ExchangeType::ike_auth, message_id, reply);
}

void respond_eap(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    EapRound& round = *sa.eap;
    auto& authenticator = std::get<eap::Authenticator>(round.method);
    // The peer is still at it: the half-open limit counts from its latest message.
    sa.expires = core.now + core.options.half_open_timeout;
    if (round.succeeded) {
        const auto* auth = find<wire::Authentication>(request);
        const auto ours = our_id(core, sa);
        if (!auth || !ours || !msk_auth_matches(sa, round.peer_id, round.msk(), *auth)) {
            core.log(LogLevel::warning, &sa, "authentication of " + authenticator.identity() +
                                                 " failed: its AUTH after EAP does not match the MSK");
            refuse_ike_auth(core, sa, message_id);
            return;
        }
        Payloads reply{msk_auth(sa, *ours, round.msk())};
        const Payloads first = std::move(round.first_request);
        const std::string peer = authenticator.identity();
        sa.eap.reset();
        conclude_ike_auth(core, sa, message_id, first, std::move(reply), peer);
        return;
    }
    const auto* packet = find<wire::Eap>(request);
    const auto step = packet ? authenticator.receive(packet->message, passwords(core))
                             : eap::Step{{}, eap::Outcome::failure, eap::FailureReason::malformed, "no EAP payload"};
    switch (step.outcome) {
        case eap::Outcome::failure:
            log_failure(core, sa, authenticator.identity().empty() ? round.peer->str() : "'" + authenticator.identity() + "'", step);
            refuse_ike_auth(core, sa, message_id, step.send ? Payloads{wire::Eap{*step.send}} : Payloads{});
            return;
        case eap::Outcome::success: round.succeeded = true; break;
        case eap::Outcome::pending: break;
    }
    send_response(core, sa, wire::ExchangeType::ike_auth, message_id, {wire::Eap{*step.send}});
}

}  // namespace ike::v2
