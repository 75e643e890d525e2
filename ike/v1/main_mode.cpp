// Main Mode (RFC 2409 5) with pre-shared keys (5.4) or signatures (5.1):
//   MM1 I->R  HDR, SA                           MM2 R->I  HDR, SA
//   MM3 I->R  HDR, KE, Ni [, CERTREQ]           MM4 R->I  HDR, KE, Nr [, CERTREQ]
//   MM5 I->R  HDR*, IDii, HASH_I | CERT*, SIG_I MM6 R->I  HDR*, IDir, HASH_R | CERT*, SIG_R
#include "ike/v1/authentication.hpp"
#include "ike/v1/core.hpp"
#include "ike/v1/nat_traversal.hpp"
#include "ike/v1/payload_bytes.hpp"
#include "ike/v1/protection.hpp"
#include "ike/wire/v1/codec.hpp"

namespace ike::v1 {

namespace {

using namespace wire::v1;
using engine::LogLevel;

constexpr std::size_t kNonceSize = 32;  // both strongSwan and Libreswan send 32 bytes

Bytes plain_message(const IsakmpSa& sa, std::vector<Payload> payloads) {
    const Header header{.cookie_i = sa.cky_i, .cookie_r = sa.cky_r, .exchange = ExchangeType::identity_protection};
    return encode(Message{.header = header, .payloads = std::move(payloads)});
}

// Appendix B: MM5 and MM6 chain the phase-1 IV (IsakmpSa::iv).
Bytes encrypted_message(IsakmpSa& sa, const std::vector<Payload>& payloads) {
    return seal(sa, ExchangeType::identity_protection, 0, sa.iv, payloads);
}

// The peer's KE, g^xy, SKEYID for the negotiated method, SKEYID_d/a/e, the cipher key
// and the first IV, hash(g^xi | g^xr) (Appendix B).
base::Result<void> derive_keys(Core& core, IsakmpSa& sa, const policy::Connection& c) {
    const auto& peer_ke = sa.role == Role::initiator ? sa.gx_r : sa.gx_i;
    auto g_xy = sa.dh->compute(peer_ke);
    if (!g_xy) return base::fail("KE: " + g_xy.error().message);
    auto prf_id = crypto::ikev1_prf_for_hash(sa.suite.hash);
    if (!prf_id) return base::fail(prf_id.error().message);
    auto prf = crypto::Prf::create(*prf_id);
    if (!prf) return base::fail(prf.error().message);
    auto id_key = skeyid(core, sa, c, *prf, *g_xy);
    if (!id_key) return base::fail(id_key.error().message);
    sa.keys = crypto::ikev1_derive_keys(*prf, std::move(*id_key), *g_xy, sa.cookies());
    auto cipher = crypto::Ikev1Cipher::create_aes_cbc(
        crypto::ikev1_encryption_key(*prf, sa.keys.skeyid_e, sa.suite.key_bits / 8u));
    if (!cipher) return base::fail(cipher.error().message);
    auto iv = crypto::ikev1_hash(sa.suite.hash, {sa.gx_i, sa.gx_r});
    if (!iv) return base::fail(iv.error().message);
    iv->resize(crypto::Ikev1Cipher::kBlockSize);
    sa.prf = std::move(*prf);
    sa.cipher = std::move(*cipher);
    sa.iv = std::move(*iv);
    return {};
}

// MM3/MM4: KE and nonce, CERTREQ when the peer signs, NAT-D when both announced NAT-T.
std::vector<Payload> key_exchange_message(const Core& core, const IsakmpSa& sa, const policy::Connection& c,
                                          const Bytes& gx, const Bytes& nonce) {
    std::vector<Payload> payloads{KeyExchange{gx}, Nonce{nonce}};
    for (auto& request : certificate_requests(core, c)) payloads.push_back(std::move(request));
    if (sa.natt)
        for (auto& d : nat_d_payloads(sa)) payloads.push_back(std::move(d));
    return payloads;
}

void fail_sa(Core& core, IsakmpSa& sa, engine::FailureKind kind, const std::string& why) {
    core.log(LogLevel::error, sa, "Main Mode failed: " + why);
    core.failures[sa.connection] = engine::Failure{.kind = kind};
    core.remove(sa);
}

void establish(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c, policy::Identity peer) {
    sa.state = MmState::established;
    sa.peer_id = std::move(peer);
    sa.pending.clear();
    sa.established_at = now;
    const auto lifetime = sa.suite.lifetime.count() > 0 ? std::min(sa.suite.lifetime, c.ike.lifetime) : c.ike.lifetime;
    sa.expires = now + std::chrono::duration_cast<Duration>(lifetime);
    core.failures.erase(sa.connection);
    core.log(LogLevel::info, sa,
             "ISAKMP SA established with " + sa.peer_id.str() + " (" + to_string(sa.suite) + ", Main Mode)");
    core.publish(sa);
    on_established(core, now, sa);
    if (sa.role == Role::initiator) start_children(core, now, sa, c);
}

// Sends an initiator message and retransmits it until answered.
void send_request(Core& core, Time now, IsakmpSa& sa, Bytes bytes) {
    sa.pending.start(0, {bytes}, now, core.options.retransmit);
    core.send(sa, std::move(bytes));
}

// ---- responder ----

const policy::Connection* responder_connection(const Core& core, const engine::DatagramIn& in) {
    for (const auto& c : core.config.connections) {
        if (c.version != 1 || c.manual) continue;
        if (c.local.address && *c.local.address != in.local.address) continue;
        if (c.remote.is_any() || (c.remote.address && *c.remote.address == in.remote.address)) return &c;
    }
    return nullptr;
}

void respond_mm1(Core& core, Time now, const engine::DatagramIn& in, const Message& m) {
    const auto* c = responder_connection(core, in);
    if (!c) {
        core.log(LogLevel::info, "", "IKEv1 Main Mode from " + in.remote.str() + ": no version 1 connection for it");
        return;
    }
    const auto* offer = first_of<SecurityAssociation>(m.payloads);
    const auto sai_b = raw_body(base::ByteView(in.bytes).subspan(kHeaderSize), first_payload_type(m.payloads),
                                PayloadType::sa);
    if (!offer || !sai_b) {
        core.log(LogLevel::warning, c->name, "Main Mode MM1 from " + in.remote.str() + " without an SA payload");
        return;
    }
    auto method = auth_method(core, *c);
    if (!method) return core.log(LogLevel::error, c->name, "cannot answer Main Mode: " + method.error().message);
    auto choice = choose_phase1(*offer, phase1_suites(c->ike.proposals, c->ike.lifetime, *method));
    if (!choice) {
        core.log(LogLevel::warning, c->name, "Main Mode from " + in.remote.str() + ": NO-PROPOSAL-CHOSEN (" +
                                                 choice.error().message + ")");
        return send_plain_notify(core, in, m.header.cookie_i, notify::no_proposal_chosen);
    }
    IsakmpSa fresh{.connection = c->name, .role = Role::responder, .state = MmState::sent_mm2,
                   .cky_i = m.header.cookie_i, .cky_r = core.new_cookie(), .local = in.local, .remote = in.remote};
    auto& sa = core.sas.emplace(fresh.cky_r, std::move(fresh)).first->second;
    sa.suite = choice->suite;
    sa.sai_b.assign(sai_b->begin(), sai_b->end());
    sa.last_in = in.bytes;
    sa.deadline = now + core.options.half_open_timeout;
    core.log(LogLevel::info, sa, "Main Mode from " + in.remote.str() + ": chose " + to_string(sa.suite));
    sa.peer_dpd = has_dpd_vendor_id(m.payloads);
    sa.natt = announces_natt(core, sa, m.payloads);
    std::vector<Payload> answer{phase1_answer(choice->transform), dpd_vendor_id()};
    if (sa.natt) answer.push_back(natt_vendor_id());
    core.send(sa, plain_message(sa, std::move(answer)));
    core.publish(sa);
}

// KE and nonce of MM3/MM4, the KE length checked against the group (RFC 2409 5).
base::Result<void> take_ke_nonce(IsakmpSa& sa, const Message& m, Bytes& gx, Bytes& nonce) {
    const auto* ke = first_of<KeyExchange>(m.payloads);
    const auto* n = first_of<Nonce>(m.payloads);
    if (!ke || !n) return base::fail("KE or nonce payload missing");
    if (ke->data.size() != crypto::ke_public_size(sa.suite.group)) return base::fail("KE of the wrong size");
    gx = ke->data;
    nonce = n->data;
    return {};
}

base::Result<void> make_ke_nonce(Core& core, IsakmpSa& sa, Bytes& gx, Bytes& nonce) {
    auto dh = crypto::KeyExchange::create(sa.suite.group, core.rng);
    if (!dh) return base::fail(dh.error().message);
    sa.dh = std::move(*dh);
    gx = sa.dh->public_value();
    nonce = core.random_bytes(kNonceSize);
    return {};
}

void respond_mm3(Core& core, IsakmpSa& sa, const policy::Connection& c, const engine::DatagramIn& in, const Message& m) {
    if (auto r = take_ke_nonce(sa, m, sa.gx_i, sa.n_i); !r) {
        core.log(LogLevel::warning, sa, "MM3 ignored: " + r.error().message);
        return;
    }
    auto keys = make_ke_nonce(core, sa, sa.gx_r, sa.n_r);
    if (keys) keys = derive_keys(core, sa, c);
    if (!keys) return fail_sa(core, sa, engine::FailureKind::other, keys.error().message);
    sa.state = MmState::sent_mm4;
    sa.last_in = in.bytes;
    if (sa.natt) detect_nat(core, sa, in, m.payloads);
    core.send(sa, plain_message(sa, key_exchange_message(core, sa, c, sa.gx_r, sa.n_r)));
}

void respond_mm5(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c, const engine::DatagramIn& in,
                 const Message& m) {
    auto msg = open(sa, sa.iv, m);
    if (!msg) {
        // Garbage is what a wrong pre-shared key gives, and what anyone can send: the
        // SA waits for a good MM5 until it times out.
        core.log(LogLevel::warning, sa, "MM5 from " + in.remote.str() + " ignored: " + msg.error().message +
                                            ", a different pre-shared key?");
        return;
    }
    auto peer = verify(core, sa, c, *msg);
    if (!peer) return fail_sa(core, sa, engine::FailureKind::authentication_failed, peer.error().message);
    if (has_initial_contact(msg->payloads)) forget_peer_state(core, sa);
    sa.iv = std::move(msg->next_iv);
    if (sa.natt) follow_ports(core, sa, in);  // RFC 3947 4: the initiator moved to port 4500
    auto proof = prove(core, sa, c);
    if (!proof) return fail_sa(core, sa, engine::FailureKind::other, proof.error().message);
    sa.last_in = in.bytes;
    core.send(sa, encrypted_message(sa, *proof));
    establish(core, now, sa, c, std::move(*peer));
}

// ---- initiator ----

void on_mm2(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c, const engine::DatagramIn& in,
            const Message& m) {
    const auto* answer = first_of<SecurityAssociation>(m.payloads);
    if (!answer) return core.log(LogLevel::warning, sa, "MM2 ignored: no SA payload");
    auto suite = accept_phase1(*answer, sa.offered);
    if (!suite) return fail_sa(core, sa, engine::FailureKind::no_proposal_chosen, suite.error().message);
    sa.suite = *suite;
    sa.peer_dpd = has_dpd_vendor_id(m.payloads);
    sa.natt = announces_natt(core, sa, m.payloads);
    sa.cky_r = m.header.cookie_r;
    sa.last_in = in.bytes;
    if (auto r = make_ke_nonce(core, sa, sa.gx_i, sa.n_i); !r)
        return fail_sa(core, sa, engine::FailureKind::other, r.error().message);
    sa.state = MmState::sent_mm3;
    send_request(core, now, sa, plain_message(sa, key_exchange_message(core, sa, c, sa.gx_i, sa.n_i)));
}

void on_mm4(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c, const engine::DatagramIn& in,
            const Message& m) {
    if (auto r = take_ke_nonce(sa, m, sa.gx_r, sa.n_r); !r)
        return core.log(LogLevel::warning, sa, "MM4 ignored: " + r.error().message);
    sa.last_in = in.bytes;
    auto keys = derive_keys(core, sa, c);
    if (!keys) return fail_sa(core, sa, engine::FailureKind::other, keys.error().message);
    auto proof = prove(core, sa, c);
    if (!proof) return fail_sa(core, sa, engine::FailureKind::other, proof.error().message);
    if (sa.natt) {
        detect_nat(core, sa, in, m.payloads);
        float_ports(core, sa);
    }
    if (first_contact(core, sa)) proof->push_back(initial_contact(sa));
    sa.state = MmState::sent_mm5;
    send_request(core, now, sa, encrypted_message(sa, *proof));
}

void on_mm6(Core& core, Time now, IsakmpSa& sa, const policy::Connection& c, const engine::DatagramIn& in,
            const Message& m) {
    auto msg = open(sa, sa.iv, m);
    if (!msg) return core.log(LogLevel::warning, sa, "MM6 ignored: " + msg.error().message);
    auto peer = verify(core, sa, c, *msg);
    if (!peer) return fail_sa(core, sa, engine::FailureKind::authentication_failed, peer.error().message);
    if (has_initial_contact(msg->payloads)) forget_peer_state(core, sa);
    sa.iv = std::move(msg->next_iv);
    sa.last_in = in.bytes;
    establish(core, now, sa, c, std::move(*peer));
}

// Which message the SA expects next, by role and state, and whether `m` is it.
bool expects_encrypted(const IsakmpSa& sa) {
    return sa.state == (sa.role == Role::initiator ? MmState::sent_mm5 : MmState::sent_mm4);
}

}  // namespace

IsakmpSa* initiate_main_mode(Core& core, Time now, const policy::Connection& c) {
    if (!c.local.address || !c.remote.address) {
        core.failures[c.name] = engine::Failure{.kind = engine::FailureKind::cannot_initiate};
        core.log(LogLevel::error, c.name, "cannot initiate: IKEv1 needs the local and remote addresses");
        return nullptr;
    }
    auto method = auth_method(core, c);
    if (!method) {
        core.failures[c.name] = engine::Failure{.kind = engine::FailureKind::cannot_initiate};
        core.log(LogLevel::error, c.name, "cannot initiate: " + method.error().message);
        return nullptr;
    }
    auto suites = phase1_suites(c.ike.proposals, c.ike.lifetime, *method);
    if (suites.empty()) {
        core.failures[c.name] = engine::Failure{.kind = engine::FailureKind::no_proposal_chosen};
        core.log(LogLevel::error, c.name, "cannot initiate: no IKE proposal has an IKEv1 form (AES-CBC)");
        return nullptr;
    }
    IsakmpSa fresh{.connection = c.name, .role = Role::initiator, .state = MmState::sent_mm1, .cky_i = core.new_cookie(),
                   .local = {*c.local.address, core.options.ike_port},
                   .remote = {*c.remote.address, c.remote.port.value_or(core.options.ike_port)}};
    auto& sa = core.sas.emplace(fresh.cky_i, std::move(fresh)).first->second;
    sa.offered = std::move(suites);
    const auto offer = phase1_offer(sa.offered);
    const auto chain = encode_payloads(std::vector<Payload>{offer});
    sa.sai_b.assign(chain.begin() + 4, chain.end());  // without the generic payload header
    core.log(LogLevel::info, sa, "initiating Main Mode to " + sa.remote.str());
    send_request(core, now, sa, plain_message(sa, {offer, dpd_vendor_id(), natt_vendor_id()}));
    core.publish(sa);
    return &sa;
}

void on_main_mode(Core& core, Time now, IsakmpSa* sa, const engine::DatagramIn& in, const Message& m) {
    if (!sa) {
        if (m.header.cookie_r == 0) return respond_mm1(core, now, in, m);
        return core.log(LogLevel::debug, "", "Main Mode message for unknown cookies from " + in.remote.str());
    }
    if (in.bytes == sa->last_in) {
        // A retransmission (RFC 2408 5.x does not number messages): answer it again.
        if (sa->role == Role::responder && !sa->last_out.empty()) core.send(*sa, sa->last_out);
        return;
    }
    const auto* c = core.config.find(sa->connection);
    if (!c) return;
    if (expects_encrypted(*sa) != bool(m.header.flags & flag::encryption)) {
        return core.log(LogLevel::debug, *sa, "Main Mode message out of order ignored");
    }
    switch (sa->state) {
        case MmState::sent_mm1: return on_mm2(core, now, *sa, *c, in, m);
        case MmState::sent_mm2: return respond_mm3(core, *sa, *c, in, m);
        case MmState::sent_mm3: return on_mm4(core, now, *sa, *c, in, m);
        case MmState::sent_mm4: return respond_mm5(core, now, *sa, *c, in, m);
        case MmState::sent_mm5: return on_mm6(core, now, *sa, *c, in, m);
        case MmState::established: break;
    }
    core.log(LogLevel::debug, *sa, "Main Mode message after establishment ignored");
}

}  // namespace ike::v1
