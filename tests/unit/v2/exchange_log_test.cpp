// The debug log shows each IKE message sent and received, one line each (issue 4), with
// the payload types and never their content.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "ike/v2/message_summary.hpp"
#include "ike/v2/payloads.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

constexpr const char* kInitPayloads =
    "[ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) "
    "N(SIGNATURE_HASH_ALGORITHMS) ]";

// The debug lines about messages sent and received, in order.
std::vector<std::string> message_lines(const Peer& peer) {
    std::vector<std::string> lines;
    for (const auto& e : peer.history())
        if (const auto* l = std::get_if<Log>(&e); l && l->level == LogLevel::debug &&
                                                  (l->message.find(": sending ") != std::string::npos ||
                                                   l->message.find(": received ") != std::string::npos))
            lines.push_back(l->message);
    return lines;
}

// Each line from "sending"/"received" to the payload list (endpoints and size cut off).
std::vector<std::string> summaries(const Peer& peer) {
    std::vector<std::string> out;
    for (const auto& line : message_lines(peer)) {
        const auto from = line.find(": ") + 2;
        out.push_back(line.substr(from, line.find(" ]", from) + 2 - from));
    }
    return out;
}

TEST(PayloadList, NamesEachPayloadTypeAndNotify) {
    const std::vector<wire::Payload> payloads{wire::Delete{}, notify(wire::notify::rekey_sa),
                                              wire::EncryptedFragment{.number = 2, .total = 3},
                                              wire::UnknownPayload{.type = 200}};
    EXPECT_EQ(payload_list(payloads), "[ D N(REKEY_SA) SKF(2/3) PL(200) ]");
    EXPECT_EQ(payload_list({}), "[ ]");
}

// "0x0123456789abcdef", as the logs show an IKE SPI.
std::string spi_text(std::uint64_t spi) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(spi));
    return text;
}

struct Handshake : Pair {
    Handshake() : Pair(site_config(kAlice, kBob), site_config(kBob, kAlice)) {
        up(alice(), "site");
        run();
    }
};

TEST(ExchangeLog, InitiatorLogsEachMessageOfTheHandshakeInOrder) {
    Handshake p;
    EXPECT_EQ(summaries(p.alice()), (std::vector<std::string>{
                                        std::string("sending IKE_SA_INIT request 0 ") + kInitPayloads,
                                        std::string("received IKE_SA_INIT response 0 ") + kInitPayloads,
                                        "sending IKE_AUTH request 1 [ IDi IDr AUTH SA TSi TSr N(INITIAL_CONTACT) ]",
                                        "received IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]",
                                    }));
}

TEST(ExchangeLog, ResponderLogsEachMessageOfTheHandshakeInOrder) {
    Handshake p;
    EXPECT_EQ(summaries(p.bob()), (std::vector<std::string>{
                                      std::string("received IKE_SA_INIT request 0 ") + kInitPayloads,
                                      std::string("sending IKE_SA_INIT response 0 ") + kInitPayloads,
                                      "received IKE_AUTH request 1 [ IDi IDr AUTH SA TSi TSr N(INITIAL_CONTACT) ]",
                                      "sending IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]",
                                  }));
}

TEST(ExchangeLog, LineNamesTheIkeSaEndpointsAndSize) {
    Handshake p;
    const auto* first = std::get_if<SendDatagram>(&*std::find_if(
        p.alice().history().begin(), p.alice().history().end(),
        [](const Effect& e) { return std::holds_alternative<SendDatagram>(e); }));
    const auto status = p.alice().connection("site").ike_sas.at(0);
    const std::string spi = spi_text(status.local_spi);
    EXPECT_EQ(message_lines(p.alice()).at(0), "IKE SA " + spi + ": sending IKE_SA_INIT request 0 " +
                                                  kInitPayloads + " 192.0.2.1:500 -> 192.0.2.2:500 (" +
                                                  std::to_string(first->bytes.size()) + " bytes)");
}

TEST(ExchangeLog, LogEffectCarriesTheIkeSpiForTheJournal) {
    Handshake p;
    const auto status = p.alice().connection("site").ike_sas.at(0);
    const std::string spi = spi_text(status.local_spi);
    for (const auto& e : p.alice().history())
        if (const auto* l = std::get_if<Log>(&e)) {
            EXPECT_EQ(l->ike_spi, spi) << l->message;
        }
}

TEST(ExchangeLog, DeleteExchangeIsLoggedToo) {
    Handshake p;
    p.down(p.alice(), "site");
    p.run();
    const auto lines = summaries(p.alice());
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_EQ(lines[4], "sending INFORMATIONAL request 2 [ D ]");
    EXPECT_EQ(lines[5], "received INFORMATIONAL response 2 [ ]");
}

TEST(ExchangeLog, StatelessAnswerNamesTheSpisInstead) {
    auto bob = site_config(kBob, kAlice);
    set_ike_proposal(bob, "aes128gcm16-prfsha256-ecp256");
    auto alice = site_config(kAlice, kBob);
    set_ike_proposal(alice, "aes256gcm16-prfsha256-x25519");
    Pair p(alice, bob);
    p.up(p.alice(), "site");
    p.run();
    const auto lines = message_lines(p.bob());
    ASSERT_EQ(lines.size(), 2u);
    // "IKE SA 0x<16 hex>_i 0x<16 zeros>_r: ...": no responder SPI exists for a stateless answer.
    // (Plain string checks: <regex> trips GCC 12's -Wmaybe-uninitialized under ASan.)
    const std::string& line = lines[1];
    EXPECT_TRUE(line.starts_with("IKE SA 0x")) << line;
    EXPECT_NE(line.find("_i 0x0000000000000000_r: sending IKE_SA_INIT response 0 [ N(NO_PROPOSAL_CHOSEN) ] "),
              std::string::npos)
        << line;
    EXPECT_TRUE(line.ends_with(" bytes)")) << line;
}

}  // namespace

// The daemon's --log-level reaches the engine (EngineOptions::log_level): a line below it is
// not emitted at all, so a busy responder formats none of its debug lines.
TEST(ExchangeLog, LinesBelowTheLogLevelAreNotEmitted) {
    EngineOptions options;
    options.log_level = LogLevel::info;
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice), options);
    p.up(p.alice(), "site");
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    for (const Peer* peer : {&p.alice(), &p.bob()}) {
        const auto& h = peer->history();
        EXPECT_FALSE(std::any_of(h.begin(), h.end(), [](const Effect& e) {
            const auto* l = std::get_if<Log>(&e);
            return l && l->level == LogLevel::debug;
        }));
        EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const Effect& e) {
            const auto* l = std::get_if<Log>(&e);
            return l && l->level == LogLevel::info;
        }));
    }
}
