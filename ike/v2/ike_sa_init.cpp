// IKE_SA_INIT (RFC 7296 1.2): proposals, Diffie-Hellman, nonces, NAT detection (2.23),
// cookies (2.6), INVALID_KE_PAYLOAD retry (1.2), fragmentation support (RFC 7383 2.3).
#include <algorithm>

#include "ike/wire/notify_data.hpp"
#include "ike/v2/cert_payloads.hpp"
#include "ike/v2/cookie.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/ike_keys.hpp"
#include "ike/v2/nat_detection.hpp"
#include "ike/v2/sa_payload.hpp"
#include "ike/wire/encode.hpp"

namespace ike::v2 {

namespace {

constexpr std::size_t kNonceSize = 32;  // 2.10: at least half the PRF key size, >= 16

// NAT_DETECTION_SOURCE_IP / _DESTINATION_IP for the SPIs as the message carries them.
void add_nat_detection(Payloads& out, const crypto::IkeSpis& spis, const IkeSa& sa) {
    out.push_back(notify(wire::notify::nat_detection_source_ip, nat_hash(spis, sa.local)));
    out.push_back(notify(wire::notify::nat_detection_destination_ip, nat_hash(spis, sa.remote)));
}

// 2.23: our address was rewritten if the peer's DESTINATION hash does not match ours; the
// peer's if none of its SOURCE hashes matches the address we see.
void detect_nat(IkeSa& sa, const Payloads& payloads, const crypto::IkeSpis& spis) {
    bool saw_source = false, source_ok = false;
    for (const auto& p : payloads) {
        const auto* n = std::get_if<wire::Notify>(&p);
        if (!n) continue;
        if (n->type == wire::notify::nat_detection_destination_ip)
            sa.nat_local = n->data != nat_hash(spis, sa.local);
        if (n->type == wire::notify::nat_detection_source_ip) {
            saw_source = true;
            source_ok = source_ok || n->data == nat_hash(spis, sa.remote);
        }
    }
    sa.nat_remote = saw_source && !source_ok;
}

bool fragmentation_offered(const Payloads& payloads) {
    return find_notify(payloads, wire::notify::ikev2_fragmentation_supported) != nullptr;
}

// An unauthenticated IKE_SA_INIT answer that commits no state (2.6, 2.21.1).
void answer_stateless(Core& core, const DatagramIn& in, const wire::Header& request,
                      wire::Notify n) {
    wire::Header h = request;
    h.spi_r = 0;
    h.flags = wire::flag::response;
    const wire::Message answer{h, {std::move(n)}};
    base::Bytes bytes = wire::encode(answer);
    core.log_message(nullptr, true, h, answer.payloads, {in.local, in.remote, bytes.size(), 1});
    core.emit(SendDatagram{in.local, in.remote, std::move(bytes)});
}

void send_init_request(Core& core, IkeSa& sa) {
    Payloads p;
    // 2.6: the COOKIE notify comes first.
    if (!sa.cookie.empty()) p.push_back(notify(wire::notify::cookie, sa.cookie));
    p.push_back(to_wire(sa.offered));
    p.push_back(wire::KeyExchange{sa.ke->group(), sa.ke->public_value()});
    p.push_back(wire::Nonce{sa.ni});
    add_nat_detection(p, {sa.spis.initiator, 0}, sa);
    p.push_back(notify(wire::notify::ikev2_fragmentation_supported));
    p.push_back(signature_hashes_notify());
    if (core.options.rewrite_ike_sa_init) core.options.rewrite_ike_sa_init(true, p);
    wire::Header h;
    h.spi_i = sa.spis.initiator;
    h.exchange = wire::ExchangeType::ike_sa_init;
    h.flags = wire::flag::initiator;
    sa.init_request = wire::encode({h, p});
    sa.ids.next_request = 1;
    sa.request = sent::IkeSaInit{};
    sa.pending.start(0, {sa.init_request}, core.now, core.options.retransmit);
    core.send_message(sa, h, p, sa.pending.datagrams());
}

// The first IKE_SA_INIT request of an initiator whose addresses are known.
void send_init(Core& core, IkeSa& sa, const net::Address& local, const net::Address& remote) {
    sa.local = {local, core.options.ike_port};
    sa.remote = {remote, sa.conn->remote.port.value_or(core.options.ike_port)};
    core.log(LogLevel::info, &sa, "initiating IKE SA to " + sa.remote.str());
    send_init_request(core, sa);
    enter_state(core, sa, IkeState::init_sent);
}

// The connections whose addresses admit the request, in configuration order.
std::vector<const policy::Connection*> responder_connections(const Core& core, const DatagramIn& in) {
    std::vector<const policy::Connection*> all;
    for (const auto& c : core.config.connections) {
        if (c.version != 2 || c.manual) continue;
        if (c.local.address && *c.local.address != in.local.address) continue;
        if (!admits(core, c, in.remote.address)) continue;
        all.push_back(&c);
    }
    return all;
}

}  // namespace

// 2.23: the NAT detection hashes must cover the real source address, and the kernel SAs are
// built from it; "any" would make both sides see a NAT.
base::Result<net::Address> local_address(const Core& core, const policy::Connection& conn, const net::Address& remote) {
    if (conn.local.address) return *conn.local.address;
    if (!core.options.source_address) return base::fail("no local address given and no route lookup");
    auto found = core.options.source_address(remote);
    if (!found) return base::fail("no source address towards " + remote.str() + ": " + found.error().message);
    return found;
}

IkeSa* initiate(Core& core, const policy::Connection& conn, const policy::Child* child) {
    if (conn.remote.is_any()) {
        core.log(LogLevel::error, conn.name, "cannot initiate: the remote address is %any");
        return nullptr;
    }
    std::optional<net::Address> local;
    if (conn.remote.address) {
        auto found = local_address(core, conn, *conn.remote.address);
        if (!found) {
            core.log(LogLevel::error, conn.name, "cannot initiate: " + found.error().message);
            return nullptr;
        }
        local = *found;
    }
    const auto group = policy::preferred_ke(conn.ike.proposals);
    auto ke = crypto::KeyExchange::create(group.value_or(KeGroup::none), core.rng);
    if (!ke) {
        core.log(LogLevel::error, conn.name, "cannot initiate: " + ke.error().message);
        return nullptr;
    }
    auto sa = std::make_unique<IkeSa>();
    sa->conn = &conn;
    sa->initiator = true;
    sa->state = local ? IkeState::init_sent : IkeState::resolving;
    sa->spis.initiator = core.new_ike_spi();
    sa->first_child = child;
    sa->offered = policy::make_offer(conn.ike.proposals, {});
    sa->ke = std::move(*ke);
    sa->ni = core.random_bytes(kNonceSize);
    IkeSa& s = core.add_sa(std::move(sa));
    if (local) {
        send_init(core, s, *local, *conn.remote.address);
        return &s;
    }
    // A host name: resolved at each initiation (resolve.cpp), IKE_SA_INIT once it answers.
    core.log(LogLevel::info, &s, "resolving " + conn.remote.host);
    enter_state(core, s, IkeState::resolving);
    resolve(core, conn);
    return &s;
}

void initiate_to(Core& core, IkeSa& sa, const net::Address& remote) {
    auto local = local_address(core, *sa.conn, remote);
    if (!local) {
        core.log(LogLevel::error, &sa, "cannot initiate: " + local.error().message);
        sa.failure = {FailureKind::cannot_initiate};
        enter_state(core, sa, IkeState::closed);
        return;
    }
    send_init(core, sa, *local, remote);
}

void respond_ike_sa_init(Core& core, const DatagramIn& in, const wire::Message& request) {
    const wire::Header& h = request.header;
    core.log_received(nullptr, in, request, request.payloads);
    // 2.1: a retransmitted IKE_SA_INIT request gets the same response again.
    if (auto it = core.half_open.find({h.spi_i, in.remote}); it != core.half_open.end()) {
        const IkeSa& sa = *core.sas.at(it->second);
        if (const auto* cached = sa.responses.lookup(0)) core.send(sa, *cached);
        return;
    }
    const auto admitted = responder_connections(core, in);
    if (admitted.empty()) {
        core.log(LogLevel::info, "", "IKE_SA_INIT from " + in.remote.str() + " matches no connection");
        return;
    }
    if (core.half_open.size() >= core.options.max_half_open) return;  // bounded, silently
    const auto* sa_payload = find<wire::SecurityAssociation>(request.payloads);
    const auto* ke_payload = find<wire::KeyExchange>(request.payloads);
    const auto* nonce = find<wire::Nonce>(request.payloads);
    if (!sa_payload || !ke_payload || !nonce || nonce->data.size() < 16 || nonce->data.size() > 256) {
        answer_stateless(core, in, h, notify(wire::notify::invalid_syntax));
        return;
    }
    // DoS gate before any crypto (2.6): under load, only a returned cookie gets us to DH.
    if (core.half_open.size() >= core.options.cookie_threshold) {
        const base::Bytes cookie = make_cookie(core.cookie_secret, nonce->data, in.remote.address, h.spi_i);
        const auto* echoed = find_notify(request.payloads, wire::notify::cookie);
        if (!echoed || echoed->data != cookie) {
            answer_stateless(core, in, h, notify(wire::notify::cookie, cookie));
            return;
        }
    }
    // The first connection whose proposals accept the offer answers; IKE_AUTH may move the
    // IKE SA to another that would have chosen the same (2.15, 3.5: the IDs decide).
    const auto offered = to_offered(*sa_payload);
    std::vector<policy::Selection> selections;
    for (const auto* c : admitted)
        selections.push_back(policy::select(offered, c->ike.proposals, {.ke_sent = ke_payload->group}));
    auto accepted = [](const policy::Selection& s) { return std::holds_alternative<policy::Chosen>(s); };
    // Without any, the first connection's answer (NO_PROPOSAL_CHOSEN or INVALID_KE_PAYLOAD).
    const auto found = std::find_if(selections.begin(), selections.end(), accepted);
    const auto at = found == selections.end() ? 0 : static_cast<std::size_t>(found - selections.begin());
    const policy::Connection* conn = admitted[at];
    const policy::Selection& selection = selections[at];
    if (std::holds_alternative<policy::NoProposalChosen>(selection)) {
        core.log(LogLevel::warning, conn->name,
                 "NO_PROPOSAL_CHOSEN: " + in.remote.str() + " proposed IKE " + policy::describe(offered) +
                     ", configured " + policy::describe(conn->ike.proposals));
        answer_stateless(core, in, h, notify(wire::notify::no_proposal_chosen));
        return;
    }
    if (const auto* bad_ke = std::get_if<policy::InvalidKe>(&selection)) {
        // 1.2: name the group we want; the initiator retries with it.
        answer_stateless(core, in, h,
                         notify(wire::notify::invalid_ke_payload,
                                wire::ke_group_data(static_cast<std::uint16_t>(bad_ke->group))));
        return;
    }
    const auto& chosen = std::get<policy::Chosen>(selection);
    auto sa = std::make_unique<IkeSa>();
    auto ke = core.responder_ke(ke_payload->group, *sa);
    if (!ke) {
        core.log(LogLevel::error, conn->name, "key exchange: " + ke.error().message);
        return;
    }
    sa->conn = conn;
    for (std::size_t i = 0; i < admitted.size(); ++i)
        if (accepted(selections[i]) && std::get<policy::Chosen>(selections[i]).proposal == chosen.proposal)
            sa->candidates.push_back(admitted[i]->name);
    sa->initiator = false;
    sa->spis = {h.spi_i, core.new_ike_spi()};
    sa->local = in.local;
    sa->remote = in.remote;
    sa->proposal = chosen.proposal;
    sa->ni = nonce->data;
    sa->nr = core.random_bytes(kNonceSize);
    sa->init_request = in.bytes;  // 2.15: the message exactly as received
    sa->peer_fragmentation = fragmentation_offered(request.payloads);
    sa->peer_hashes = peer_signature_hashes(request.payloads);
    detect_nat(*sa, request.payloads, {h.spi_i, 0});
    wire::KeyExchange our_ke{ke_payload->group, (*ke)->public_value()};
    sa->ke = std::move(*ke);
    if (auto st = derive_keys(*sa, ke_payload->data, nullptr); !st) {
        core.log(LogLevel::warning, conn->name, "IKE_SA_INIT from " + in.remote.str() + ": " + st.error().message);
        answer_stateless(core, in, h, notify(wire::notify::invalid_syntax));
        return;
    }
    Payloads p;
    p.push_back(to_wire({chosen.reply}));
    p.push_back(std::move(our_ke));
    p.push_back(wire::Nonce{sa->nr});
    if (auto req = certificate_request(core, *sa)) p.push_back(std::move(*req));  // 1.2: [CERTREQ]
    add_nat_detection(p, sa->spis, *sa);
    p.push_back(notify(wire::notify::ikev2_fragmentation_supported));
    p.push_back(signature_hashes_notify());
    if (core.options.rewrite_ike_sa_init) core.options.rewrite_ike_sa_init(false, p);
    wire::Header rh = h;
    rh.spi_r = sa->spis.responder;
    rh.flags = wire::flag::response;
    sa->init_response = wire::encode({rh, p});
    sa->ids.expected_request = 1;
    sa->responses.store(0, {sa->init_response});
    sa->expires = core.now + core.options.half_open_timeout;
    IkeSa& s = core.add_sa(std::move(sa));
    core.index_half_open(s);
    core.send_message(s, rh, p, *s.responses.lookup(0));
    enter_state(core, s, IkeState::half_open);
}

void process_ike_sa_init_response(Core& core, IkeSa& sa, const DatagramIn& in,
                                  const wire::Message& response) {
    const Payloads& p = response.payloads;
    core.log_received(&sa, in, response, p);
    // 2.6: echo the responder's cookie in a new IKE_SA_INIT request.
    if (const auto* c = find_notify(p, wire::notify::cookie); c && sa.cookie != c->data) {
        core.log(LogLevel::debug, &sa, "responder asked for a cookie");
        sa.cookie = c->data;
        send_init_request(core, sa);
        return;
    }
    // 1.2: retry with the group the responder asked for, if we offered it.
    if (const auto* n = find_notify(p, wire::notify::invalid_ke_payload)) {
        const auto group = static_cast<KeGroup>(wire::ke_group_of(*n).value_or(0));
        if (group != sa.ke->group() && policy::offers_ke(sa.conn->ike.proposals, group)) {
            auto ke = crypto::KeyExchange::create(group, core.rng);
            if (ke) {
                core.log(LogLevel::info, &sa, "responder asked for KE group " +
                                                  std::to_string(static_cast<unsigned>(group)));
                sa.ke = std::move(*ke);
                send_init_request(core, sa);
                return;
            }
        }
        core.log(LogLevel::error, &sa, "responder asked for a KE group we do not offer");
        enter_state(core, sa, IkeState::closed);
        return;
    }
    if (const auto* err = find_error(p)) {
        core.log(LogLevel::error, &sa, "IKE_SA_INIT refused: " + notify_name(err->type));
        enter_state(core, sa, IkeState::closed);
        return;
    }
    const auto* sa_payload = find<wire::SecurityAssociation>(p);
    const auto* ke_payload = find<wire::KeyExchange>(p);
    const auto* nonce = find<wire::Nonce>(p);
    if (!sa_payload || sa_payload->proposals.size() != 1 || !ke_payload || !nonce ||
        nonce->data.size() < 16 || response.header.spi_r == 0) {
        core.log(LogLevel::error, &sa, "malformed IKE_SA_INIT response");
        enter_state(core, sa, IkeState::closed);
        return;
    }
    // 3.3.6: the answer must be one of our proposals, one transform per type.
    auto chosen = policy::check_choice(to_offered(*sa_payload).front(), sa.offered);
    const auto* group = chosen ? chosen->first(TransformType::ke) : nullptr;
    if (!chosen || !group || group->id != static_cast<std::uint16_t>(ke_payload->group) ||
        ke_payload->group != sa.ke->group()) {
        core.log(LogLevel::error, &sa, "IKE_SA_INIT response: " +
                                           (chosen ? std::string("KE group mismatch") : chosen.error().message));
        enter_state(core, sa, IkeState::closed);
        return;
    }
    sa.proposal = std::move(*chosen);
    sa.spis.responder = response.header.spi_r;
    sa.nr = nonce->data;
    sa.init_response = in.bytes;
    sa.peer_fragmentation = fragmentation_offered(p);
    sa.peer_hashes = peer_signature_hashes(p);
    detect_nat(sa, p, sa.spis);
    if (auto st = derive_keys(sa, ke_payload->data, nullptr); !st) {
        core.log(LogLevel::error, &sa, "IKE_SA_INIT response: " + st.error().message);
        enter_state(core, sa, IkeState::closed);
        return;
    }
    // 2.23: with a NAT in the path, IKE moves to port 4500 from IKE_AUTH on. A peer reached on
    // a port of its own (remote.port) keeps it: its NAT-T port is not ours to guess.
    if (sa.nat_local || sa.nat_remote) {
        if (sa.remote.port == core.options.ike_port) sa.remote.port = core.options.natt_port;
        sa.local.port = core.options.natt_port;
    }
    send_ike_auth(core, sa);
}

}  // namespace ike::v2
