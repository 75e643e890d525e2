// Dead Peer Detection (RFC 3706) on an established ISAKMP SA: both sides announce it with a
// vendor ID in MM1/MM2 (strongSwan and Libreswan always do); an R-U-THERE is an
// authenticated notify about the ISAKMP SA (SPI: the cookie pair) carrying a 32-bit sequence
// number, answered by an R-U-THERE-ACK with the same number. ipsecd answers every
// R-U-THERE (5.4 lets the receiver skip duplicates; strongSwan answers all), and probes a
// peer it has not heard from for `ike.dpd` when the peer announced DPD: a new sequence
// number for each probe and retransmission (5.5), the retransmission timer of Main Mode;
// no answer after the last one declares the peer dead.
#include <algorithm>

#include "ike/v1/core.hpp"

namespace ike::v1 {

namespace {

using namespace wire::v1;
using engine::LogLevel;

constexpr std::uint8_t kDpdVendorId[] = {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
                                         0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};  // 3706 2

Bytes be32_bytes(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

void send_probe(Core& core, IsakmpSa& sa) {
    if (sa.dpd_seq == 0) {
        // 5.5: the first number is random (strongSwan: 31 bits), then increments.
        for (auto b : core.random_bytes(4)) sa.dpd_seq = sa.dpd_seq << 8 | b;
        sa.dpd_seq = (sa.dpd_seq & 0x7fffffff) | 1;
    } else {
        ++sa.dpd_seq;
    }
    if (!sa.dpd_probe.active()) sa.dpd_unanswered = sa.dpd_seq;
    send_isakmp_notify(core, sa, notify::r_u_there, be32_bytes(sa.dpd_seq));
}

// The peer is dead: its IPsec SAs and the ISAKMP SA go without Deletes (nobody would read
// them); each child's close action says whether its policies stay (fail closed).
void peer_dead(Core& core, IsakmpSa& sa) {
    core.log(LogLevel::error, sa, "the peer is dead (DPD: no R-U-THERE-ACK): its SAs are removed");
    core.failures[sa.connection] = engine::Failure{.kind = engine::FailureKind::timeout};
    const auto* c = core.config.find(sa.connection);
    while (!sa.ipsec_sas.empty()) {
        const IpsecSa ipsec = sa.ipsec_sas.front();
        sa.ipsec_sas.erase(sa.ipsec_sas.begin());
        bool clear = true;
        if (c)
            for (const auto& child : c->children)
                if (child.name == ipsec.child) clear = child.on_close() == policy::CloseAction::clear;
        retire_ipsec(core, sa, ipsec, false, clear);
    }
    core.remove(sa);
}

Duration dpd_delay(const Core& core, const IsakmpSa& sa) {
    const auto* c = core.config.find(sa.connection);
    return c ? std::chrono::duration_cast<Duration>(c->ike.dpd) : Duration{};
}

}  // namespace

VendorId dpd_vendor_id() { return {Bytes(std::begin(kDpdVendorId), std::end(kDpdVendorId))}; }

bool has_dpd_vendor_id(const std::vector<Payload>& payloads) {
    return std::any_of(payloads.begin(), payloads.end(), [](const Payload& p) {
        const auto* v = std::get_if<VendorId>(&p);
        return v && std::equal(v->data.begin(), v->data.end(), std::begin(kDpdVendorId), std::end(kDpdVendorId));
    });
}

void on_dpd_notify(Core& core, IsakmpSa& sa, const Notification& n) {
    if (n.data.size() != 4 || n.protocol != static_cast<std::uint8_t>(wire::v1::ProtocolId::isakmp))
        return core.log(LogLevel::debug, sa, "malformed DPD notify ignored");
    std::uint32_t seq = 0;
    for (auto b : n.data) seq = seq << 8 | b;
    if (n.type == notify::r_u_there) return send_isakmp_notify(core, sa, notify::r_u_there_ack, n.data);
    // An ACK of any probe of the round under way (retransmissions carry new numbers).
    if (sa.dpd_probe.active() && seq - sa.dpd_unanswered <= sa.dpd_seq - sa.dpd_unanswered) sa.dpd_probe.clear();
}

void dpd_timers(Core& core, Time now, IsakmpSa& sa) {
    const auto delay = dpd_delay(core, sa);
    if (delay.count() <= 0 || !sa.peer_dpd || sa.successor) return;
    if (sa.dpd_probe.active()) {
        switch (sa.dpd_probe.poll(now)) {
            case engine::PendingRequest::Due::nothing: return;
            case engine::PendingRequest::Due::resend: return send_probe(core, sa);
            case engine::PendingRequest::Due::give_up: return peer_dead(core, sa);
        }
        return;
    }
    if (now < sa.last_heard + delay) return;
    send_probe(core, sa);
    sa.dpd_probe.start(0, {}, now, core.options.retransmit);
}

std::optional<Time> dpd_wakeup(const Core& core, const IsakmpSa& sa) {
    const auto delay = dpd_delay(core, sa);
    if (delay.count() <= 0 || !sa.peer_dpd || sa.successor) return std::nullopt;
    if (sa.dpd_probe.active()) return sa.dpd_probe.deadline();
    return sa.last_heard + delay;
}

}  // namespace ike::v1
