// The initiator checks the responder's answer before it installs a CHILD SA: the traffic
// selectors may be narrowed, never widened (RFC 7296 2.9), and the mode is the one asked for
// (1.3.1). Otherwise the peer's SAs are deleted again and nothing is installed. The
// responder here breaks those rules through EngineOptions::rewrite_response.
#include <gtest/gtest.h>

#include <algorithm>

#include "ike/v2/payloads.hpp"
#include "ike/v2/traffic_selectors.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

using Rewrite = std::function<void(wire::ExchangeType, std::vector<wire::Payload>&)>;

// A responder that answers `exchange` with TSi `tsi` whatever it negotiated.
Rewrite answer_tsi(wire::ExchangeType exchange, const char* tsi) {
    return [exchange, tsi](wire::ExchangeType e, std::vector<wire::Payload>& payloads) {
        if (e != exchange) return;
        for (auto& p : payloads)
            if (auto* ts = std::get_if<wire::TsI>(&p)) ts->selectors = to_selectors({*net::Prefix::parse(tsi)});
    };
}

// A responder that answers IKE_AUTH in transport mode whatever was asked.
Rewrite answer_transport() {
    return [](wire::ExchangeType e, std::vector<wire::Payload>& payloads) {
        const bool has_child = std::any_of(payloads.begin(), payloads.end(),
                                           [](const wire::Payload& p) { return std::holds_alternative<wire::TsI>(p); });
        if (e == wire::ExchangeType::ike_auth && has_child)
            payloads.insert(payloads.begin(), notify(wire::notify::use_transport_mode));
    };
}

EngineOptions responder_rewriting(Rewrite rewrite) {
    EngineOptions o;
    o.rewrite_response = std::move(rewrite);
    return o;
}

}  // namespace

TEST(AnswerCheck, WidenedSelectorsInIkeAuthAreDeletedNotInstalled) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice),
           responder_rewriting(answer_tsi(wire::ExchangeType::ike_auth, "10.0.0.0/8")));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("CHILD SA net refused: the peer widened the traffic selectors: answered TSi "
                                 "10.0.0.0/8 TSr 10.2.0.0/24, we proposed TSi 10.1.0.0/24 TSr 10.2.0.0/24; deleting it"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.alice().kernel().policies().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());  // the INFORMATIONAL Delete reached bob
    EXPECT_TRUE(p.bob().kernel().policies().empty());
}

// The refusal is the connection's typed failure (status, Up's ChildUnacceptable error), and
// the connection is partial, not up.
TEST(AnswerCheck, WidenedSelectorsAreTheConnectionsTypedFailure) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice),
           responder_rewriting(answer_tsi(wire::ExchangeType::ike_auth, "10.0.0.0/8")));
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.failure, (Failure{FailureKind::child_widened, "net", 0}));
    EXPECT_EQ(c.state, ConnectionState::partial);
    EXPECT_EQ(describe(c.failure), "child 'net' not installed: the peer widened the traffic selectors (RFC 7296 2.9)");
}

TEST(AnswerCheck, UnrequestedModeIsTheConnectionsTypedFailure) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice), responder_rewriting(answer_transport()));
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.failure, (Failure{FailureKind::child_mode_refused, "net", 0}));
    EXPECT_EQ(c.state, ConnectionState::partial);
}

TEST(AnswerCheck, UnrequestedTransportModeIsDeletedNotInstalled) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice), responder_rewriting(answer_transport()));
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("CHILD SA net refused: the peer chose transport mode, we asked for tunnel; deleting it"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

TEST(AnswerCheck, WidenedSelectorsInARekeyLeaveTheOldChildSa) {
    Pair p(site_config(kAlice, kBob), site_config(kBob, kAlice),
           responder_rewriting(answer_tsi(wire::ExchangeType::create_child_sa, "0.0.0.0/0")));
    p.up(p.alice(), "site");
    p.run();
    const auto old = p.alice().connection("site").ike_sas.at(0).children.at(0);
    p.soft_expire(p.alice(), old.spi_in);
    p.run();
    EXPECT_TRUE(p.alice().logged("the peer widened the traffic selectors: answered TSi 0.0.0.0/0"));
    const auto children = p.alice().connection("site").ike_sas.at(0).children;
    ASSERT_EQ(children.size(), 1u);
    EXPECT_EQ(children[0].spi_in, old.spi_in);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);  // bob's new pair went with the Delete
}

TEST(AnswerCheck, NarrowedSelectorsAreInstalled) {
    Pair p(site_config({kAlice.address, kAlice.id, "10.1.0.0/16"}, kBob), site_config(kBob, kAlice),
           responder_rewriting(answer_tsi(wire::ExchangeType::ike_auth, "10.1.2.0/24")));
    p.up(p.alice(), "site");
    p.run();
    const auto child = p.alice().connection("site").ike_sas.at(0).children.at(0);
    EXPECT_EQ(child.local_ts.at(0).str(), "10.1.2.0/24");
}
