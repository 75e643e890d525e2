// Two engines in one process running EAP-MSCHAPv2 inside IKE_AUTH (RFC 7296 2.16): alice
// the road warrior (auth eap-mschapv2, EAP identity "carol"), bob the gateway with its
// certificate (test PKI, tests/unit/crypto/test_pki.hpp) and the users' passwords.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ike/v2/neutral.hpp"
#include "ike/v2/payloads.hpp"
#include "ike/wire/decode.hpp"
#include "tests/unit/crypto/test_pki.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

policy::EapSecret password(const std::string& id, const std::string& text) {
    return {id, base::SecretBytes(text.begin(), text.end())};
}

const crypto::test::Ca& gateway_ca() {
    static const auto ca = crypto::test::make_ca("ipsecd test CA");
    return ca;
}

// alice's connection is "home", bob's "rw": one Credentials object serves both engines.
struct Scenario {
    policy::Config alice = site_config(kAlice, kBob);
    policy::Config bob = site_config(kBob, kAlice);
    Credentials credentials;

    Scenario() {
        auto& home = alice.connections.front();
        home.name = "home";
        home.local.auth = policy::Auth::eap_mschapv2;
        home.local.eap_id = "carol";
        home.remote.auth = policy::Auth::pubkey;
        alice.secrets.clear();
        alice.eap_secrets = {password("carol", "c4rol's p\xc3\xa4ssword")};
        auto& rw = bob.connections.front();
        rw.name = "rw";
        rw.local.auth = policy::Auth::pubkey;
        rw.remote.auth = policy::Auth::eap_mschapv2;
        bob.secrets.clear();
        bob.eap_secrets = {password("dave", "other"), password("carol", "c4rol's p\xc3\xa4ssword")};
        credentials.wall_clock = [] { return std::chrono::system_clock::now(); };
        credentials.connections["home"] = {{}, nullptr, {{gateway_ca().cert}, {}}};
        gateway_key(crypto::test::KeyType::p256);
    }
    void gateway_key(crypto::test::KeyType type) {
        const auto key = crypto::test::pki_key(type, 1);
        credentials.connections["rw"] = {{crypto::test::issue(gateway_ca(), "bob", *key, {.dns = "bob.example"})}, key, {}};
    }
    EngineOptions options;
    // The engines keep a pointer to `credentials`: the scenario outlives the pair.
    Pair pair() const {
        EngineOptions o = options;
        o.credentials = &credentials;
        return Pair(alice, bob, o);
    }
};

void expect_up(Pair& p) {
    EXPECT_EQ(p.alice().connection("home").state, ConnectionState::up);
    EXPECT_EQ(p.bob().connection("rw").state, ConnectionState::up);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
}

void expect_refused(Pair& p) {
    EXPECT_EQ(p.alice().connection("home").state, ConnectionState::down);
    EXPECT_EQ(p.alice().connection("home").failure.kind, FailureKind::authentication_failed);
    EXPECT_EQ(p.bob().connection("rw").state, ConnectionState::down);
    EXPECT_TRUE(p.alice().kernel().sas().empty());
    EXPECT_TRUE(p.bob().kernel().sas().empty());
}

// The EAP payloads bob sent, decoded as IKE_AUTH responses pass (counted by message).
unsigned ike_auth_exchanges(const std::vector<base::Bytes>& sent) {
    unsigned n = 0;
    for (const auto& b : sent)
        if (auto m = wire::decode_message(b); m && m->header.exchange == wire::ExchangeType::ike_auth &&
                                              !(m->header.flags & wire::flag::response))
            ++n;
    return n;
}

void connect(Pair& p, std::vector<base::Bytes>* seen = nullptr) {
    if (seen)
        p.network().set_rule([seen](const Datagram& d, std::uint64_t) {
            seen->push_back(d.bytes);
            return Fate{};
        });
    p.up(p.alice(), "home");
    p.run();
}

TEST(Eap, MsChapV2EstablishesTheSaAndTheChildAfterTheAuthsWithTheMsk) {
    Scenario s;
    std::vector<base::Bytes> seen;
    Pair p = s.pair();
    connect(p, &seen);
    expect_up(p);
    EXPECT_TRUE(p.bob().logged("IKE SA established with carol"));
    EXPECT_TRUE(p.alice().logged("IKE SA established with @bob.example"));
    // IDi without AUTH, Identity, MS-CHAPv2 Response, Success acknowledgement, AUTH.
    EXPECT_EQ(ike_auth_exchanges(seen), 5u);
}

TEST(Eap, AnIkeIdentityWithAPasswordSkipsTheEapIdentityRound) {
    Scenario s;
    s.alice.connections.front().local.id = policy::Identity::parse("carol@example.org").value();
    s.bob.connections.front().remote.id = policy::Identity::parse("%any").value();
    s.bob.eap_secrets.push_back(password("carol@example.org", "c4rol's p\xc3\xa4ssword"));
    s.alice.eap_secrets.push_back(password("carol@example.org", "c4rol's p\xc3\xa4ssword"));
    s.alice.connections.front().local.eap_id = "carol@example.org";
    std::vector<base::Bytes> seen;
    Pair p = s.pair();
    connect(p, &seen);
    expect_up(p);
    EXPECT_EQ(ike_auth_exchanges(seen), 4u);
}

// alice asks for an IPv4 virtual IP, bob leases 10.3.0.1-10.3.0.9 (pool "office", `dns`).
void lease_from_office(Scenario& s, std::vector<net::Address> dns = {}) {
    auto& home = s.alice.connections.front();
    home.local.subnets.clear();
    home.children.front().local_subnets.clear();
    home.vips = {net::Family::v4};
    auto& rw = s.bob.connections.front();
    rw.remote.subnets.clear();
    rw.children.front().remote_subnets.clear();
    rw.pools = {"office"};
    s.bob.pools.push_back({"office", *net::Address::parse("10.3.0.1"), *net::Address::parse("10.3.0.9"), std::move(dns), {}});
}

// RFC 7296 3.15 with 2.16: the CFG_REQUEST of the first IKE_AUTH is answered in the last
// one, and the lease belongs to the EAP identity, not to the IKE identity (the address).
TEST(Eap, AVirtualIpIsLeasedToTheEapIdentityInTheLastResponse) {
    Scenario s;
    lease_from_office(s, {*net::Address::parse("10.1.0.53")});
    Pair p = s.pair();
    connect(p, nullptr);
    expect_up(p);
    const auto leases = p.bob().engine().leases();
    ASSERT_EQ(leases.size(), 1u);
    EXPECT_EQ(leases[0].identity, "carol");
    EXPECT_EQ(leases[0].address.str(), "10.3.0.1");
    EXPECT_TRUE(p.alice().logged("virtual IP 10.3.0.1 assigned by the peer (DNS 10.1.0.53, domains none)"));
}

// Many road warriors behind one address and port (one strongSwan with a connection per user,
// or a NAT): each EAP identity gets an IKE SA, a CHILD SA, kernel policies and a lease of its
// own, INITIAL_CONTACT of one forgets none of the others' (they are other peers, 2.4), and
// one that reconnects gets its lease back while the others' IKE SAs stay as they were.
TEST(Eap, EachIdentityFromOneAddressHasItsOwnIkeSaAndLeaseAndReconnectsAlone) {
    Scenario s;
    const std::vector<std::string> users{"carol", "dave", "erin"};
    const auto home = s.alice.connections.front();
    s.alice.connections.clear();
    s.alice.eap_secrets.clear();
    for (const auto& user : users) {
        auto c = home;
        c.name = "home-" + user;
        c.local.eap_id = user;
        c.local.subnets.clear();
        c.children.front().name = user;
        c.children.front().local_subnets.clear();
        c.vips = {net::Family::v4};
        s.alice.connections.push_back(c);
        s.alice.eap_secrets.push_back(password(user, user + "'s password"));
        s.credentials.connections[c.name] = s.credentials.connections["home"];
    }
    auto& rw = s.bob.connections.front();
    rw.remote.subnets.clear();
    rw.children.front().remote_subnets.clear();
    rw.pools = {"office"};
    s.bob.pools.push_back({"office", *net::Address::parse("10.3.0.1"), *net::Address::parse("10.3.0.9"), {}, {}});
    s.bob.eap_secrets.clear();
    for (const auto& user : users) s.bob.eap_secrets.push_back(password(user, user + "'s password"));
    Pair p = s.pair();
    for (const auto& user : users) p.up(p.alice(), "home-" + user);   // all at once
    p.run();

    auto by_lease = [&] {
        std::map<std::string, std::uint64_t> spis;   // lease -> the gateway's IKE SA
        for (const auto& sa : p.bob().connection("rw").ike_sas) {
            EXPECT_EQ(sa.remote, p.alice().endpoint());
            EXPECT_EQ(sa.children.size(), 1u);
            EXPECT_EQ(sa.virtual_ips.size(), 1u);
            if (sa.virtual_ips.size() == 1) spis[sa.virtual_ips[0].str()] = sa.local_spi;
        }
        return spis;
    };
    const auto before = by_lease();
    EXPECT_EQ(before.size(), users.size());
    std::map<std::string, std::string> leases;   // identity -> address
    for (const auto& l : p.bob().engine().leases()) leases[l.identity] = l.address.str();
    ASSERT_EQ(leases.size(), users.size());
    EXPECT_EQ(p.bob().kernel().policies().size(), 3 * users.size());   // out, in, fwd each
    for (const auto& user : users)
        EXPECT_EQ(p.alice().connection("home-" + user).ike_sas.at(0).virtual_ips.at(0).str(), leases[user]);

    p.down(p.alice(), "home-dave");
    p.run();
    p.up(p.alice(), "home-dave");
    p.run();
    const auto after = by_lease();
    ASSERT_EQ(p.alice().connection("home-dave").ike_sas.size(), 1u);
    EXPECT_EQ(p.alice().connection("home-dave").ike_sas[0].virtual_ips.at(0).str(), leases["dave"]);
    for (const auto& user : {"carol", "erin"}) EXPECT_EQ(after.at(leases[user]), before.at(leases[user])) << user;
    EXPECT_NE(after.at(leases["dave"]), before.at(leases["dave"]));
    EXPECT_EQ(p.bob().kernel_errors(), 0u);
}

// Apple's clients run EAP-MSCHAPv2 without SIGNATURE_HASH_ALGORITHMS (RFC 7427 4): a gateway
// with an RSA certificate signs its AUTH with method 1 (RFC 7296 3.8), the last AUTH is the
// MSK's (2.16).
TEST(Eap, AGatewayWithAnRsaCertificateAnswersAClientWithoutSignatureHashesWithMethodOne) {
    Scenario s;
    s.gateway_key(crypto::test::KeyType::rsa);
    omit_signature_hashes(s.options, true);
    std::vector<AuthMethod> gateway_auth;
    record_response_auth(s.options, gateway_auth);
    Pair p = s.pair();
    connect(p);
    expect_up(p);
    EXPECT_EQ(gateway_auth, (std::vector<AuthMethod>{AuthMethod::rsa_sig, AuthMethod::psk}));
}

TEST(Eap, AWrongPasswordIsAnAuthenticationFailureLoggedWithoutThePassword) {
    Scenario s;
    s.alice.eap_secrets = {password("carol", "guess0")};
    Pair p = s.pair();
    connect(p);
    expect_refused(p);
    EXPECT_TRUE(p.bob().logged("EAP-MSCHAPv2 authentication of 'carol' failed (wrong password)"));
    EXPECT_FALSE(p.bob().logged("guess0"));
    EXPECT_FALSE(p.alice().logged("guess0"));
    EXPECT_FALSE(p.bob().logged("c4rol"));
}

// The road warrior of a wrong password: alice's child is `start: up`, bob hands out leases.
struct WrongPassword {
    Scenario s;
    std::vector<base::Bytes> seen;
    std::optional<Pair> p;
    WrongPassword() {
        s.alice.eap_secrets = {password("carol", "guess0")};
        s.alice.connections.front().children.front().start = policy::Start::up;
        lease_from_office(s);
        EngineOptions o = s.options;
        o.credentials = &s.credentials;
        p.emplace(s.alice, s.bob, o);
        p->network().set_rule([this](const Datagram& d, std::uint64_t) {
            seen.push_back(d.bytes);
            return Fate{};
        });
        p->alice().start(p->now(), p->network());
        p->run(std::chrono::seconds(5));
    }
    unsigned attempts() const {
        unsigned n = 0;
        for (const auto& b : seen)
            if (auto m = wire::decode_message(b); m && m->header.exchange == wire::ExchangeType::ike_sa_init &&
                                                  !(m->header.flags & wire::flag::response))
                ++n;
        return n;
    }
    // A packet of alice's towards bob's subnet meets the out policy of her `start: up` child.
    void traffic() {
        for (const auto& [id, pol] : p->alice().kernel().policies()) {
            if (pol.dir != xfrm::Dir::out || pol.templates.empty()) continue;
            xfrm::Acquire a;
            a.selector = pol.selector;
            a.src = *net::Address::parse(kAlice.address);
            a.dst = *net::Address::parse(kBob.address);
            a.reqid = pol.templates.at(0).reqid;
            p->alice().handle(p->now(), KernelAcquire{a}, p->network());
            return;
        }
        ADD_FAILURE() << "no out policy guards alice's child";
    }
};

// 2.21.2 with EAP: refused, the gateway keeps nothing of the attempt.
TEST(Eap, AWrongPasswordLeavesTheGatewayNoIkeSaAndNoLease) {
    WrongPassword w;
    EXPECT_EQ(w.p->alice().connection("home").failure.kind, FailureKind::authentication_failed);
    EXPECT_TRUE(w.p->bob().connection("rw").ike_sas.empty());
    EXPECT_TRUE(w.p->bob().engine().leases().empty());
    EXPECT_TRUE(w.p->bob().kernel().sas().empty());
    EXPECT_FALSE(w.p->bob().logged("guess0"));
}

// Directories lock an account after a few wrong passwords: the back-off does not retry it.
TEST(Eap, ARefusedPasswordIsNotTriedAgainByTheBackOff) {
    WrongPassword w;
    w.p->advance(std::chrono::hours(1));
    EXPECT_EQ(w.attempts(), 1u);
    EXPECT_TRUE(w.p->alice().logged("CHILD SA net not up (authentication failed): the password is not tried again "
                                    "until a reload or an operator's up"));
    EXPECT_EQ(w.p->alice().connection("home").state, ConnectionState::down);
    EXPECT_FALSE(w.p->alice().kernel().policies().empty());  // its traffic stays blocked
}

TEST(Eap, ARefusedPasswordIsNotTriedAgainByTraffic) {
    WrongPassword w;
    w.p->advance(std::chrono::seconds(10));  // the back-off has given up
    w.traffic();
    w.p->advance(std::chrono::minutes(1));
    EXPECT_EQ(w.attempts(), 1u);
    EXPECT_TRUE(w.p->alice().logged("kernel acquire after a failed authentication with our password: ignored"));
}

TEST(Eap, AnOperatorsUpTriesTheRefusedPasswordOnceMore) {
    WrongPassword w;
    w.p->advance(std::chrono::seconds(10));
    w.p->up(w.p->alice(), "home");
    w.p->advance(std::chrono::hours(1));
    EXPECT_EQ(w.attempts(), 2u);
}

// The password corrected (a reload of secrets, or NetworkManager's new one): the next attempt
// follows at once, succeeds, and gets the lease.
TEST(Eap, AReloadWithTheCorrectedPasswordConnectsAndGetsTheLease) {
    WrongPassword w;
    w.p->advance(std::chrono::seconds(10));
    auto fixed = w.s.alice;
    fixed.eap_secrets = {password("carol", "c4rol's p\xc3\xa4ssword")};
    w.p->alice().reconfigure(w.p->now(), fixed, w.p->network());
    w.p->run(std::chrono::seconds(5));
    EXPECT_EQ(w.attempts(), 2u);
    EXPECT_EQ(w.p->alice().connection("home").state, ConnectionState::up);
    const auto leases = w.p->bob().engine().leases();
    ASSERT_EQ(leases.size(), 1u);
    EXPECT_EQ(leases[0].identity, "carol");
    EXPECT_EQ(w.p->alice().connection("home").ike_sas.at(0).virtual_ips.at(0).str(), "10.3.0.1");
}

TEST(Eap, AnUnknownIdentityIsRefused) {
    Scenario s;
    s.alice.connections.front().local.eap_id = "mallory";
    s.alice.eap_secrets = {password("mallory", "x")};
    Pair p = s.pair();
    connect(p);
    expect_refused(p);
    EXPECT_TRUE(p.bob().logged("failed (unknown identity): no password for EAP identity 'mallory'"));
}

TEST(Eap, ARoadWarriorWithoutItsPasswordDoesNotStart) {
    Scenario s;
    s.alice.eap_secrets.clear();
    Pair p = s.pair();
    connect(p);
    EXPECT_TRUE(p.alice().logged("cannot authenticate: no password for EAP identity 'carol'"));
    EXPECT_TRUE(p.alice().kernel().sas().empty());
}

TEST(Eap, AGatewayWhoseCertificateIsNotTrustedIsRefusedBeforeAnyEap) {
    Scenario s;
    static const auto other = crypto::test::make_ca("Other CA", 1);
    s.credentials.connections["home"].trust = {{other.cert}, {}};
    std::vector<base::Bytes> seen;
    Pair p = s.pair();
    connect(p, &seen);
    expect_refused(p);
    EXPECT_EQ(ike_auth_exchanges(seen), 1u);
}

TEST(Eap, LostMessagesInTheMiddleOfEapAreRetransmitted) {
    Scenario s;
    Pair p = s.pair();
    // The gateway's first EAP request (its AUTH with it) and the MS-CHAPv2 Response are
    // lost once: alice retransmits, bob answers the first from its cache.
    p.network().set_rule([](const Datagram&, std::uint64_t seq) { return Fate{seq == 3 || seq == 7 ? 0u : 1u}; });
    p.up(p.alice(), "home");
    p.advance(std::chrono::seconds(10));
    expect_up(p);
}

TEST(Eap, DuplicatedMessagesInTheMiddleOfEapAreHarmless) {
    Scenario s;
    Pair p = s.pair();
    p.network().set_rule([](const Datagram&, std::uint64_t) { return Fate{2u}; });
    p.up(p.alice(), "home");
    p.run();
    expect_up(p);
}

}  // namespace
