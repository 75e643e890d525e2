// Host names in remote.address (ike/v2/resolve.cpp): the engine asks for the name with
// ResolveHost at load and at each initiation, initiates to what it resolved to, counts a
// name that does not resolve as a failed attempt, keeps configured subnets blocked until the
// peer's address is known, and admits a responder's peers at the resolved addresses.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

const net::Address kAliceAddress = *net::Address::parse(kAlice.address);
const net::Address kBobAddress = *net::Address::parse(kBob.address);

// `local`'s connection "site" names its peer `host` instead of the address.
policy::Config by_name(const Side& local, const Side& remote, const std::string& host,
                       policy::Start start = policy::Start::none) {
    auto c = site_config(local, remote);
    c.connections.front().remote.host = host;
    c.connections.front().remote.address.reset();
    c.connections.front().children.front().start = start;
    return c;
}

std::vector<ResolveHost> questions(const Peer& peer) {
    std::vector<ResolveHost> out;
    for (const auto& e : peer.history())
        if (const auto* q = std::get_if<ResolveHost>(&e)) out.push_back(*q);
    return out;
}

// alice's outbound policy for 10.1.0.0/24 -> 10.2.0.0/24, if any.
const xfrm::Policy* outbound(Peer& peer) {
    for (const auto& [id, p] : peer.kernel().policies())
        if (p.dir == xfrm::Dir::out && p.selector.src.str() == kAlice.subnet && p.selector.dst.str() == kBob.subnet)
            return &p;
    return nullptr;
}

bool out_policy_removed(const Peer& peer) {
    const auto& h = peer.history();
    return std::any_of(h.begin(), h.end(), [](const Effect& e) {
        const auto* d = std::get_if<DeletePolicy>(&e);
        return d && d->id.dir == xfrm::Dir::out;
    });
}

}  // namespace

TEST(HostNames, InitiatorResolvesTheNameAndInitiatesToItsAddress) {
    Pair p(by_name(kAlice, kBob, "bob.example"), site_config(kBob, kAlice));
    p.alice().set_hosts({{"bob.example", {kBobAddress}}});
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    ASSERT_EQ(c.state, ConnectionState::up);
    EXPECT_EQ(c.ike_sas.at(0).remote, (net::Endpoint{kBobAddress, 500}));
    // The family of local.address is asked for.
    ASSERT_FALSE(questions(p.alice()).empty());
    EXPECT_EQ(questions(p.alice()).front().name, "bob.example");
    EXPECT_EQ(questions(p.alice()).front().family, net::Family::v4);
    EXPECT_TRUE(p.alice().logged("resolving bob.example: 192.0.2.2"));
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

TEST(HostNames, EachInitiationResolvesTheNameAgain) {
    Pair p(by_name(kAlice, kBob, "bob.example"), site_config(kBob, kAlice));
    p.alice().set_hosts({{"bob.example", {kBobAddress}}});
    p.up(p.alice(), "site");
    p.run();
    p.down(p.alice(), "site");
    p.run();
    const auto asked = questions(p.alice()).size();
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(questions(p.alice()).size(), asked + 1);
}

TEST(HostNames, AnAddressOfAnotherFamilyThanLocalAddressIsNotUsed) {
    Pair p(by_name(kAlice, kBob, "bob.example"), site_config(kBob, kAlice));
    p.alice().set_hosts({{"bob.example", {*net::Address::parse("2001:db8::2")}}});
    p.up(p.alice(), "site");
    p.run();
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.state, ConnectionState::down);
    EXPECT_EQ(c.failure.kind, FailureKind::unresolved);
}

TEST(HostNames, ANameThatDoesNotResolveIsAFailedAttemptRetriedWithBackOff) {
    Pair p(by_name(kAlice, kBob, "bob.example", policy::Start::up), site_config(kBob, kAlice));
    p.alice().start(p.now(), p.network());
    p.advance(10s);
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.state, ConnectionState::connecting);  // no SA, but the next attempt is scheduled
    EXPECT_EQ(c.failure.kind, FailureKind::unresolved);
    EXPECT_EQ(describe(c.failure), "the peer's host name did not resolve (see the log)");
    EXPECT_TRUE(p.alice().logged("resolving bob.example: Name or service not known"));
    EXPECT_TRUE(p.alice().logged("CHILD SA net not up (the peer's host name did not resolve"));
    // 1 s, 2 s, 4 s: a few attempts in 10 s, not one per tick.
    EXPECT_GE(questions(p.alice()).size(), 3u);
    EXPECT_LE(questions(p.alice()).size(), 8u);
    EXPECT_EQ(p.network().sent(), 0u);  // nothing sent anywhere
}

// The configured subnets are blocked from the start: without the peer's address there is no
// template to send them to, but they never go out in clear. Once the name resolves, the
// same policies are turned into the trap in place.
TEST(HostNames, ConfiguredSubnetsAreBlockedUntilTheNameResolvesThenTrappedInPlace) {
    Pair p(by_name(kAlice, kBob, "bob.example", policy::Start::up), site_config(kBob, kAlice));
    p.alice().start(p.now(), p.network());
    p.advance(3s);
    const xfrm::Policy* blocked = outbound(p.alice());
    ASSERT_NE(blocked, nullptr);
    EXPECT_EQ(blocked->action, xfrm::Action::block);
    EXPECT_TRUE(blocked->templates.empty());
    EXPECT_TRUE(p.alice().logged("CHILD SA net blocked until bob.example resolves (3 policies)"));

    p.alice().set_hosts({{"bob.example", {kBobAddress}}});
    p.advance(70s);
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    const xfrm::Policy* trap = outbound(p.alice());
    ASSERT_NE(trap, nullptr);
    EXPECT_EQ(trap->action, xfrm::Action::allow);
    ASSERT_EQ(trap->templates.size(), 1u);
    EXPECT_EQ(trap->templates.front().dst, kBobAddress);
    EXPECT_FALSE(out_policy_removed(p.alice()));
    EXPECT_EQ(p.alice().kernel().policies().size(), 3u);
    EXPECT_EQ(p.alice().kernel_errors(), 0u);
}

// A child whose remote selector is the peer's own address has nothing to protect before the
// address is known: no policy until then, the trap once it resolves.
TEST(HostNames, DynamicSelectorsAreTrappedOnceTheNameResolves) {
    auto config = by_name(kAlice, kBob, "bob.example", policy::Start::trap);
    config.connections.front().children.front().remote_subnets.clear();
    Pair p(std::move(config), site_config(kBob, kAlice));
    p.alice().answer_names(false);
    p.alice().start(p.now(), p.network());
    EXPECT_TRUE(p.alice().kernel().policies().empty());
    EXPECT_TRUE(p.alice().logged("CHILD SA net not trapped until bob.example resolves"));
    p.alice().handle(p.now(), HostResolved{"bob.example", {kBobAddress}, ""}, p.network());
    ASSERT_EQ(p.alice().kernel().policies().size(), 3u);
    for (const auto& [id, pol] : p.alice().kernel().policies()) {
        ASSERT_EQ(pol.templates.size(), 1u);
        EXPECT_TRUE(pol.selector.src == net::Prefix::host(kBobAddress) || pol.selector.dst == net::Prefix::host(kBobAddress));
    }
}

TEST(HostNames, AnUnansweredResolutionGivesUpAfterItsTimeout) {
    Pair p(by_name(kAlice, kBob, "bob.example"), site_config(kBob, kAlice));
    p.alice().answer_names(false);
    p.up(p.alice(), "site");
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::connecting);
    p.advance(31s);
    const auto c = p.alice().connection("site");
    EXPECT_EQ(c.state, ConnectionState::down);
    EXPECT_EQ(c.failure.kind, FailureKind::unresolved);
    EXPECT_TRUE(p.alice().logged("resolving bob.example: no answer, giving up"));
    // The next initiation asks again.
    const auto asked = questions(p.alice()).size();
    p.up(p.alice(), "site");
    EXPECT_EQ(questions(p.alice()).size(), asked + 1);
}

TEST(HostNames, ResponderAdmitsThePeerAtTheResolvedAddress) {
    Pair p(site_config(kAlice, kBob), by_name(kBob, kAlice, "alice.example"));
    p.bob().set_hosts({{"alice.example", {kAliceAddress}}});
    p.bob().start(p.now(), p.network());  // resolved at load
    EXPECT_EQ(questions(p.bob()).size(), 1u);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
}

TEST(HostNames, ResponderRefusesAPeerElsewhere) {
    Pair p(site_config(kAlice, kBob), by_name(kBob, kAlice, "alice.example"));
    p.bob().set_hosts({{"alice.example", {*net::Address::parse("192.0.2.9")}}});
    p.bob().start(p.now(), p.network());
    p.up(p.alice(), "site");
    p.run(40s);
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
    EXPECT_TRUE(p.bob().logged("IKE_SA_INIT from 192.0.2.1:500 matches no connection"));
}

TEST(HostNames, EachReloadResolvesTheNamesAgain) {
    Pair p(site_config(kAlice, kBob), by_name(kBob, kAlice, "alice.example"));
    p.bob().set_hosts({{"alice.example", {*net::Address::parse("192.0.2.9")}}});
    p.bob().start(p.now(), p.network());
    p.bob().set_hosts({{"alice.example", {kAliceAddress}}});
    p.bob().reconfigure(p.now(), by_name(kBob, kAlice, "alice.example"), p.network());  // unchanged
    EXPECT_EQ(questions(p.bob()).size(), 2u);
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.bob().connection("site").state, ConnectionState::up);
}

// At a reload the name resolves elsewhere: the IKE SA to the old address is closed and the
// child, whose trap already sends to the new address, is brought up there (close_action).
TEST(HostNames, APeerThatMovedIsFollowed) {
    Pair p(by_name(kAlice, kBob, "bob.example", policy::Start::up), site_config(kBob, kAlice));
    p.alice().set_hosts({{"bob.example", {kBobAddress}}});
    p.alice().start(p.now(), p.network());
    p.run();
    ASSERT_EQ(p.alice().connection("site").state, ConnectionState::up);
    p.alice().set_hosts({{"bob.example", {*net::Address::parse("192.0.2.7")}}});
    p.alice().reconfigure(p.now(), by_name(kAlice, kBob, "bob.example", policy::Start::up), p.network());
    EXPECT_TRUE(p.alice().logged("bob.example no longer resolves to 192.0.2.2: closing the IKE SA"));
    EXPECT_EQ(outbound(p.alice())->templates.at(0).dst, *net::Address::parse("192.0.2.7"));
    EXPECT_FALSE(out_policy_removed(p.alice()));
    EXPECT_TRUE(p.alice().logged("CHILD SA net closed, its traffic blocked: restarting"));
}
