// Informational exchanges (RFC 2409 5.7, RFC 2408 4.8 / 3.14-3.15) under an established
// ISAKMP SA: HDR*, HASH(1), N or D, with a fresh Message ID and its own IV chain.
//   HASH(1) = prf(SKEYID_a, M-ID | N/D)
// Sent: Deletes when an operator takes a connection down. Received: Deletes of IPsec SAs
// and of the ISAKMP SA, notifies logged by name.
#include <algorithm>
#include <cstdio>

#include "ike/v1/core.hpp"
#include "ike/v1/protection.hpp"
#include "ike/engine/child_policies.hpp"
#include "ike/engine/kernel_sa.hpp"
#include "ike/wire/v1/codec.hpp"

namespace ike::v1 {

using namespace wire::v1;
using engine::LogLevel;

std::string notify_name(std::uint16_t type) {
    switch (type) {
        case notify::invalid_payload_type: return "INVALID-PAYLOAD-TYPE";
        case notify::invalid_cookie: return "INVALID-COOKIE";
        case notify::invalid_exchange_type: return "INVALID-EXCHANGE-TYPE";
        case notify::invalid_message_id: return "INVALID-MESSAGE-ID";
        case notify::invalid_spi: return "INVALID-SPI";
        case notify::attributes_not_supported: return "ATTRIBUTES-NOT-SUPPORTED";
        case notify::no_proposal_chosen: return "NO-PROPOSAL-CHOSEN";
        case notify::payload_malformed: return "PAYLOAD-MALFORMED";
        case notify::invalid_key_information: return "INVALID-KEY-INFORMATION";
        case notify::invalid_id_information: return "INVALID-ID-INFORMATION";
        case notify::invalid_hash_information: return "INVALID-HASH-INFORMATION";
        case notify::authentication_failed: return "AUTHENTICATION-FAILED";
        case notify::initial_contact: return "INITIAL-CONTACT";
        case notify::r_u_there: return "R-U-THERE";
        case notify::r_u_there_ack: return "R-U-THERE-ACK";
        default: return "notify " + std::to_string(type);
    }
}

namespace {

Bytes spi_bytes(std::uint32_t spi) {
    return {static_cast<std::uint8_t>(spi >> 24), static_cast<std::uint8_t>(spi >> 16),
            static_cast<std::uint8_t>(spi >> 8), static_cast<std::uint8_t>(spi)};
}

void send_informational(Core& core, IsakmpSa& sa, Payload payload) {
    std::uint32_t mid = 0;
    while (mid == 0)
        for (auto b : core.random_bytes(4)) mid = mid << 8 | b;
    auto iv = phase2_iv(sa, mid);
    if (!iv) return;
    // Its own IV chain: the phase-1 IV every Quick Mode starts from stays as it is.
    core.transmit(sa, seal(sa, ExchangeType::informational, mid, *iv, with_hash(sa, mid, {}, {std::move(payload)})));
}


// The peer deleted IPsec SAs (its inbound SPIs: our outbound ones). The policies stay
// unless the child's close action is clear: its traffic is dropped, never sent in the clear.
void on_ipsec_delete(Core& core, IsakmpSa& sa, const Delete& d) {
    const auto* c = core.config.find(sa.connection);
    for (const auto& raw : d.spis) {
        std::uint32_t spi = 0;
        for (auto b : raw) spi = spi << 8 | b;
        // On this ISAKMP SA or, around a renewal, on another of the connection's.
        auto [holder, ipsec] = core.find_ipsec(sa.connection, [spi, &d](const IpsecSa& i) {
            return i.spi_out == spi && static_cast<std::uint8_t>(i.suite.protocol()) == d.protocol;
        });
        if (!ipsec) continue;
        bool clear = true;
        if (c)
            for (const auto& child : c->children)
                if (child.name == ipsec->child) clear = child.on_close() == policy::CloseAction::clear;
        core.log(LogLevel::info, *holder,
                 "the peer deleted IPsec SA " + ipsec->child + (clear ? "" : ": its policies stay (traffic dropped)"));
        const IpsecSa gone = *ipsec;
        std::erase_if(holder->ipsec_sas, [&gone](const IpsecSa& i) { return i.spi_in == gone.spi_in; });
        retire_ipsec(core, *holder, gone, false, clear);
        core.publish(*holder);
    }
}

// RFC 2407 4.4.1: the protocols of IPsec SAs (ESP, AH).
bool ipsec_protocol(std::uint8_t protocol) {
    return protocol == static_cast<std::uint8_t>(wire::v1::ProtocolId::esp) ||
           protocol == static_cast<std::uint8_t>(wire::v1::ProtocolId::ah);
}

}  // namespace

std::vector<xfrm::Policy> policies_of(const IsakmpSa& sa, const IpsecSa& ipsec) {
    const std::vector<net::Prefix> local{ipsec.local_ts}, remote{ipsec.remote_ts};
    return engine::policies_for({local, remote, sa.local.address, sa.remote.address, ipsec.suite.kernel_proto(),
                                 engine::kernel_mode(ipsec.suite.mode), ipsec.reqid});
}

void send_child_notify(Core& core, IsakmpSa& sa, std::uint16_t type, wire::v1::ProtocolId protocol, Bytes spi) {
    core.log(LogLevel::info, sa, "sent " + notify_name(type) + " to the peer");
    send_informational(core, sa,
                       Notification{.protocol = static_cast<std::uint8_t>(protocol),
                                    .spi = std::move(spi), .type = type});
}

void send_plain_notify(Core& core, const engine::DatagramIn& in, std::uint64_t cookie_i, std::uint16_t type) {
    const Header header{.cookie_i = cookie_i, .exchange = ExchangeType::informational};
    const Notification n{.protocol = static_cast<std::uint8_t>(wire::v1::ProtocolId::isakmp), .type = type};
    core.out.push_back(engine::SendDatagram{in.local, in.remote, encode(Message{.header = header, .payloads = {n}})});
}

void send_isakmp_notify(Core& core, IsakmpSa& sa, std::uint16_t type, Bytes data) {
    send_informational(core, sa,
                       Notification{.protocol = static_cast<std::uint8_t>(wire::v1::ProtocolId::isakmp),
                                    .spi = cookie_pair(sa), .type = type, .data = std::move(data)});
}

void on_informational(Core& core, Time now, IsakmpSa& sa, const engine::DatagramIn& in, const Message& m) {
    const auto mid = m.header.message_id;
    // RFC 2408 4.8 allows unprotected notifies before keys exist; they prove nothing and
    // are only logged.
    if (sa.state != MmState::established || !(m.header.flags & flag::encryption)) {
        for (const auto& p : m.payloads)
            if (const auto* n = std::get_if<Notification>(&p))
                core.log(LogLevel::info, sa, "unauthenticated notify from " + in.remote.str() + ": " + notify_name(n->type));
        return;
    }
    auto iv = phase2_iv(sa, mid);
    if (!iv) return;
    auto msg = open(sa, *iv, m);
    if (!msg) return core.log(LogLevel::warning, sa, "Informational ignored: " + msg.error().message);
    if (auto ok = check_hash(sa, mid, {}, *msg); !ok)
        return core.log(LogLevel::warning, sa, "Informational ignored: HASH(1): " + ok.error().message);
    sa.last_heard = now;  // authenticated: the peer is alive (RFC 3706 5.3)
    for (const auto& p : msg->payloads) {
        const auto* n = std::get_if<Notification>(&p);
        if (n && (n->type == notify::r_u_there || n->type == notify::r_u_there_ack))
            on_dpd_notify(core, sa, *n);
        else if (n)
            core.log(LogLevel::info, sa, "the peer notified " + notify_name(n->type));
        // RFC 2408 3.14.1: types below 8192 are errors; one about our offer's SPI ends it, and
        // one without an SPI (Libreswan's) the Quick Mode under way, if there is one.
        if (n && n->type < 8192 && ipsec_protocol(n->protocol) && n->spi.size() == 4) {
            std::uint32_t spi = 0;
            for (auto b : n->spi) spi = spi << 8 | b;
            quick_mode_refused(core, now, sa, spi, n->type);
        } else if (n && n->type < 8192 && n->spi.empty()) {
            quick_mode_refused(core, now, sa, std::nullopt, n->type);
        }
        const auto* d = std::get_if<Delete>(&p);
        if (d && ipsec_protocol(d->protocol) && d->spi_size == 4) on_ipsec_delete(core, sa, *d);
        if (d && d->protocol == static_cast<std::uint8_t>(wire::v1::ProtocolId::isakmp) && d->spis.size() == 1 &&
            d->spis[0] == cookie_pair(sa)) {
            // Its IPsec SAs stay until their lifetime ends or their own Delete (Libreswan's
            // reading of RFC 2409; strongSwan sends those Deletes first).
            core.log(LogLevel::info, sa, "the peer deleted the ISAKMP SA");
            return core.remove(sa);
        }
    }
}

void retire_ipsec(Core& core, IsakmpSa& sa, const IpsecSa& ipsec, bool send_delete, bool with_policies) {
    if (send_delete)
        send_informational(core, sa,
                           Delete{.protocol = static_cast<std::uint8_t>(ipsec.suite.protocol()), .spi_size = 4,
                                  .spis = {spi_bytes(ipsec.spi_in)}});
    const auto other = other_pair(core, sa, ipsec);
    if (other.ipsec) {
        // The pair that replaces this one sends from now on: the peer deleted the old one or
        // we retire it, after the grace of its QM3 in either case.
        send_held_outbound(core, *other.sa, *other.ipsec);
        for (auto& p : policies_of(*other.sa, *other.ipsec)) core.hold_policy(std::move(p), *other.sa);
    } else if (with_policies) {
        for (const auto& p : policies_of(sa, ipsec)) core.release_policy(p.id(), core.owner(sa));
    }
    core.out.push_back(engine::DeleteSa{{sa.local.address, ipsec.spi_in, ipsec.suite.kernel_proto(), std::nullopt}, core.owner(sa)});
    if (!ipsec.held_out)  // else it never went into the kernel
        core.out.push_back(engine::DeleteSa{{sa.remote.address, ipsec.spi_out, ipsec.suite.kernel_proto(), std::nullopt}, core.owner(sa)});
}

Core::Held other_pair(Core& core, const IsakmpSa& sa, const IpsecSa& ipsec) {
    return core.find_ipsec(sa.connection, [&ipsec](const IpsecSa& o) {
        return o.spi_in != ipsec.spi_in && o.child == ipsec.child && o.local_ts == ipsec.local_ts &&
               o.remote_ts == ipsec.remote_ts;
    });
}

Bytes cookie_pair(const IsakmpSa& sa) {
    Bytes out;
    for (auto cookie : {sa.cky_i, sa.cky_r})
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(cookie >> shift));
    return out;
}

bool first_contact(const Core& core, const IsakmpSa& sa) {
    return std::none_of(core.sas.begin(), core.sas.end(), [&sa](const auto& other) {
        return &other.second != &sa && other.second.connection == sa.connection &&
               other.second.remote.address == sa.remote.address;
    });
}

Notification initial_contact(const IsakmpSa& sa) {
    return {.protocol = static_cast<std::uint8_t>(wire::v1::ProtocolId::isakmp), .spi = cookie_pair(sa),
            .type = notify::initial_contact};
}

bool has_initial_contact(const std::vector<Payload>& payloads) {
    return std::any_of(payloads.begin(), payloads.end(), [](const Payload& p) {
        const auto* n = std::get_if<Notification>(&p);
        return n && n->type == notify::initial_contact;
    });
}

void forget_peer_state(Core& core, IsakmpSa& fresh) {
    std::vector<std::uint64_t> old;
    for (const auto& [cookie, sa] : core.sas)
        if (&sa != &fresh && sa.connection == fresh.connection && sa.remote.address == fresh.remote.address)
            old.push_back(cookie);
    for (auto cookie : old) {
        auto& sa = core.sas.at(cookie);
        core.log(LogLevel::info, sa, "INITIAL-CONTACT: the peer has no state from before: this SA and its IPsec SAs go");
        while (!sa.ipsec_sas.empty()) {
            const IpsecSa ipsec = sa.ipsec_sas.front();
            sa.ipsec_sas.erase(sa.ipsec_sas.begin());
            retire_ipsec(core, sa, ipsec, false, false);
        }
        core.remove(sa);
    }
}

void take_down(Core& core, IsakmpSa& sa) {
    if (sa.state == MmState::established) {
        // One at a time: the last pair of a reqid takes the policies with it.
        while (!sa.ipsec_sas.empty()) {
            const IpsecSa ipsec = sa.ipsec_sas.front();
            sa.ipsec_sas.erase(sa.ipsec_sas.begin());
            retire_ipsec(core, sa, ipsec, true, true);
        }
    }
    core.log(LogLevel::info, sa, "taken down by the operator");
    delete_isakmp(core, sa);
}

void delete_isakmp(Core& core, IsakmpSa& sa) {
    if (sa.state == MmState::established)
        send_informational(core, sa,
                           Delete{.protocol = static_cast<std::uint8_t>(wire::v1::ProtocolId::isakmp), .spi_size = 16,
                                  .spis = {cookie_pair(sa)}});
    core.remove(sa);
}

}  // namespace ike::v1
