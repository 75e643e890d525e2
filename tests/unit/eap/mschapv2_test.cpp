// Both ends of EAP-MSCHAPv2 against each other: the outcomes and the MSK they agree on.
#include <gtest/gtest.h>

#include <map>

#include "ike/eap/mschapv2.hpp"

namespace ike::eap {
namespace {

base::SecretBytes secret(std::string_view s) { return {s.begin(), s.end()}; }

struct Conversation {
    std::map<std::string, base::SecretBytes, std::less<>> passwords{{"alice", secret("s3cret")}};
    PasswordLookup lookup = [this](std::string_view id) -> const base::SecretBytes* {
        auto it = passwords.find(id);
        return it == passwords.end() ? nullptr : &it->second;
    };
    Authenticator server{Challenge{1, 2, 3}, "gw"};
    Step server_step, peer_step;

    // Runs the conversation to its end; the two final steps are kept.
    void until_done(Peer& peer, const std::string& ike_identity) {
        base::Bytes to_peer = server.start(ike_identity, lookup);
        for (int round = 0; round < 6; ++round) {
            peer_step = peer.receive(to_peer);
            if (!peer_step.send) return;
            server_step = server.receive(*peer_step.send, lookup);
            if (!server_step.send) return;
            to_peer = *server_step.send;
            if (server_step.outcome != Outcome::pending) {
                peer_step = peer.receive(to_peer);
                return;
            }
        }
    }
};

TEST(EapMsChapV2, TheRightPasswordSucceedsWithTheSameMskOnBothEnds) {
    Conversation run;
    Peer peer("alice", secret("s3cret"), Challenge{9});
    run.until_done(peer, "192.0.2.7");
    EXPECT_EQ(run.server_step.outcome, Outcome::success);
    EXPECT_EQ(run.peer_step.outcome, Outcome::success);
    EXPECT_EQ(run.server.identity(), "alice");
    EXPECT_EQ(run.server.msk().size(), 64u);
    EXPECT_EQ(run.server.msk(), peer.msk());
}

TEST(EapMsChapV2, AnIkeIdentityWithAPasswordSkipsTheIdentityRound) {
    Conversation run;
    const auto first = decode(run.server.start("alice", run.lookup));
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(std::holds_alternative<MsChapV2>(first->data));
}

TEST(EapMsChapV2, AWrongPasswordFailsOnBothEnds) {
    Conversation run;
    Peer peer("alice", secret("guess"), Challenge{9});
    run.until_done(peer, "192.0.2.7");
    EXPECT_EQ(run.server_step.outcome, Outcome::failure);
    EXPECT_EQ(run.server_step.reason, FailureReason::wrong_password);
    EXPECT_EQ(run.server_step.detail.find("guess"), std::string::npos);
    EXPECT_EQ(run.peer_step.outcome, Outcome::failure);
}

TEST(EapMsChapV2, AnUnknownIdentityIsRefusedOnlyAfterTheChallenge) {
    Conversation run;
    Peer peer("mallory", secret("x"), Challenge{9});
    run.until_done(peer, "192.0.2.7");
    EXPECT_EQ(run.server_step.outcome, Outcome::failure);
    EXPECT_EQ(run.server_step.reason, FailureReason::unknown_identity);
}

TEST(EapMsChapV2, APeerRejectsAForgedAuthenticatorResponse) {
    Peer peer("alice", secret("s3cret"), Challenge{9});
    const auto challenge = encode(Packet{Code::request, 1, MsChapV2{MsChallenge{1, Challenge{1}, "gw"}}});
    ASSERT_TRUE(peer.receive(challenge).send);
    const auto forged = encode(Packet{Code::request, 2, MsChapV2{MsSuccess{1, "S=" + std::string(40, '0')}}});
    const auto step = peer.receive(forged);
    EXPECT_EQ(step.outcome, Outcome::failure);
    EXPECT_EQ(step.reason, FailureReason::wrong_password);
}

TEST(EapMsChapV2, APeerDoesNotTakeEapSuccessBeforeMsChapV2Succeeded) {
    Peer peer("alice", secret("s3cret"), Challenge{9});
    EXPECT_EQ(peer.receive(encode(Packet{Code::success, 1, {}})).outcome, Outcome::failure);
}

TEST(EapMsChapV2, APeerAnswersAnotherMethodWithANakForMsChapV2) {
    Peer peer("alice", secret("s3cret"), Challenge{9});
    const auto step = peer.receive(base::Bytes{1, 1, 0, 6, 4, 0});
    ASSERT_TRUE(step.send);
    const auto nak = decode(*step.send);
    ASSERT_TRUE(nak.ok());
    EXPECT_EQ(std::get<Nak>(nak->data).desired, std::vector<std::uint8_t>{type::mschapv2});
}

}  // namespace
}  // namespace ike::eap
