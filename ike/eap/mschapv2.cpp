#include "ike/eap/mschapv2.hpp"

#include <botan/mem_ops.h>

namespace ike::eap {

namespace {

Step send(const Packet& p) { return Step{encode(p), Outcome::pending, {}, {}}; }

const MsChapV2* mschapv2_of(const Packet& p) { return std::get_if<MsChapV2>(&p.data); }

// A Failure message from the authenticator, printable and short, for the log.
std::string printable(const std::string& s) {
    std::string out;
    for (char c : s.substr(0, 80)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
    return out;
}

}  // namespace

// ---- authenticator ----

Step Authenticator::fail(FailureReason reason, std::string detail) {
    phase_ = Phase::done;
    return Step{encode(Packet{Code::failure, identifier_, {}}), Outcome::failure, reason, std::move(detail)};
}

base::Bytes Authenticator::challenge_request() {
    phase_ = Phase::challenge;
    ++identifier_;
    // The MS-CHAPv2-ID follows the EAP Identifier, as the peer echoes both.
    return encode(Packet{Code::request, identifier_, MsChapV2{MsChallenge{identifier_, challenge_, name_}}});
}

base::Bytes Authenticator::start(const std::string& ike_identity, const PasswordLookup& lookup) {
    if (lookup(ike_identity)) {
        identity_ = ike_identity;
        return challenge_request();
    }
    phase_ = Phase::identity;
    return encode(Packet{Code::request, identifier_, Identity{}});
}

Step Authenticator::check_response(const MsResponse& r, const PasswordLookup& lookup) {
    // An unknown identity is refused only here, after the Challenge, like a wrong password
    // on the wire, so that a peer cannot probe which identities exist.
    const base::SecretBytes* password = lookup(identity_);
    if (!password) return fail(FailureReason::unknown_identity, "no password for EAP identity '" + identity_ + "'");
    auto hash = nt_password_hash(*password);
    if (!hash) return fail(FailureReason::unknown_identity, "the password of '" + identity_ + "' is not UTF-8");
    const auto expected = nt_response(challenge_, r.peer_challenge, r.name, *hash);
    if (!Botan::constant_time_compare(expected.data(), r.nt_response.data(), expected.size()))
        return fail(FailureReason::wrong_password, "wrong password for EAP identity '" + identity_ + "'");
    msk_ = eap::msk(*hash, r.nt_response);
    phase_ = Phase::success_sent;
    ++identifier_;
    const auto proof = authenticator_response(*hash, r.nt_response, r.peer_challenge, challenge_, r.name);
    return send(Packet{Code::request, identifier_, MsChapV2{MsSuccess{r.ms_id, proof + " M=Welcome"}}});
}

Step Authenticator::receive(base::ByteView bytes, const PasswordLookup& lookup) {
    if (phase_ == Phase::done) return fail(FailureReason::malformed, "EAP after the method ended");
    auto p = decode(bytes);
    if (!p) return fail(FailureReason::malformed, p.error().message);
    if (p->code != Code::response || p->identifier != identifier_)
        return fail(FailureReason::malformed, "not the response to our EAP request");
    if (std::holds_alternative<Nak>(p->data)) return fail(FailureReason::refused, "the peer declined EAP-MSCHAPv2 (Nak)");
    const MsChapV2* m = mschapv2_of(*p);
    switch (phase_) {
        case Phase::identity:
            if (const auto* id = std::get_if<Identity>(&p->data); id && !id->identity.empty()) {
                identity_ = id->identity;
                return Step{challenge_request(), Outcome::pending, {}, {}};
            }
            return fail(FailureReason::malformed, "no EAP identity in the Identity response");
        case Phase::challenge:
            if (const auto* r = m ? std::get_if<MsResponse>(m) : nullptr; r && r->ms_id == identifier_)
                return check_response(*r, lookup);
            return fail(FailureReason::malformed, "expected an MS-CHAPv2 Response");
        case Phase::success_sent:
            if (m && std::holds_alternative<MsSuccess>(*m)) {
                phase_ = Phase::done;
                return Step{encode(Packet{Code::success, identifier_, {}}), Outcome::success, {}, {}};
            }
            return fail(FailureReason::malformed, "expected the MS-CHAPv2 Success acknowledgement");
        case Phase::done: break;
    }
    return fail(FailureReason::malformed, "EAP after the method ended");
}

// ---- peer ----

Step Peer::answer(const Packet& request, const MsChallenge& c) {
    auto hash = nt_password_hash(password_);
    if (!hash) return Step{{}, Outcome::failure, FailureReason::wrong_password, "our password is not UTF-8"};
    const auto response = nt_response(c.challenge, peer_challenge_, identity_, *hash);
    expected_ = authenticator_response(*hash, response, peer_challenge_, c.challenge, identity_);
    pending_msk_ = eap::msk(*hash, response);
    return send(Packet{Code::response, request.identifier,
                       MsChapV2{MsResponse{c.ms_id, peer_challenge_, response, identity_}}});
}

Step Peer::verify(const Packet& request, const MsSuccess& s) {
    // RFC 2759 8.8: the message starts with the 42 characters "S=<40 hex digits>".
    if (expected_.empty() || s.message.size() < expected_.size() ||
        !Botan::constant_time_compare(reinterpret_cast<const std::uint8_t*>(expected_.data()),
                                      reinterpret_cast<const std::uint8_t*>(s.message.data()), expected_.size()))
        return Step{{}, Outcome::failure, FailureReason::wrong_password,
                    "the gateway's MS-CHAPv2 authenticator response does not match"};
    msk_ = std::exchange(pending_msk_, {});
    acknowledged_ = true;
    return send(Packet{Code::response, request.identifier, MsChapV2{MsSuccess{}}});
}

Step Peer::receive(base::ByteView bytes) {
    auto p = decode(bytes);
    if (!p) return Step{{}, Outcome::failure, FailureReason::malformed, p.error().message};
    switch (p->code) {
        case Code::success:
            if (acknowledged_) return Step{{}, Outcome::success, {}, {}};
            return Step{{}, Outcome::failure, FailureReason::malformed, "EAP-Success before MS-CHAPv2 succeeded"};
        case Code::failure: return Step{{}, Outcome::failure, FailureReason::refused, "the gateway sent EAP-Failure"};
        case Code::response: return Step{{}, Outcome::failure, FailureReason::malformed, "an EAP Response to a peer"};
        case Code::request: break;
    }
    if (std::holds_alternative<Identity>(p->data))
        return send(Packet{Code::response, p->identifier, Identity{identity_}});
    const MsChapV2* m = mschapv2_of(*p);
    if (!m) return send(Packet{Code::response, p->identifier, Nak{{type::mschapv2}}});  // RFC 3748 5.3.1
    if (const auto* c = std::get_if<MsChallenge>(m)) return answer(*p, *c);
    if (const auto* s = std::get_if<MsSuccess>(m)) return verify(*p, *s);
    if (const auto* f = std::get_if<MsFailure>(m))
        return Step{{}, Outcome::failure, FailureReason::refused, "the gateway refused us: " + printable(f->message)};
    return Step{{}, Outcome::failure, FailureReason::malformed, "an MS-CHAPv2 Response to a peer"};
}

}  // namespace ike::eap
