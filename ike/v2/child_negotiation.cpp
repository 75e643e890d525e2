#include "ike/wire/notify_data.hpp"
#include "ike/wire/spi.hpp"
#include "ike/v2/child_negotiation.hpp"

#include "ike/v2/child_sa.hpp"
#include "ike/v2/config_payload.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/sa_payload.hpp"
#include "ike/v2/traffic_selectors.hpp"

namespace ike::v2 {

namespace {

xfrm::Mode mode_of(const policy::Child& c) {
    return kernel_mode(c.mode);
}

// g^ir of the PFS exchange, or empty without one.
base::Result<base::SecretBytes> pfs_secret(const crypto::KeyExchange* ke, const wire::KeyExchange* peer) {
    if (!ke) return base::SecretBytes{};
    if (!peer || peer->group != ke->group()) return base::fail("KE payload missing or of another group");
    return ke->compute(peer->data);
}

const char* mode_name(bool transport) { return transport ? " in transport mode" : ""; }

// The configured children a request may be for: all, or for a rekey the rekeyed one.
std::vector<const policy::Child*> candidates(const IkeSa& sa, const ChildExchange& exchange) {
    std::vector<const policy::Child*> out;
    for (const auto& child : sa.conn->children)
        if (!exchange.only || exchange.only == &child) out.push_back(&child);
    return out;
}

// 3.10.1 refusals for the log, with what the peer proposed and what we are configured with
// (the selectors as they resolve on this IKE SA).
std::string ts_refusal(const IkeSa& sa, const ChildExchange& exchange, const wire::TsI& tsi, const wire::TsR& tsr,
                       bool transport) {
    std::string out = "TS_UNACCEPTABLE: peer proposed TSi " + describe(tsi.selectors) + " TSr " +
                      describe(tsr.selectors) + mode_name(transport) + ", configured";
    const auto children = candidates(sa, exchange);
    for (const auto* child : children) {
        const auto ts = allowed_selectors(sa, *child);
        out += (children.size() > 1 ? " child " + child->name : "") + " local " + describe(ts.local) + " remote " +
               describe(ts.remote) + mode_name(child->mode == policy::Mode::transport) + ";";
    }
    out.pop_back();
    return out;
}

std::string proposal_refusal(const IkeSa& sa, const ChildExchange& exchange, const wire::SecurityAssociation& offer) {
    std::string out = "NO_PROPOSAL_CHOSEN: peer proposed " + policy::describe(to_offered(offer)) + ", configured";
    const auto children = candidates(sa, exchange);
    for (const auto* child : children)
        out += (children.size() > 1 ? " child " + child->name + ":" : "") + " " + policy::describe(child->proposals) + ";";
    out.pop_back();
    return out;
}

}  // namespace

std::optional<wire::Notify> accept_child(Core& core, IkeSa& sa, const Payloads& request,
                                         const ChildExchange& exchange, const base::Bytes* our_nonce,
                                         Payloads& reply) {
    const auto* sa_payload = find<wire::SecurityAssociation>(request);
    const auto* tsi = find<wire::TsI>(request);
    const auto* tsr = find<wire::TsR>(request);
    const auto* peer_ke = find<wire::KeyExchange>(request);
    if (!sa_payload || !tsi || !tsr) {
        if (exchange.allow_ke) return notify(wire::notify::invalid_syntax);
        return std::nullopt;  // childless IKE_AUTH
    }
    const bool transport = find_notify(request, wire::notify::use_transport_mode) != nullptr;
    policy::SelectOptions options;
    if (exchange.allow_ke && peer_ke)
        options.ke_sent = peer_ke->group;
    else
        options.ignore_ke = !exchange.allow_ke;
    bool any_proposal = false;
    for (const auto& child : sa.conn->children) {
        if (exchange.only && exchange.only != &child) continue;
        const auto selection = policy::select(to_offered(*sa_payload), child.proposals, options);
        if (const auto* bad_ke = std::get_if<policy::InvalidKe>(&selection)) {
            return notify(wire::notify::invalid_ke_payload,
                          wire::ke_group_data(static_cast<std::uint16_t>(bad_ke->group)));
        }
        const auto* chosen = std::get_if<policy::Chosen>(&selection);
        const auto peer_spi = chosen ? wire::child_spi(chosen->reply.spi) : std::nullopt;
        if (!peer_spi) continue;
        any_proposal = true;
        // 2.9: TSi is the initiator's side, i.e. our remote side.
        const auto allowed = allowed_selectors(sa, child);
        auto remote_ts = narrow(tsi->selectors, allowed.remote);
        auto local_ts = narrow(tsr->selectors, allowed.local);
        // 1.3.1: transport mode only when both ask for it.
        if (remote_ts.empty() || local_ts.empty() || transport != (child.mode == policy::Mode::transport))
            continue;
        std::unique_ptr<crypto::KeyExchange> ke;
        if (const auto* group = chosen->proposal.first(TransformType::ke); group && group->id != 0) {
            auto created = crypto::KeyExchange::create(static_cast<KeGroup>(group->id), core.rng);
            if (!created) return notify(wire::notify::no_proposal_chosen);
            ke = std::move(*created);
        }
        auto secret = pfs_secret(ke.get(), peer_ke);
        if (!secret) return notify(wire::notify::invalid_syntax);
        auto spi_in = core.reserve_spi(sa, child);
        if (!spi_in) {
            core.log(LogLevel::error, &sa, "CHILD SA " + child.name + ": " + spi_in.error().message);
            return notify(wire::notify::no_proposal_chosen);
        }
        ChildSa c;
        c.config = &child;
        c.spi_in = *spi_in;
        c.spi_out = *peer_spi;
        c.reqid = exchange.reqid ? exchange.reqid : core.reqid_for(child);
        c.mode = mode_of(child);
        c.proposal = chosen->proposal;
        c.local_ts = local_ts;
        c.remote_ts = remote_ts;
        auto answer = chosen->reply;
        answer.spi = wire::child_spi_bytes(c.spi_in);
        if (auto st = install_child(core, sa, std::move(c), false, exchange.ni, exchange.nr, *secret,
                                    exchange.reqid == 0);
            !st) {
            core.log(LogLevel::error, &sa, "CHILD SA " + child.name + ": " + st.error().message);
            release_spi(core, sa, *spi_in);
            return notify(wire::notify::no_proposal_chosen);
        }
        if (transport) reply.push_back(notify(wire::notify::use_transport_mode));
        reply.push_back(to_wire({answer}));
        if (our_nonce) reply.push_back(wire::Nonce{*our_nonce});
        if (ke) reply.push_back(wire::KeyExchange{ke->group(), ke->public_value()});
        reply.push_back(wire::TsI{to_selectors(remote_ts)});
        reply.push_back(wire::TsR{to_selectors(local_ts)});
        return std::nullopt;
    }
    core.log(LogLevel::warning, &sa,
             any_proposal ? ts_refusal(sa, exchange, *tsi, *tsr, transport) : proposal_refusal(sa, exchange, *sa_payload));
    return notify(any_proposal ? wire::notify::ts_unacceptable : wire::notify::no_proposal_chosen);
}

std::vector<policy::OfferedProposal> child_offer(const policy::Child& child, std::uint32_t spi, bool with_ke) {
    return policy::make_offer(child.proposals, wire::child_spi_bytes(spi), !with_ke);
}

base::Result<std::uint32_t, ChildRefusal> complete_child(Core& core, IkeSa& sa, const policy::Child& child,
                                                         std::uint32_t spi_in,
                                                         const std::vector<policy::OfferedProposal>& offered,
                                                         const Payloads& response, const ChildExchange& exchange,
                                                         const crypto::KeyExchange* ke) {
    auto failed = [](FailureKind kind, std::string why, std::uint16_t notify = 0) {
        return base::Unexpected<ChildRefusal>{{kind, notify, std::move(why)}};
    };
    if (const auto* err = find_error(response))
        return failed(FailureKind::child_refused, "refused: " + notify_name(err->type), err->type);
    const auto* sa_payload = find<wire::SecurityAssociation>(response);
    const auto* tsi = find<wire::TsI>(response);
    const auto* tsr = find<wire::TsR>(response);
    if (!sa_payload || sa_payload->proposals.size() != 1 || !tsi || !tsr)
        return failed(FailureKind::child_failed, "response lacks SA or TS");
    const auto answer = to_offered(*sa_payload).front();
    auto chosen = policy::check_choice(answer, offered);
    auto local_ts = to_prefixes(tsi->selectors);
    auto remote_ts = to_prefixes(tsr->selectors);
    const auto spi_out = wire::child_spi(answer.spi);
    const auto mode = find_notify(response, wire::notify::use_transport_mode) ? xfrm::Mode::transport : xfrm::Mode::tunnel;
    // The peer has installed what it answered: what we refuse, it must delete again.
    auto refuse = [&](FailureKind kind, const std::string& why) {
        send_delete_child_spi(core, sa, child.protocol, spi_in);
        return failed(kind, why + "; deleting it");
    };
    if (!chosen || !spi_out || !local_ts || !remote_ts || local_ts->empty() || remote_ts->empty())
        return refuse(FailureKind::child_failed, "unacceptable response");
    // 2.9: the responder narrows, never widens; 1.3.1: transport mode only when asked for.
    if (!narrows(*local_ts, exchange.proposed.local) || !narrows(*remote_ts, exchange.proposed.remote))
        return refuse(FailureKind::child_widened, "refused: the peer widened the traffic selectors: answered TSi " + describe(tsi->selectors) +
                      " TSr " + describe(tsr->selectors) + ", we proposed TSi " + describe(exchange.proposed.local) +
                      " TSr " + describe(exchange.proposed.remote));
    if (mode != mode_of(child))
        return refuse(FailureKind::child_mode_refused, std::string("refused: the peer chose ") + (mode == xfrm::Mode::transport ? "transport" : "tunnel") +
                      " mode, we asked for " + (child.mode == policy::Mode::transport ? "transport" : "tunnel"));
    const auto* group = chosen->first(TransformType::ke);
    const bool pfs = group && group->id != 0;
    auto secret = pfs_secret(pfs ? ke : nullptr, find<wire::KeyExchange>(response));
    if (!secret) return failed(FailureKind::child_failed, secret.error().message);
    ChildSa c;
    c.config = &child;
    c.spi_in = spi_in;
    c.spi_out = *spi_out;
    c.reqid = exchange.reqid ? exchange.reqid : core.reqid_for(child);
    c.mode = mode;
    c.proposal = std::move(*chosen);
    c.local_ts = std::move(*local_ts);
    c.remote_ts = std::move(*remote_ts);
    if (auto st = install_child(core, sa, std::move(c), true, exchange.ni, exchange.nr, *secret, exchange.reqid == 0);
        !st)
        return failed(FailureKind::child_failed, st.error().message);
    return spi_in;
}

}  // namespace ike::v2
