// INFORMATIONAL (RFC 7296 1.4): deleting the IKE SA or CHILD SAs, the empty request that
// checks liveness (dpd.cpp sends it; any peer answers it here), and the initiator's
// AUTHENTICATION_FAILED after our IKE_AUTH response (2.21.2).
#include "ike/wire/spi.hpp"
#include "ike/v2/child_sa.hpp"
#include "ike/v2/exchanges.hpp"
#include "ike/v2/protection.hpp"

namespace ike::v2 {

void send_delete_ike(Core& core, IkeSa& sa) {
    // Whatever else waited is moot: the IKE SA's CHILD SAs go with it (1.4.1). After a rekey
    // they live on in the successor, and so do the requests about them (enter_state closed).
    if (!sa.successor) sa.waiting.clear();
    if (sa.pending.active())
        sa.waiting.emplace_front(sent::DeleteIke{});
    else  // 3.11: an IKE SA is deleted with protocol IKE, no SPI.
        send_request(core, sa, sent::DeleteIke{}, wire::ExchangeType::informational,
                     {wire::Delete{ProtocolId::ike, 0, {}}});
    if (sa.state != IkeState::deleting) enter_state(core, sa, IkeState::deleting);
}

void send_delete_child(Core& core, IkeSa& sa, ChildSa& child) {
    send_delete_child_spi(core, sa, child.config->protocol, child.spi_in);
    stop_sending(core, sa, child);
    enter_state(core, sa, child, ChildState::deleting);
}

void send_delete_child_spi(Core& core, IkeSa& sa, ProtocolId protocol, std::uint32_t spi_in) {
    if (sa.pending.active()) {
        sa.waiting.emplace_back(wanted::DeleteChild{protocol, spi_in});
        return;
    }
    // 1.4.1, 3.11: name the SA by its protocol and the SPI we receive on; its pair goes with it.
    send_request(core, sa, sent::DeleteChild{spi_in}, wire::ExchangeType::informational,
                 {wire::Delete{protocol, 4, {wire::child_spi_bytes(spi_in)}}});
}

void respond_informational(Core& core, IkeSa& sa, std::uint32_t message_id, const Payloads& request) {
    // 2.21.2: the initiator refused our AUTH. We took the IKE SA (and the first CHILD SA) for
    // established; it never was, so it goes with its kernel state, and the peer, which has
    // forgotten it, is not asked for more than this answer.
    if (find_notify(request, wire::notify::authentication_failed)) {
        send_response(core, sa, wire::ExchangeType::informational, message_id, {});
        core.log(LogLevel::error, &sa, "peer refused our authentication (AUTHENTICATION_FAILED); deleting the IKE SA");
        sa.failure = {FailureKind::authentication_failed, {}, wire::notify::authentication_failed};
        enter_state(core, sa, IkeState::closed);
        return;
    }
    Payloads reply;
    bool delete_ike = false;
    // 3.11: one Delete payload per protocol, ESP and AH SPIs being separate spaces.
    wire::Delete esp{ProtocolId::esp, 4, {}}, ah{ProtocolId::ah, 4, {}};
    for (const auto& p : request) {
        const auto* d = std::get_if<wire::Delete>(&p);
        if (!d) continue;
        if (d->protocol == ProtocolId::ike) {
            delete_ike = true;
            continue;
        }
        // 1.4.1: delete the inbound SA named and answer with our SPI of the pair.
        for (const auto& spi : d->spis)
            for (auto& c : sa.children)
                if (c.state != ChildState::deleted && c.config->protocol == d->protocol &&
                    wire::child_spi(spi) == c.spi_out) {
                    // A pair we are deleting ourselves crosses the peer's Delete (1.4.1).
                    (d->protocol == ProtocolId::ah ? ah : esp).spis.push_back(wire::child_spi_bytes(c.spi_in));
                    enter_state(core, sa, c, ChildState::deleted);
                }
    }
    prune_children(sa);
    // status and D-Bus must stop listing the pairs the peer deleted (e.g. after its rekey)
    if (!esp.spis.empty() || !ah.spis.empty()) core.publish(sa);
    for (auto* d : {&esp, &ah})
        if (!d->spis.empty()) reply.push_back(std::move(*d));
    send_response(core, sa, wire::ExchangeType::informational, message_id, reply);
    if (delete_ike) {
        core.log(LogLevel::info, &sa, "peer deleted the IKE SA");
        enter_state(core, sa, IkeState::closed);
    }
}

void process_informational_response(Core& core, IkeSa& sa, const InFlight& request, const Payloads&) {
    if (std::holds_alternative<sent::DeleteIke>(request)) {
        enter_state(core, sa, IkeState::closed);
    } else if (const auto* d = std::get_if<sent::DeleteChild>(&request)) {
        for (auto& c : sa.children)
            if (c.spi_in == d->spi_in) enter_state(core, sa, c, ChildState::deleted);
        prune_children(sa);
        core.publish(sa);
    }
    // A liveness check's answer: last_heard was updated by the engine.
}

}  // namespace ike::v2
