// The two ends of EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2-02, RFC 2759): the
// authenticator (the gateway) and the peer (the road warrior). Each takes EAP packets and
// says what to send and how it stands; the MSK (RFC 3079) once MS-CHAPv2 succeeded. Pure:
// the challenges come from the caller's random source.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/secret.hpp"
#include "ike/eap/packet.hpp"

namespace ike::eap {

enum class Outcome : std::uint8_t { pending, success, failure };

// Why authentication failed, for the typed error and the log (never a password).
enum class FailureReason : std::uint8_t {
    malformed,          // a packet that does not decode or does not fit the step
    unknown_identity,   // no password for the EAP identity
    wrong_password,     // NT-Response or authenticator response mismatch
    refused,            // the other end sent a Failure or declined the method
};

struct Step {
    std::optional<base::Bytes> send;  // the EAP packet to send next
    Outcome outcome = Outcome::pending;
    FailureReason reason = FailureReason::malformed;
    std::string detail;  // failure: what happened, for the log
};

// The password of an EAP identity, or null if there is none.
using PasswordLookup = std::function<const base::SecretBytes*(std::string_view identity)>;

class Authenticator {
public:
    Authenticator(const Challenge& challenge, std::string server_name) : challenge_(challenge), name_(std::move(server_name)) {}
    // The first request: the Challenge for `ike_identity` when it has a password (the IKE
    // identity is the EAP identity), else an Identity request.
    base::Bytes start(const std::string& ike_identity, const PasswordLookup& lookup);
    Step receive(base::ByteView packet, const PasswordLookup& lookup);
    const std::string& identity() const { return identity_; }
    const base::SecretBytes& msk() const { return msk_; }

private:
    enum class Phase : std::uint8_t { identity, challenge, success_sent, done };
    base::Bytes challenge_request();
    Step check_response(const MsResponse& r, const PasswordLookup& lookup);
    Step fail(FailureReason reason, std::string detail);

    Challenge challenge_;
    std::string name_;
    Phase phase_ = Phase::identity;
    std::uint8_t identifier_ = 0;
    std::string identity_;
    base::SecretBytes msk_;
};

class Peer {
public:
    Peer(std::string identity, const base::SecretBytes& password, const Challenge& peer_challenge)
        : identity_(std::move(identity)), password_(password), peer_challenge_(peer_challenge) {}
    Step receive(base::ByteView packet);
    const base::SecretBytes& msk() const { return msk_; }

private:
    Step answer(const Packet& request, const MsChallenge& c);
    Step verify(const Packet& request, const MsSuccess& s);

    std::string identity_;
    base::SecretBytes password_;
    Challenge peer_challenge_;
    std::string expected_;  // the authenticator response we expect ("S=...")
    base::SecretBytes pending_msk_, msk_;
    bool acknowledged_ = false;  // we acknowledged the MS-CHAPv2 Success
};

}  // namespace ike::eap
