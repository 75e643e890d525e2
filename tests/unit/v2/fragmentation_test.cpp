// IKE fragmentation (RFC 7383): splitting on send, authenticated reassembly with bounds, and
// two engines completing IKE_AUTH in fragments over a lossy, duplicating, reordering network.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "ike/v2/core.hpp"
#include "ike/v2/fragmentation.hpp"
#include "ike/v2/protection.hpp"
#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;
using fragmentation::Reassembly;

namespace {

wire::EncryptedFragment fragment(std::uint16_t number, std::uint16_t total) {
    return {number == 1 ? wire::PayloadType::notify : wire::PayloadType::none, number, total, {}};
}

base::SecretBytes filled(std::size_t n, std::uint8_t value) { return base::SecretBytes(n, value); }

// ---- Reassembly on its own ----

TEST(Reassembly, CompletesInAnyOrderWithTheFirstFragmentsPayloadType) {
    Reassembly r;
    EXPECT_FALSE(r.add(7, fragment(3, 3), filled(2, 3)).value());
    EXPECT_FALSE(r.add(7, fragment(1, 3), filled(2, 1)).value());
    auto whole = r.add(7, fragment(2, 3), filled(2, 2)).value();
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->first_inner, wire::PayloadType::notify);
    EXPECT_EQ(whole->plain, (base::SecretBytes{1, 1, 2, 2, 3, 3}));
    EXPECT_EQ(r.bytes(), 0u);
}

TEST(Reassembly, IgnoresADuplicate) {
    Reassembly r;
    (void)r.add(7, fragment(1, 2), filled(2, 1));
    EXPECT_FALSE(r.add(7, fragment(1, 2), filled(2, 9)).value());
    EXPECT_EQ(r.fragments(), 1u);
    EXPECT_EQ(r.add(7, fragment(2, 2), filled(1, 2)).value()->plain, (base::SecretBytes{1, 1, 2}));
}

TEST(Reassembly, RestartsForAnotherMessageId) {
    Reassembly r;
    (void)r.add(7, fragment(1, 2), filled(2, 1));
    EXPECT_FALSE(r.add(8, fragment(2, 2), filled(1, 2)).value());
    EXPECT_EQ(r.fragments(), 1u);
    EXPECT_EQ(r.bytes(), 1u);
}

TEST(Reassembly, RestartsOnALargerTotalAndIgnoresASmallerOne) {
    Reassembly r;
    (void)r.add(7, fragment(1, 2), filled(4, 1));
    EXPECT_FALSE(r.add(7, fragment(1, 3), filled(3, 1)).value());  // re-fragmented smaller
    EXPECT_EQ(r.bytes(), 3u);
    EXPECT_FALSE(r.add(7, fragment(2, 2), filled(4, 2)).value());  // stale
    EXPECT_EQ(r.fragments(), 1u);
}

TEST(Reassembly, RejectsMoreFragmentsThanTheLimit) {
    Reassembly r;
    auto added = r.add(7, fragment(1, fragmentation::kMaxFragments + 1), filled(10, 1));
    ASSERT_FALSE(added);
    EXPECT_NE(added.error().message.find("more than 32 fragments"), std::string::npos);
    EXPECT_EQ(r.fragments(), 0u);
}

TEST(Reassembly, RejectsAMessageBeyondTheByteLimitAndForgetsIt) {
    Reassembly r;
    const std::size_t part = fragmentation::kMaxMessageBytes / 3 + 1;
    EXPECT_TRUE(r.add(7, fragment(1, 4), filled(part, 1)));
    EXPECT_TRUE(r.add(7, fragment(2, 4), filled(part, 2)));
    auto added = r.add(7, fragment(3, 4), filled(part, 3));
    ASSERT_FALSE(added);
    EXPECT_NE(added.error().message.find("exceeds 65536 bytes"), std::string::npos);
    EXPECT_EQ(r.bytes(), 0u);
    EXPECT_EQ(r.fragments(), 0u);
}

// ---- The reassembly budget of all IKE SAs of an engine ----

using fragmentation::Budget;

Reassembly attached_to(Budget& budget) {
    Reassembly r;
    r.attach(budget);
    return r;
}

// One request-direction Reassembly per half-open IKE SA, all charged to `budget`.
std::vector<std::unique_ptr<Reassembly>> half_open_sas(Budget& budget, std::size_t count) {
    std::vector<std::unique_ptr<Reassembly>> sas;
    for (std::size_t i = 0; i < count; ++i) sas.push_back(std::make_unique<Reassembly>(attached_to(budget)));
    return sas;
}

TEST(ReassemblyBudget, IsOneMebibyteByDefault) {
    EXPECT_EQ(Budget().limit(), 1024u * 1024u);
}

TEST(ReassemblyBudget, ManyIncompleteMessagesNeverHoldMoreThanIt) {
    Budget budget(64 * 1024);
    auto sas = half_open_sas(budget, 100);
    std::size_t refused = 0;
    // Every SA sends all but the last of 32 fragments of 2000 bytes: never completes.
    for (std::uint16_t n = 1; n < fragmentation::kMaxFragments; ++n)
        for (auto& sa : sas) {
            if (!sa->add(1, fragment(n, fragmentation::kMaxFragments), filled(2000, 1))) ++refused;
            ASSERT_LE(budget.used(), budget.limit());
        }
    EXPECT_GT(refused, 0u);
    std::size_t held = 0;
    for (const auto& sa : sas) held += sa->bytes();
    EXPECT_EQ(held, budget.used());
}

TEST(ReassemblyBudget, RefusedFragmentDropsWhatItsMessageHeld) {
    Budget budget(10);
    Reassembly r = attached_to(budget);
    EXPECT_TRUE(r.add(7, fragment(1, 3), filled(6, 1)));
    auto refused = r.add(7, fragment(2, 3), filled(6, 2));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("fragment refused"), std::string::npos);
    EXPECT_EQ(r.fragments(), 0u);
    EXPECT_EQ(budget.used(), 0u);
}

TEST(ReassemblyBudget, CompletedMessageGivesItsBytesBack) {
    Budget budget(100);
    Reassembly r = attached_to(budget);
    (void)r.add(7, fragment(1, 2), filled(30, 1));
    EXPECT_EQ(budget.used(), 30u);
    EXPECT_TRUE(r.add(7, fragment(2, 2), filled(30, 2)).value());
    EXPECT_EQ(budget.used(), 0u);
}

TEST(ReassemblyBudget, ClosedIkeSaGivesItsBytesBack) {
    Budget budget(100);
    auto sas = half_open_sas(budget, 2);
    (void)sas[0]->add(7, fragment(1, 2), filled(30, 1));
    (void)sas[1]->add(7, fragment(1, 2), filled(40, 1));
    sas[0].reset();  // timed out
    EXPECT_EQ(budget.used(), 40u);
}

TEST(ReassemblyBudget, MovedReassemblyKeepsItsShare) {
    Budget budget(100);
    Reassembly r = attached_to(budget);
    (void)r.add(7, fragment(1, 2), filled(30, 1));
    Reassembly moved(std::move(r));
    EXPECT_EQ(budget.used(), 30u);
    EXPECT_TRUE(moved.add(7, fragment(2, 2), filled(5, 2)).value());
    EXPECT_EQ(budget.used(), 0u);
}

TEST(ReassemblyBudget, LegitimateMessageCompletesOnceHalfOpenSasTimeOut) {
    Budget budget(64 * 1024);
    auto hostile = half_open_sas(budget, 40);
    for (auto& sa : hostile) (void)sa->add(1, fragment(1, 4), filled(8192, 1));
    ASSERT_EQ(budget.used(), budget.limit());
    Reassembly legitimate = attached_to(budget);
    EXPECT_FALSE(legitimate.add(1, fragment(1, 2), filled(1000, 1)));
    hostile.clear();  // the half-open SAs time out
    EXPECT_EQ(budget.used(), 0u);
    // The peer retransmits the whole message.
    EXPECT_FALSE(legitimate.add(1, fragment(1, 2), filled(1000, 1)).value());
    auto whole = legitimate.add(1, fragment(2, 2), filled(1000, 2)).value();
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->plain.size(), 2000u);
}

// ---- Sizing ----

TEST(FragmentSize, PathLimitLosesIpUdpAndNonEspMarker) {
    const net::Endpoint v4{*net::Address::parse("192.0.2.1"), 500}, v4natt{*net::Address::parse("192.0.2.2"), 4500};
    const net::Endpoint v6{*net::Address::parse("2001:db8::1"), 500};
    EXPECT_EQ(fragmentation::max_message_size(1280, v4, v4, 4500), 1280u - 20 - 8);
    EXPECT_EQ(fragmentation::max_message_size(1280, v4, v4natt, 4500), 1280u - 20 - 8 - 4);
    EXPECT_EQ(fragmentation::max_message_size(1280, v6, v6, 4500), 1280u - 40 - 8);
    EXPECT_EQ(fragmentation::max_message_size(20, v4, v4, 4500), 0u);
}

// ---- seal/open between two hand-made IKE SAs sharing keys ----

struct Link {
    crypto::DeterministicRng rng{7};
    Core core{policy::Config{}, rng, EngineOptions{.fragment_size = 400}};
    IkeSa initiator, responder;

    Link() {
        share_keys(initiator);
        share_keys(responder);
        initiator.initiator = true;
    }

    static void share_keys(IkeSa& sa) {
        sa.sk = crypto::SkTransform{EncrId::aes_gcm_16, 256, IntegId::none};
        sa.keys.sk_ei = filled(36, 1);
        sa.keys.sk_er = filled(36, 2);
        sa.peer_fragmentation = true;
        sa.spis = {1, 2};
        sa.local = {*net::Address::parse("192.0.2.1"), 500};
        sa.remote = {*net::Address::parse("192.0.2.2"), 500};
    }

    Datagrams seal_request(const Payloads& inner) {
        return seal(core, initiator, header_for(initiator, wire::ExchangeType::ike_auth, false, 1), inner).value();
    }

    base::Result<std::optional<Payloads>> open_at_responder(const base::Bytes& datagram) {
        return open(responder, datagram, wire::decode_message(datagram).value());
    }

    // A fragment the initiator's keys authenticate, with any numbering.
    base::Bytes forge_authentic(std::uint16_t number, std::uint16_t total, base::ByteView plain) {
        auto cipher = crypto::SkCipher::create(*initiator.sk, initiator.keys.sk_ei, {}).value();
        wire::Message m{header_for(initiator, wire::ExchangeType::ike_auth, false, 1), {fragment(number, total)}};
        base::Bytes datagram = wire::encrypted_prefix(m, cipher->sealed_size(plain.size())).value();
        const base::Bytes body = cipher->seal(datagram, plain, rng).value();
        datagram.insert(datagram.end(), body.begin(), body.end());
        return datagram;
    }

    // Another responder IKE SA of the engine with the same keys, as a hostile sender that
    // completed IKE_SA_INIT many times would get (half-open until IKE_AUTH completes).
    IkeSa& add_half_open(std::uint64_t responder_spi) {
        auto sa = std::make_unique<IkeSa>();
        share_keys(*sa);
        sa->spis.responder = responder_spi;
        return core.add_sa(std::move(sa));
    }
};

Payloads large_payloads() { return {notify(wire::notify::initial_contact, base::Bytes(1000, 0xab))}; }

TEST(FragmentProtection, LargeMessageGoesOutAsFragmentsWithinTheLimit) {
    Link link;
    const Datagrams out = link.seal_request(large_payloads());
    ASSERT_GE(out.size(), 3u);
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_LE(out[i].size(), 400u - 28);  // IPv4 and UDP headers
        const auto m = wire::decode_message(out[i]).value();
        const auto& f = std::get<wire::EncryptedFragment>(m.payloads.back());
        EXPECT_EQ(f.number, i + 1);
        EXPECT_EQ(f.total, out.size());
        EXPECT_EQ(f.first_inner, i == 0 ? wire::PayloadType::notify : wire::PayloadType::none);
    }
}

TEST(FragmentProtection, ReassembledMessageDecodesAsIfSentWhole) {
    Link link;
    const Datagrams out = link.seal_request(large_payloads());
    for (std::size_t i = out.size() - 1; i > 0; --i) EXPECT_FALSE(link.open_at_responder(out[i]).value());
    auto inner = link.open_at_responder(out[0]).value();
    ASSERT_TRUE(inner);
    EXPECT_EQ(*inner, large_payloads());
}

TEST(FragmentProtection, NoFragmentsWhenThePeerDidNotAnnounceSupport) {
    Link link;
    link.initiator.peer_fragmentation = false;
    const Datagrams out = link.seal_request(large_payloads());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_GT(out[0].size(), 400u);
    EXPECT_EQ(*link.open_at_responder(out[0]).value(), large_payloads());
}

TEST(FragmentProtection, SmallMessageIsNotFragmented) {
    Link link;
    EXPECT_EQ(link.seal_request({notify(wire::notify::initial_contact)}).size(), 1u);
}

TEST(FragmentProtection, ForgedFragmentIsNotStored) {
    Link link;
    const Datagrams out = link.seal_request(large_payloads());
    (void)link.open_at_responder(out[0]);
    base::Bytes forged = out[1];
    forged.back() ^= 1;  // ICV
    auto opened = link.open_at_responder(forged);
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("fragment 2/"), std::string::npos);
    EXPECT_EQ(link.responder.request_fragments.fragments(), 1u);
}

TEST(FragmentProtection, AuthenticFragmentBeyondTheLimitIsRejected) {
    Link link;
    auto opened = link.open_at_responder(link.forge_authentic(1, 33, base::Bytes(10, 1)));
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("more than 32 fragments"), std::string::npos);
    EXPECT_EQ(link.responder.request_fragments.bytes(), 0u);
}

TEST(FragmentProtection, HostileHalfOpenSasNeverPushTheEngineBeyondItsReassemblyBudget) {
    Link link;
    std::vector<IkeSa*> half_open;
    for (std::uint64_t spi = 100; spi < 140; ++spi) half_open.push_back(&link.add_half_open(spi));
    const Budget& budget = link.core.reassembly_budget;
    const base::Bytes part(2000, 1);  // 31 of 32 such fragments: a large IKE_AUTH, never completed
    std::size_t refused = 0;
    for (std::uint16_t n = 1; n < fragmentation::kMaxFragments; ++n)
        for (IkeSa* sa : half_open) {
            const base::Bytes datagram = link.forge_authentic(n, fragmentation::kMaxFragments, part);
            if (!open(*sa, datagram, wire::decode_message(datagram).value())) ++refused;
            ASSERT_LE(budget.used(), budget.limit());
        }
    EXPECT_GT(refused, 0u);
    EXPECT_GT(budget.used(), budget.limit() / 2);
    link.core.sas.clear();  // they time out
    EXPECT_EQ(budget.used(), 0u);
}

TEST(FragmentProtection, SenderRefusesMoreFragmentsThanAPeerAccepts) {
    Link link;
    link.core.options.fragment_size = 100;
    auto sealed = seal(link.core, link.initiator, header_for(link.initiator, wire::ExchangeType::ike_auth, false, 1),
                       large_payloads());
    ASSERT_FALSE(sealed);
    EXPECT_NE(sealed.error().message.find("more than 32"), std::string::npos);
}

// ---- Two engines ----

// The SKF payload a datagram ends with, if any.
std::optional<wire::EncryptedFragment> fragment_in(const Datagram& d) {
    auto m = wire::decode_message(d.bytes);
    if (!m || m->payloads.empty()) return std::nullopt;
    if (const auto* f = std::get_if<wire::EncryptedFragment>(&m->payloads.back())) return *f;
    return std::nullopt;
}

bool is_response(const Datagram& d) { return (d.bytes[19] & wire::flag::response) != 0; }

// Small enough that a PSK IKE_AUTH request and response each need several fragments.
const EngineOptions kSmallFragments{.fragment_size = 160};

Pair make_pair(EngineOptions options = kSmallFragments) {
    return Pair(site_config(kAlice, kBob), site_config(kBob, kAlice), options);
}

bool both_up(Pair& p) {
    return p.alice().connection("site").state == ConnectionState::up &&
           p.bob().connection("site").state == ConnectionState::up;
}

// Drops the first datagram `match` accepts, keeping a copy in `*kept`.
Network::Rule drop_first(std::function<bool(const Datagram&)> match,
                         std::shared_ptr<std::optional<Datagram>> kept = std::make_shared<std::optional<Datagram>>()) {
    return [match = std::move(match), kept](const Datagram& d, std::uint64_t) {
        if (*kept || !match(d)) return Fate{};
        *kept = d;
        return Fate{.copies = 0};
    };
}

std::function<bool(const Datagram&)> fragment_number(bool response, std::uint16_t number) {
    return [=](const Datagram& d) {
        auto f = fragment_in(d);
        return f && f->number == number && is_response(d) == response;
    };
}

TEST(Fragmentation, AuthExchangeCompletesInFragments) {
    Pair p = make_pair();
    std::uint16_t request_total = 0, response_total = 0;
    p.network().set_rule([&](const Datagram& d, std::uint64_t) {
        if (auto f = fragment_in(d)) {
            (is_response(d) ? response_total : request_total) = f->total;
            EXPECT_LE(d.bytes.size() + 28, 160u);  // IPv4 + UDP headers included
        }
        return Fate{};
    });
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(both_up(p));
    EXPECT_GE(request_total, 3);
    EXPECT_GE(response_total, 3);
    EXPECT_EQ(p.alice().kernel().sas().size(), 2u);
}

TEST(Fragmentation, NotUsedWhenTheMessageFits) {
    Pair p = make_pair({});
    bool fragmented = false;
    p.network().set_rule([&](const Datagram& d, std::uint64_t) {
        fragmented = fragmented || fragment_in(d).has_value();
        return Fate{};
    });
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(both_up(p));
    EXPECT_FALSE(fragmented);
}

TEST(Fragmentation, LostRequestFragmentIsRecoveredByRetransmission) {
    Pair p = make_pair();
    p.network().set_rule(drop_first(fragment_number(false, 2)));
    p.up(p.alice(), "site");
    p.advance(10s);
    EXPECT_TRUE(both_up(p));
    EXPECT_TRUE(p.alice().logged("retransmit 1"));
}

TEST(Fragmentation, LostResponseFragmentIsReplayedOnceForTheRetransmittedRequest) {
    Pair p = make_pair();
    std::uint16_t request_total = 0;
    unsigned responses = 0;
    auto drop = drop_first(fragment_number(true, 2));
    p.network().set_rule([&](const Datagram& d, std::uint64_t n) {
        if (auto f = fragment_in(d)) {
            if (is_response(d)) ++responses;
            else request_total = f->total;
        }
        return drop(d, n);
    });
    p.up(p.alice(), "site");
    p.run();
    const unsigned first_response = responses;
    p.advance(10s);
    EXPECT_TRUE(both_up(p));
    // RFC 7383 2.6.1: the whole response again, once, though every request fragment came again.
    EXPECT_GT(request_total, 1);
    EXPECT_EQ(responses, 2 * first_response);
}

TEST(Fragmentation, DuplicatedAndReorderedFragmentsComplete) {
    Pair p = make_pair();
    p.network().set_rule([](const Datagram& d, std::uint64_t) {
        auto f = fragment_in(d);
        if (!f) return Fate{};
        // Every fragment twice, the first ones overtaken by all the others.
        return Fate{.copies = 2, .delay = f->number == 1 ? Duration{5} : Duration{1}};
    });
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(both_up(p));
    EXPECT_FALSE(p.alice().logged("retransmit"));
    EXPECT_EQ(p.bob().connection("site").ike_sas.size(), 1u);
    EXPECT_EQ(p.bob().kernel().sas().size(), 2u);
}

TEST(Fragmentation, ForgedFragmentDoesNotDisturbReassembly) {
    Pair p = make_pair();
    auto kept = std::make_shared<std::optional<Datagram>>();
    p.network().set_rule(drop_first(fragment_number(false, 2), kept));
    p.up(p.alice(), "site");
    p.advance(1s);
    ASSERT_TRUE(*kept);
    Datagram bigger_total = **kept, bad_icv = **kept;
    bigger_total.bytes[35] = static_cast<std::uint8_t>(bigger_total.bytes[35] + 1);  // SKF Total Fragments
    bad_icv.bytes.back() ^= 1;
    p.network().send(bigger_total, p.now());
    p.network().send(bad_icv, p.now());
    p.network().send(**kept, p.now());
    p.advance(1s);  // well before the retransmission
    EXPECT_TRUE(both_up(p));
    EXPECT_TRUE(p.bob().logged("dropped request: fragment 2/"));
    EXPECT_FALSE(p.alice().logged("retransmit"));
}

TEST(Fragmentation, MessageNeedingTooManyFragmentsIsNotSent) {
    Pair p = make_pair({.fragment_size = 92});
    p.up(p.alice(), "site");
    p.run();
    EXPECT_TRUE(p.alice().logged("cannot protect request"));
    EXPECT_TRUE(p.alice().logged("more than 32"));
    EXPECT_NE(p.alice().connection("site").state, ConnectionState::up);
}

}  // namespace
