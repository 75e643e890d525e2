// Quick Mode (RFC 2409 5.5) for ESP or AH, under an established ISAKMP SA:
//   QM1 I->R  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]
//   QM2 R->I  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
//   QM3 I->R  HDR*, HASH(3)
// The initiator installs its SAs on QM2. The responder installs its inbound SA when it sends
// QM2 and its outbound SA and policies on QM3 (Libreswan's order; the commit bit is never set).
// strongSwan's responder installs both only on QM3, so the initiator of a rekey keeps sending
// on the old pair a while after QM3 (kResponderInstallGrace).
#include <algorithm>
#include <cstdio>

#include "ike/crypto/transform_keys.hpp"
#include "ike/engine/kernel_sa.hpp"
#include "ike/v1/core.hpp"
#include "ike/v1/identification.hpp"
#include "ike/v1/nat_oa.hpp"
#include "ike/v1/nat_traversal.hpp"
#include "ike/v1/protection.hpp"

namespace ike::v1 {

namespace {

using namespace wire::v1;
using engine::LogLevel;

constexpr std::size_t kNonceSize = 32;

std::string hex_spi(std::uint32_t spi) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", spi);
    return buf;
}

bool within(const net::Prefix& inner, const net::Prefix& outer) {
    return inner.address.family == outer.address.family && inner.length >= outer.length &&
           outer.contains(inner.address);
}

const policy::Child* child_of(const Core& core, const IsakmpSa& sa, const std::string& name) {
    const auto* c = core.config.find(sa.connection);
    return c ? c->find_child(name) : nullptr;
}

std::vector<const Identification*> ids_of(const std::vector<Payload>& payloads) {
    std::vector<const Identification*> out;
    for (const auto& p : payloads)
        if (const auto* id = std::get_if<Identification>(&p)) out.push_back(id);
    return out;
}

std::uint32_t new_message_id(Core& core, const IsakmpSa& sa) {
    for (;;) {
        std::uint32_t mid = 0;
        for (auto b : core.random_bytes(4)) mid = mid << 8 | b;
        if (mid != 0 && !sa.quick_modes.contains(mid)) return mid;
    }
}

// KEYMAT of one direction (5.5): encryption key first (ESP), then the integrity key.
struct DirectionKeys {
    base::SecretBytes encr, integ;
};
base::Result<DirectionKeys> direction_keys(const IsakmpSa& sa, const QuickMode& qm, base::ByteView g_qm,
                                           std::uint32_t spi) {
    auto lengths = engine::child_key_lengths(qm.suite.proposal);
    if (!lengths) return base::fail(lengths.error().message);
    // The protocol in KEYMAT is the DOI's (RFC 2407 4.4.1: AH 2, ESP 3).
    const auto protocol = static_cast<std::uint8_t>(qm.suite.protocol());
    const auto keymat = crypto::ikev1_quick_mode_keymat(*sa.prf, sa.keys.skeyid_d, g_qm, protocol, spi, qm.n_i,
                                                        qm.n_r, lengths->encr + lengths->integ);
    const auto split = keymat.begin() + static_cast<long>(lengths->encr);
    return DirectionKeys{{keymat.begin(), split}, {split, keymat.end()}};
}

base::Result<xfrm::Sa> kernel_sa(const IsakmpSa& sa, const QuickMode& qm, const IpsecSa& ipsec, bool inbound,
                                 base::ByteView g_qm) {
    auto keys = direction_keys(sa, qm, g_qm, inbound ? qm.spi_in : qm.spi_out);
    if (!keys) return base::fail(keys.error().message);
    // ESP in UDP on the ISAKMP SA's ports when a NAT is between the peers (RFC 3948). The soft
    // expiry starts the rekey; the hard one ends the SA and the policies stay (traffic is
    // dropped, never sent in the clear).
    return engine::kernel_sa({.src = inbound ? sa.remote : sa.local, .dst = inbound ? sa.local : sa.remote,
                              .spi = inbound ? qm.spi_in : qm.spi_out, .proto = qm.suite.kernel_proto(),
                              .mode = engine::kernel_mode(qm.suite.mode), .reqid = ipsec.reqid,
                              .proposal = qm.suite.proposal, .encr = keys->encr, .integ = keys->integ,
                              .udp_encap = nat_between(sa),
                              .soft_seconds = static_cast<std::uint64_t>(ipsec.rekey_after.count()),
                              .hard_seconds = static_cast<std::uint64_t>(ipsec.suite.lifetime.count())});
}

// The reqid of a new pair: a rekey's (either side's) that of the pair it replaces (on this
// ISAKMP SA or, after a renewal, on its successor), so the policies in place send through the
// newest SA (make-before-break); else that of the policies held for its selectors (fail
// closed: the responder's inbound SA passes their check before QM3); else a new one (0).
std::uint32_t reqid_for(Core& core, const IsakmpSa& sa, const IpsecSa& pair) {
    const auto* old = core.find_ipsec(sa.connection, [&pair](const IpsecSa& i) {
        return i.child == pair.child && i.local_ts == pair.local_ts && i.remote_ts == pair.remote_ts;
    }).ipsec;
    if (old) return old->reqid;
    for (const auto& p : policies_of(sa, pair))
        if (auto it = core.policies.find(p.id()); it != core.policies.end() && it->second.connection == sa.connection)
            return it->second.reqid;
    return 0;
}

// A negotiation's pair as keyed (RFC 2409 5.5): the IPsec SA and its two kernel SAs.
struct KeyedPair {
    IpsecSa ipsec;
    xfrm::Sa in, out;
};

base::Result<KeyedPair> key_pair(Core& core, Time now, const IsakmpSa& sa, const QuickMode& qm,
                                 const policy::Child& child) {
    base::SecretBytes g_qm;
    if (qm.dh) {
        auto shared = qm.dh->compute(qm.peer_ke);
        if (!shared) return base::fail("PFS KE: " + shared.error().message);
        g_qm = std::move(*shared);
    }
    IpsecSa ipsec{.child = qm.child, .spi_in = qm.spi_in, .spi_out = qm.spi_out, .reqid = qm.reqid,
                  .suite = qm.suite, .local_ts = qm.local_ts, .remote_ts = qm.remote_ts, .installed_at = now};
    if (!ipsec.reqid) ipsec.reqid = reqid_for(core, sa, ipsec);
    if (!ipsec.reqid) ipsec.reqid = core.next_reqid;
    // The responder runs its own lifetime when the offer's is longer (strongSwan, Libreswan).
    auto& life = ipsec.suite.lifetime;
    if (life.count() == 0 || life > offered_lifetime(child.lifetime)) life = offered_lifetime(child.lifetime);
    // Both ends expire the pair at that lifetime (RFC 2407 4.5), so the rekey comes before it:
    // the initiator's at its child's `lifetime` (a tenth of the offer before), the responder's
    // at 95%, leaving the initiator the first go (as ISAKMP SAs are renewed, renewal.cpp).
    ipsec.rekey_after = life - life / (qm.role == Role::initiator ? 11 : 20);
    auto in = kernel_sa(sa, qm, ipsec, true, g_qm);
    auto out = kernel_sa(sa, qm, ipsec, false, g_qm);
    if (!in || !out) return base::fail((in ? out : in).error().message);
    return KeyedPair{std::move(ipsec), std::move(*in), std::move(*out)};
}

// The negotiation's inbound SA goes into the kernel, and its reqid is taken.
void add_inbound(Core& core, const IsakmpSa& sa, QuickMode& qm, KeyedPair& pair) {
    if (pair.ipsec.reqid == core.next_reqid) core.advance_reqid();
    qm.reqid = pair.ipsec.reqid;
    qm.inbound_added = true;
    core.out.push_back(engine::AddSa{std::move(pair.in), core.owner(sa)});
}

// How long the initiator of a rekey keeps sending on the old pair after its QM3: enough for
// a responder's install even if that QM3 is lost once and sent again on the retransmitted
// QM2 (strongSwan and we retransmit after 4 s; Libreswan sooner).
constexpr Duration kResponderInstallGrace{5000};

// When our rekey's outbound SA may go in: a grace after QM3, but in any case halfway to the
// old pair's hard expiry, which the kernel enforces whatever we wait for.
IpsecSa::HeldOutbound hold_outbound(Time now, xfrm::Sa out, const IpsecSa& old) {
    const Time halfway = now + (old.installed_at + old.suite.lifetime - now) / 2;
    return {.sa = std::move(out), .from = std::min(now + kResponderInstallGrace, halfway)};
}

// Installs what is left of a finished negotiation's pair (both SAs on the initiator, the
// outbound one on the responder) and its policies.
base::Result<void> install(Core& core, Time now, IsakmpSa& sa, QuickMode& qm, const policy::Child& child) {
    auto pair = key_pair(core, now, sa, qm, child);
    if (!pair) return base::fail(pair.error().message);
    // Inbound first: the peer may send as soon as it has our SPI.
    if (!qm.inbound_added) add_inbound(core, sa, qm, *pair);
    IpsecSa ipsec = std::move(pair->ipsec);
    // The side that rekeyed deletes the old pair a while after the new one is in (Libreswan
    // does too): by then the responder installed the new pair even if QM3 had to be sent
    // again. The other side keeps its old pair until that Delete or its hard expiry.
    auto* replaced = core.find_ipsec(sa.connection, [&qm](const IpsecSa& i) { return qm.replaces && i.spi_in == qm.replaces; }).ipsec;
    if (replaced) {
        replaced->retire_at = now + core.options.half_open_timeout;
        ipsec.held_out = hold_outbound(now, std::move(pair->out), *replaced);
    } else {
        core.out.push_back(engine::AddSa{std::move(pair->out), core.owner(sa)});
    }
    // Policies kept from an earlier pair for these selectors now send to this one.
    for (auto& p : policies_of(sa, ipsec)) core.hold_policy(std::move(p), sa);
    core.log(LogLevel::info, sa,
             "IPsec SA " + qm.child + " installed, spi in " + hex_spi(qm.spi_in) + " out " + hex_spi(qm.spi_out) +
                 " (" + policy::to_string(qm.suite.proposal) + ", " + qm.local_ts.str() + " === " +
                 qm.remote_ts.str() + ")");
    sa.ipsec_sas.insert(sa.ipsec_sas.begin(), std::move(ipsec));  // newest first, as status lists them
    qm.done = true;
    qm.pending.clear();
    qm.forget_at = now + core.options.half_open_timeout;
    if (auto it = core.failures.find(sa.connection); it != core.failures.end() && it->second.child == qm.child)
        core.failures.erase(it);
    core.publish(sa);
    return {};
}

void child_failed(Core& core, IsakmpSa& sa, std::uint32_t mid, engine::FailureKind kind, const std::string& why) {
    const auto child = sa.quick_modes.at(mid).child;
    // A failed rekey leaves the old pair to its hard expiry (the kernel's soft expiry
    // comes once): its policies then drop the traffic.
    core.log(LogLevel::error, sa, "Quick Mode for " + child + " failed: " + why);
    core.failures[sa.connection] = engine::Failure{.kind = kind, .child = child};
    drop_quick_mode(core, sa, mid);
    core.publish(sa);
}

base::Result<void> make_nonce_ke(Core& core, QuickMode& qm, base::Bytes& nonce) {
    nonce = core.random_bytes(kNonceSize);
    if (qm.suite.group() == KeGroup::none) return {};
    auto dh = crypto::KeyExchange::create(qm.suite.group(), core.rng);
    if (!dh) return base::fail(dh.error().message);
    qm.dh = std::move(*dh);
    return {};
}

// The peer's nonce and, with PFS, its KE of the negotiated group (a KE without PFS, or
// of another size, is refused).
base::Result<void> take_nonce_ke(QuickMode& qm, const std::vector<Payload>& payloads, base::Bytes& nonce) {
    const auto* n = first_of<Nonce>(payloads);
    const auto* ke = first_of<KeyExchange>(payloads);
    if (!n) return base::fail("no nonce");
    if (bool(ke) != (qm.suite.group() != KeGroup::none)) return base::fail("KE present without PFS or missing with it");
    if (ke && ke->data.size() != crypto::ke_public_size(qm.suite.group())) return base::fail("KE of the wrong size");
    nonce = n->data;
    if (ke) qm.peer_ke = ke->data;
    return {};
}

// Nonce [, KE] [, IDci, IDcr] [, NAT-OAi, NAT-OAr] after the SA payload (RFC 2409 5.5,
// RFC 3947 5.2).
void add_payloads(std::vector<Payload>& rest, const QuickMode& qm, const base::Bytes& nonce,
                  const std::optional<std::pair<net::Prefix, net::Prefix>>& ids, std::vector<Payload> nat_oa) {
    rest.push_back(Nonce{nonce});
    if (qm.dh) rest.push_back(KeyExchange{qm.dh->public_value()});
    if (ids) {
        rest.push_back(ts_payload(ids->first));
        rest.push_back(ts_payload(ids->second));
    }
    for (auto& p : nat_oa) rest.push_back(std::move(p));
}

// ---- responder ----

struct Selection {
    const policy::Child* child;
    Phase2Choice choice;
};

// The child whose selectors hold the offered IDs and whose proposals match the offer.
base::Result<Selection> select_child(const Core& core, const IsakmpSa& sa, const SecurityAssociation& offer,
                                     const net::Prefix& idci, const net::Prefix& idcr) {
    const auto* c = core.config.find(sa.connection);
    std::string why = "no child's selectors hold " + idci.str() + " === " + idcr.str();
    for (const auto& child : c->children) {
        auto local = ts_or_host(child.local_subnets, sa.local.address);
        auto remote = ts_or_host(child.remote_subnets, sa.remote.address);
        if (!local || !remote || !within(idcr, *local) || !within(idci, *remote)) continue;
        auto choice = choose_phase2(offer, responder_suites(child));
        if (choice) return Selection{&child, std::move(*choice)};
        why = "child " + child.name + ": " + choice.error().message;
    }
    return base::fail(why);
}

void respond_qm1(Core& core, Time now, IsakmpSa& sa, const engine::DatagramIn& in, const Message& m) {
    const auto mid = m.header.message_id;
    auto iv = phase2_iv(sa, mid);
    if (!iv) return;
    auto msg = open(sa, *iv, m);
    if (!msg) return core.log(LogLevel::warning, sa, "Quick Mode message ignored: " + msg.error().message);
    if (auto ok = check_hash(sa, mid, {}, *msg); !ok)
        return core.log(LogLevel::warning, sa, "QM1 ignored: HASH(1): " + ok.error().message);
    const auto* offer = first_of<SecurityAssociation>(msg->payloads);
    const auto ids = ids_of(msg->payloads);
    if (!offer || (ids.size() != 0 && ids.size() != 2))
        return core.log(LogLevel::warning, sa, "QM1 ignored: no SA payload, or not two client IDs");
    // RFC 2409 5.5: without client IDs the SAs are between the ISAKMP peers' addresses.
    auto idci = ids.empty() ? net::Prefix::host(sa.remote.address) : prefix_of(*ids[0]);
    auto idcr = ids.empty() ? net::Prefix::host(sa.local.address) : prefix_of(*ids[1]);
    const auto offer_spi = offer->proposals.empty() ? base::Bytes{} : offer->proposals.front().spi;
    const auto offer_protocol = offer->proposals.empty() ? wire::v1::ProtocolId::esp : offer->proposals.front().protocol;
    if (!idci || !idcr) {
        core.log(LogLevel::warning, sa, "QM1 refused: INVALID-ID-INFORMATION");
        return send_child_notify(core, sa, notify::invalid_id_information, offer_protocol, offer_spi);
    }
    const auto original = original_addresses(msg->payloads);
    if (!original) return core.log(LogLevel::warning, sa, "QM1 refused: " + original.error().message);
    // QM2 echoes the client IDs as the initiator sent them; ours hold them as we see them.
    const std::pair<net::Prefix, net::Prefix> sent_ids{*idci, *idcr};
    if (*original) {
        idci = as_we_see(*idci, (*original)->initiator, sa.remote.address);
        idcr = as_we_see(*idcr, (*original)->responder, sa.local.address);
    }
    auto selection = select_child(core, sa, *offer, *idci, *idcr);
    if (!selection) {
        core.log(LogLevel::warning, sa, "QM1 refused: NO-PROPOSAL-CHOSEN (" + selection.error().message + ")");
        return send_child_notify(core, sa, notify::no_proposal_chosen, offer_protocol, offer_spi);
    }
    QuickMode qm{.child = selection->child->name, .role = Role::responder, .iv = std::move(msg->next_iv)};
    qm.suite = selection->choice.suite;
    qm.spi_out = selection->choice.spi;
    qm.local_ts = *idcr;
    qm.remote_ts = *idci;
    const bool nat_oa = sends_nat_oa(sa, qm.suite.mode);
    if (auto r = take_nonce_ke(qm, msg->payloads, qm.n_i); !r)
        return core.log(LogLevel::warning, sa, "QM1 refused: " + r.error().message);
    if (auto r = make_nonce_ke(core, qm, qm.n_r); !r) return core.log(LogLevel::error, sa, r.error().message);
    qm.spi_in = core.new_spi();
    // RFC 2409 5.5: with QM2 the responder holds all of KEYMAT, and the initiator sends on the
    // new pair as soon as it has QM2: the inbound SA goes in now (Libreswan does too), so no
    // packet reaches our kernel before it. The outbound SA waits for QM3: only then has the
    // initiator installed the pair.
    auto pair = key_pair(core, now, sa, qm, *selection->child);
    if (!pair) return core.log(LogLevel::warning, sa, "QM1 refused: " + pair.error().message);
    add_inbound(core, sa, qm, *pair);
    std::vector<Payload> rest{phase2_answer(selection->choice, qm.spi_in)};
    add_payloads(rest, qm, qm.n_r, ids.empty() ? std::nullopt : std::optional{sent_ids},
                 nat_oa ? nat_oa_payloads(sa, Role::responder) : std::vector<Payload>{});
    const auto bytes = seal(sa, ExchangeType::quick_mode, mid, qm.iv, with_hash(sa, mid, qm.n_i, std::move(rest)));
    qm.last_in = in.bytes;
    qm.last_out = bytes;
    qm.pending.start(mid, {bytes}, now, core.options.retransmit);
    sa.quick_modes.emplace(mid, std::move(qm));
    core.transmit(sa, bytes);
}

base::SecretBytes hash3(const IsakmpSa& sa, std::uint32_t mid, const QuickMode& qm) {
    const std::uint8_t zero[1] = {0};
    return sa.prf->compute(sa.keys.skeyid_a, {zero, be32(mid), qm.n_i, qm.n_r});
}

void on_qm3(Core& core, Time now, IsakmpSa& sa, std::uint32_t mid, QuickMode& qm, const engine::DatagramIn& in,
            const Message& m) {
    auto msg = open(sa, qm.iv, m);
    if (!msg) return core.log(LogLevel::warning, sa, "QM3 ignored: " + msg.error().message);
    if (msg->payloads.empty() || !hash_equals(msg->payloads.front(), hash3(sa, mid, qm)))
        return core.log(LogLevel::warning, sa, "QM3 ignored: HASH(3) mismatch");
    qm.last_in = in.bytes;
    qm.last_out.clear();
    const auto* child = child_of(core, sa, qm.child);
    if (!child) return;
    if (auto r = install(core, now, sa, qm, *child); !r)
        return child_failed(core, sa, mid, engine::FailureKind::child_failed, r.error().message);
}

// ---- initiator ----

void on_qm2(Core& core, Time now, IsakmpSa& sa, std::uint32_t mid, QuickMode& qm, const engine::DatagramIn& in,
            const Message& m) {
    auto msg = open(sa, qm.iv, m);
    if (!msg) return core.log(LogLevel::warning, sa, "QM2 ignored: " + msg.error().message);
    if (auto ok = check_hash(sa, mid, qm.n_i, *msg); !ok)
        return core.log(LogLevel::warning, sa, "QM2 ignored: HASH(2): " + ok.error().message);
    const auto* answer = first_of<SecurityAssociation>(msg->payloads);
    if (!answer) return child_failed(core, sa, mid, engine::FailureKind::child_refused, "no SA payload in QM2");
    auto choice = accept_phase2(*answer, qm.offered);
    if (!choice) return child_failed(core, sa, mid, engine::FailureKind::child_refused, choice.error().message);
    qm.suite = choice->suite;
    qm.spi_out = choice->spi;
    if (auto r = take_nonce_ke(qm, msg->payloads, qm.n_r); !r)
        return child_failed(core, sa, mid, engine::FailureKind::child_refused, r.error().message);
    const auto original = original_addresses(msg->payloads);
    if (!original) return child_failed(core, sa, mid, engine::FailureKind::child_refused, original.error().message);
    // The responder may narrow the selectors, never widen them.
    const auto ids = ids_of(msg->payloads);
    if (ids.size() == 2) {
        auto idci = prefix_of(*ids[0]), idcr = prefix_of(*ids[1]);
        if (idci && idcr && *original) {  // IDs in the responder's view (RFC 3947 5.2)
            idci = as_we_see(*idci, (*original)->initiator, sa.local.address);
            idcr = as_we_see(*idcr, (*original)->responder, sa.remote.address);
        }
        if (!idci || !idcr || !within(*idci, qm.local_ts) || !within(*idcr, qm.remote_ts))
            return child_failed(core, sa, mid, engine::FailureKind::child_refused, "QM2 client IDs outside ours");
        qm.local_ts = *idci;
        qm.remote_ts = *idcr;
    }
    qm.iv = std::move(msg->next_iv);
    const auto* child = child_of(core, sa, qm.child);
    if (!child) return;
    if (auto r = install(core, now, sa, qm, *child); !r)
        return child_failed(core, sa, mid, engine::FailureKind::child_failed, r.error().message);
    const auto h = hash3(sa, mid, qm);
    const auto bytes = seal(sa, ExchangeType::quick_mode, mid, qm.iv, {Hash{Bytes(h.begin(), h.end())}});
    qm.last_in = in.bytes;
    qm.last_out = bytes;
    core.transmit(sa, bytes);
}

}  // namespace

void drop_quick_mode(Core& core, IsakmpSa& sa, std::uint32_t mid) {
    auto it = sa.quick_modes.find(mid);
    if (it == sa.quick_modes.end()) return;
    const auto& qm = it->second;
    if (qm.inbound_added && !qm.done) {
        core.log(LogLevel::info, sa, "Quick Mode for " + qm.child + " not completed: inbound spi " + hex_spi(qm.spi_in) + " removed");
        core.out.push_back(engine::DeleteSa{{sa.local.address, qm.spi_in, qm.suite.kernel_proto(), std::nullopt}, core.owner(sa)});
    }
    sa.quick_modes.erase(it);
}

void drop_quick_modes(Core& core, IsakmpSa& sa) {
    while (!sa.quick_modes.empty()) drop_quick_mode(core, sa, sa.quick_modes.begin()->first);
}

base::Result<net::Prefix> ts_or_host(const std::vector<net::Prefix>& subnets, const net::Address& ike) {
    if (subnets.empty()) return net::Prefix::host(ike);
    if (subnets.size() == 1) return subnets.front();
    return base::fail("IKEv1 negotiates one subnet per side, the child has " + std::to_string(subnets.size()));
}

namespace {

// The PFS group a default child offers: a rekey's that of the pair it replaces, which may
// have been negotiated under an earlier ISAKMP SA (a peer that asked for PFS once refuses a
// rekey without it); else the ISAKMP SA's group once the peer refused an offer without PFS.
KeGroup pfs_group(const IsakmpSa& sa, const IpsecSa* replaces) {
    if (replaces) return replaces->suite.group();
    return sa.pfs_for_defaults ? sa.suite.group : KeGroup::none;
}

}  // namespace

void initiate_quick_mode(Core& core, Time now, IsakmpSa& sa, const policy::Child& child, const IpsecSa* replaces) {
    auto suites = phase2_suites(child);
    const auto wanted = pfs_group(sa, replaces);
    if (auto pfs = pfs_suites(child, wanted); wanted != KeGroup::none && !pfs.empty()) suites = std::move(pfs);
    for (auto& s : suites) s.udp = nat_between(sa);  // RFC 3947 5.1: UDP-Encapsulated modes
    auto local = replaces ? replaces->local_ts : ts_or_host(child.local_subnets, sa.local.address);
    auto remote = replaces ? replaces->remote_ts : ts_or_host(child.remote_subnets, sa.remote.address);
    std::string why = suites.empty() ? "no proposal has an IKEv1 form" : "";
    // RFC 3948 encapsulates ESP only: AH's ICV covers the addresses a NAT rewrites.
    if (nat_between(sa) && child.protocol == ike::ProtocolId::ah) why = "AH cannot pass the NAT between the peers";
    if (!local || !remote) why = (local ? remote : local).error().message;
    if (!why.empty()) {
        core.failures[sa.connection] = engine::Failure{.kind = engine::FailureKind::child_failed, .child = child.name};
        return core.log(LogLevel::error, sa, "cannot negotiate " + child.name + ": " + why);
    }
    // One KE per message: the offer keeps the suites of the first one's PFS group.
    const auto group = suites.front().group();
    std::erase_if(suites, [group](const Phase2Suite& s) { return s.group() != group; });
    const auto mid = new_message_id(core, sa);
    auto iv = phase2_iv(sa, mid);
    if (!iv) return core.log(LogLevel::error, sa, iv.error().message);
    QuickMode qm{.child = child.name, .role = Role::initiator, .iv = std::move(*iv), .offered = suites};
    qm.suite = suites.front();
    qm.spi_in = core.new_spi();
    qm.local_ts = *local;
    qm.remote_ts = *remote;
    qm.replaces = replaces ? replaces->spi_in : 0;
    if (auto r = make_nonce_ke(core, qm, qm.n_i); !r) return core.log(LogLevel::error, sa, r.error().message);
    std::vector<Payload> rest{phase2_offer(suites, qm.spi_in)};
    add_payloads(rest, qm, qm.n_i, std::pair{qm.local_ts, qm.remote_ts},
                 sends_nat_oa(sa, child.mode) ? nat_oa_payloads(sa, Role::initiator) : std::vector<Payload>{});
    const auto bytes = seal(sa, ExchangeType::quick_mode, mid, qm.iv, with_hash(sa, mid, {}, std::move(rest)));
    qm.last_out = bytes;
    qm.pending.start(mid, {bytes}, now, core.options.retransmit);
    sa.quick_modes.emplace(mid, std::move(qm));
    core.log(LogLevel::info, sa, "Quick Mode for " + child.name + (replaces ? " (rekey)" : "") + " started");
    core.transmit(sa, bytes);
}

void quick_mode_refused(Core& core, Time now, IsakmpSa& sa, std::optional<std::uint32_t> spi, std::uint16_t type) {
    std::vector<std::uint32_t> mids;  // ours under way, with that SPI if the notify names one
    for (const auto& [mid, qm] : sa.quick_modes)
        if (qm.role == Role::initiator && !qm.done && (!spi || qm.spi_in == *spi)) mids.push_back(mid);
    if (mids.size() != 1) return;
    const auto& qm = sa.quick_modes.at(mids[0]);
    const auto* c = core.config.find(sa.connection);
    if (!c) return child_failed(core, sa, mids[0], engine::FailureKind::child_refused, "the peer answered " + notify_name(type));
    const auto child = std::find_if(c->children.begin(), c->children.end(),
                                    [&qm](const policy::Child& ch) { return ch.name == qm.child; });
    // A peer that wants PFS (Libreswan's default pfs=yes) refuses a default child's offer
    // without it, and strongSwan's defaults refuse one with it: offer again, once, with PFS in
    // the ISAKMP SA's group, as Libreswan itself does.
    const bool again = type == notify::no_proposal_chosen && qm.suite.group() == KeGroup::none && !qm.replaces &&
                       !sa.pfs_for_defaults && child != c->children.end() && !pfs_suites(*child, sa.suite.group).empty();
    child_failed(core, sa, mids[0], engine::FailureKind::child_refused, "the peer answered " + notify_name(type));
    if (!again) return;
    sa.pfs_for_defaults = true;
    core.log(LogLevel::info, sa, "offering " + child->name + " again with PFS in the ISAKMP SA's group");
    initiate_quick_mode(core, now, sa, *child, nullptr);
}

void start_children(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c) {
    for (const auto& child : c.children) {
        const bool installed = std::any_of(sa.ipsec_sas.begin(), sa.ipsec_sas.end(),
                                           [&child](const IpsecSa& i) { return i.child == child.name; });
        const bool running = std::any_of(sa.quick_modes.begin(), sa.quick_modes.end(), [&child](const auto& q) {
            return q.second.child == child.name && !q.second.done;
        });
        if (!installed && !running) initiate_quick_mode(core, now, sa, child);
    }
}

namespace {

// A responder's Quick Mode awaiting QM3 holds its inbound SA alone (RFC 2409 5.5): at its hard
// expiry the kernel removed it, and the negotiation ends without it.
bool expired_before_qm3(Core& core, const xfrm::Expire& e) {
    for (auto& [cookie, sa] : core.sas)
        for (auto& [mid, qm] : sa.quick_modes)
            if (qm.inbound_added && !qm.done && qm.spi_in == e.sa.spi && e.sa.dst == sa.local.address) {
                core.log(LogLevel::info, sa, "Quick Mode for " + qm.child + ": inbound spi " + hex_spi(qm.spi_in) +
                                                 " expired before QM3");
                qm.inbound_added = false;
                drop_quick_mode(core, sa, mid);
                return true;
            }
    return false;
}

// A pair the peer's own rekey already replaced: a peer that does not delete the pair it
// replaced (strongSwan's IKEv1 default) leaves it to its hard expiry, and so do we; rekeying it
// as well would add a third pair for the same selectors.
bool superseded(Core& core, const IsakmpSa& sa, const IpsecSa& old) {
    return core.find_ipsec(sa.connection, [&old](const IpsecSa& i) {
        return i.child == old.child && i.local_ts == old.local_ts && i.remote_ts == old.remote_ts &&
               i.installed_at > old.installed_at;
    }).ipsec != nullptr;
}

}  // namespace

void on_ipsec_expire(Core& core, Time now, const xfrm::Expire& e) {
    if (e.hard && expired_before_qm3(core, e)) return;
    for (auto& [cookie, sa] : core.sas) {
        auto it = std::find_if(sa.ipsec_sas.begin(), sa.ipsec_sas.end(), [&e](const IpsecSa& i) {
            return i.reqid == e.reqid && (i.spi_in == e.sa.spi || i.spi_out == e.sa.spi);
        });
        if (it == sa.ipsec_sas.end()) continue;
        if (e.hard) {
            // The kernel removed it; the policies stay for a newer pair, or drop the traffic.
            core.log(LogLevel::info, sa, "IPsec SA " + it->child + " spi in " + hex_spi(it->spi_in) + " expired");
            const IpsecSa gone = *it;
            sa.ipsec_sas.erase(it);
            if (auto next = other_pair(core, sa, gone); next.ipsec) send_held_outbound(core, *next.sa, *next.ipsec);
            return core.publish(sa);
        }
        const auto* child = child_of(core, sa, it->child);
        if (it->rekeying || !child || sa.state != MmState::established) return;
        if (superseded(core, sa, *it))
            return core.log(LogLevel::info, sa, "IPsec SA " + it->child + " spi in " + hex_spi(it->spi_in) +
                                                    " was replaced by the peer's rekey: it goes at its hard expiry");
        it->rekeying = true;
        return initiate_quick_mode(core, now, sa, *child, &*it);
    }
}

void on_quick_mode(Core& core, Time now, IsakmpSa& sa, const engine::DatagramIn& in, const Message& m) {
    const auto mid = m.header.message_id;
    if (sa.state != MmState::established || mid == 0 || !(m.header.flags & flag::encryption))
        return core.log(LogLevel::debug, sa, "Quick Mode message before phase 1 completed, or in the clear: ignored");
    auto it = sa.quick_modes.find(mid);
    if (it == sa.quick_modes.end()) return respond_qm1(core, now, sa, in, m);
    auto& qm = it->second;
    if (in.bytes == qm.last_in) {
        // A retransmission: QM1 again gets QM2 again, QM2 again gets QM3 again.
        if (!qm.last_out.empty()) core.transmit(sa, qm.last_out);
        return;
    }
    if (qm.done) return;
    if (qm.role == Role::initiator) return on_qm2(core, now, sa, mid, qm, in, m);
    on_qm3(core, now, sa, mid, qm, in, m);
}

void send_held_outbound(Core& core, const IsakmpSa& sa, IpsecSa& ipsec) {
    if (!ipsec.held_out) return;
    core.out.push_back(engine::AddSa{std::move(ipsec.held_out->sa), core.owner(sa)});
    ipsec.held_out.reset();
}

void quick_mode_timers(Core& core, Time now, IsakmpSa& sa) {
    for (auto& ipsec : sa.ipsec_sas)
        if (ipsec.held_out && now >= ipsec.held_out->from) send_held_outbound(core, sa, ipsec);
    for (auto it = sa.ipsec_sas.begin(); it != sa.ipsec_sas.end();) {
        if (it->retire_at == Time{} || now < it->retire_at) {
            ++it;
            continue;
        }
        const IpsecSa gone = *it;
        it = sa.ipsec_sas.erase(it);
        core.log(LogLevel::info, sa, "IPsec SA " + gone.child + " rekeyed: old spi in " + hex_spi(gone.spi_in) + " deleted");
        retire_ipsec(core, sa, gone, true, false);
        core.publish(sa);
    }
    std::vector<std::uint32_t> mids;
    for (const auto& [mid, qm] : sa.quick_modes) mids.push_back(mid);
    for (auto mid : mids) {
        auto& qm = sa.quick_modes.at(mid);
        if (qm.done) {
            if (now >= qm.forget_at) sa.quick_modes.erase(mid);
            continue;
        }
        switch (qm.pending.poll(now)) {
            case engine::PendingRequest::Due::nothing: break;
            case engine::PendingRequest::Due::resend: core.transmit(sa, qm.pending.datagrams().front()); break;
            case engine::PendingRequest::Due::give_up:
                if (qm.role == Role::initiator)
                    child_failed(core, sa, mid, engine::FailureKind::timeout, "the peer did not answer");
                else
                    drop_quick_mode(core, sa, mid);
                break;
        }
    }
}

std::optional<Time> quick_mode_wakeup(const IsakmpSa& sa) {
    std::optional<Time> next;
    auto earliest = [&next](Time t) {
        if (!next || t < *next) next = t;
    };
    for (const auto& i : sa.ipsec_sas) {
        if (i.retire_at != Time{}) earliest(i.retire_at);
        if (i.held_out) earliest(i.held_out->from);
    }
    for (const auto& [mid, qm] : sa.quick_modes) {
        const auto t = qm.done ? std::optional<Time>(qm.forget_at) : qm.pending.deadline();
        if (t) earliest(*t);
    }
    return next;
}

}  // namespace ike::v1
