#include "ike/v1/nat_traversal.hpp"

#include <algorithm>
#include <iterator>

#include "ike/crypto/ikev1_cipher.hpp"

namespace ike::v1 {

namespace {

using namespace wire::v1;
using engine::LogLevel;

// MD5("RFC 3947"), RFC 3947 3.1.
constexpr std::uint8_t kRfc3947[] = {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
                                     0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
// MD5 of "draft-ietf-ipsec-nat-t-ike-02\n", "-02" and "-03": what older peers send.
constexpr std::uint8_t kDrafts[][16] = {
    {0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e, 0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f},
    {0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8, 0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48},
    {0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f, 0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56}};

constexpr Duration kKeepaliveInterval{20000};  // RFC 3948 2.3's suggested default

bool has_vendor_id(const std::vector<Payload>& payloads, const std::uint8_t (&id)[16]) {
    return std::any_of(payloads.begin(), payloads.end(), [&id](const Payload& p) {
        const auto* v = std::get_if<VendorId>(&p);
        return v && std::equal(v->data.begin(), v->data.end(), std::begin(id), std::end(id));
    });
}

// HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash (RFC 3947 3.2).
Bytes nat_hash(const IsakmpSa& sa, const net::Endpoint& e) {
    Bytes cookies(16);
    for (int i = 0; i < 8; ++i) {
        cookies[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sa.cky_i >> (56 - 8 * i));
        cookies[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(sa.cky_r >> (56 - 8 * i));
    }
    const std::uint8_t port[2] = {static_cast<std::uint8_t>(e.port >> 8), static_cast<std::uint8_t>(e.port)};
    auto h = crypto::ikev1_hash(sa.suite.hash, {cookies, base::ByteView(e.address.bytes.data(), e.address.size()),
                                                base::ByteView(port, 2)});
    return h ? std::move(*h) : Bytes{};
}

}  // namespace

VendorId natt_vendor_id() { return {Bytes(std::begin(kRfc3947), std::end(kRfc3947))}; }

bool announces_natt(Core& core, const IsakmpSa& sa, const std::vector<Payload>& payloads) {
    if (has_vendor_id(payloads, kRfc3947)) return true;
    for (const auto& draft : kDrafts)
        if (has_vendor_id(payloads, draft)) {
            core.log(LogLevel::info, sa, "the peer speaks only a draft version of NAT-T (not RFC 3947): no NAT-T");
            break;
        }
    return false;
}

std::vector<Payload> nat_d_payloads(const IsakmpSa& sa) {
    return {NatD{nat_hash(sa, sa.remote)}, NatD{nat_hash(sa, sa.local)}};
}

void detect_nat(Core& core, IsakmpSa& sa, const engine::DatagramIn& in, const std::vector<Payload>& payloads) {
    std::vector<const Bytes*> hashes;
    for (const auto& p : payloads)
        if (const auto* d = std::get_if<NatD>(&p)) hashes.push_back(&d->data);
    if (hashes.size() < 2) return core.log(LogLevel::warning, sa, "NAT-T announced, but fewer than two NAT-D payloads");
    // The first hash is of our endpoint as the peer addressed it; the others of the
    // peer's own (it may have several): RFC 3947 3.2.
    sa.nat_local = *hashes.front() != nat_hash(sa, in.local);
    const auto theirs = nat_hash(sa, in.remote);
    sa.nat_remote = std::none_of(hashes.begin() + 1, hashes.end(), [&theirs](const Bytes* h) { return *h == theirs; });
    if (nat_between(sa))
        core.log(LogLevel::info, sa,
                 std::string("NAT detected: ") + (sa.nat_local ? "we are behind a NAT" : "") +
                     (sa.nat_local && sa.nat_remote ? ", " : "") + (sa.nat_remote ? "the peer is behind a NAT" : ""));
}

void float_ports(Core& core, IsakmpSa& sa) {
    if (!nat_between(sa) || sa.local.port == core.options.natt_port) return;
    sa.local.port = core.options.natt_port;
    sa.remote.port = core.options.natt_port;
    core.log(LogLevel::info, sa, "NAT-T: moving to port " + std::to_string(core.options.natt_port));
}

void follow_ports(Core& core, IsakmpSa& sa, const engine::DatagramIn& in) {
    if (sa.local == in.local && sa.remote == in.remote) return;
    core.log(LogLevel::info, sa, "NAT-T: the peer is now at " + in.remote.str() + " (to " + in.local.str() + ")");
    sa.local = in.local;
    sa.remote = in.remote;
}

void keepalive_timers(Core& core, Time now, IsakmpSa& sa) {
    if (!sa.nat_local) return;
    if (sa.keepalive_at == Time{}) sa.keepalive_at = now + kKeepaliveInterval;
    if (now < sa.keepalive_at) return;
    core.out.push_back(engine::SendDatagram{sa.local, sa.remote, Bytes{0xff}, true});
    sa.keepalive_at = now + kKeepaliveInterval;
}

std::optional<Time> keepalive_wakeup(const IsakmpSa& sa) {
    if (!sa.nat_local) return std::nullopt;
    return sa.keepalive_at;
}

}  // namespace ike::v1
