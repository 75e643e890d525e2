#include "ike/v1/phase2_proposal.hpp"

#include <algorithm>
#include <optional>

#include "ike/v1/attributes.hpp"

namespace ike::v1 {

namespace {

using wire::DataAttribute;
using wire::v1::Transform;

// RFC 2407 4.5 Authentication Algorithm values for the HMACs (RFC 4868 for SHA-2).
std::optional<std::uint16_t> auth_of(IntegId id) {
    switch (id) {
        case IntegId::hmac_sha1_96: return 2;
        case IntegId::hmac_sha2_256_128: return 5;
        case IntegId::hmac_sha2_384_192: return 6;
        case IntegId::hmac_sha2_512_256: return 7;
        case IntegId::none: break;
    }
    return std::nullopt;
}

std::optional<IntegId> integ_of(std::uint64_t auth) {
    switch (auth) {
        case 2: return IntegId::hmac_sha1_96;
        case 5: return IntegId::hmac_sha2_256_128;
        case 6: return IntegId::hmac_sha2_384_192;
        case 7: return IntegId::hmac_sha2_512_256;
        default: return std::nullopt;
    }
}

// AH transform IDs (RFC 2407 4.4.3, IANA) of the HMACs proposals name (RFC 4868 SHA-2):
// AH_SHA2_256/384/512, the same numbers as their Authentication Algorithm attribute (4.5).
std::optional<std::uint8_t> ah_transform_of(IntegId id) {
    if (id == IntegId::hmac_sha1_96) return std::nullopt;  // AH_SHA is 3, but no keyword names it
    const auto auth = auth_of(id);
    return auth ? std::optional<std::uint8_t>(static_cast<std::uint8_t>(*auth)) : std::nullopt;
}

std::optional<IntegId> integ_of_ah(std::uint16_t transform) {
    const auto integ = integ_of(transform);
    return integ && ah_transform_of(*integ) ? integ : std::nullopt;
}

// ESP transform IDs (RFC 2407 4.4.4, IANA): ESP_AES 12 and ESP_AES_GCM_16 20 share the
// IKEv2 ENCR numbers.
bool supported_cipher(std::uint16_t id) {
    return id == static_cast<std::uint16_t>(EncrId::aes_cbc) || id == static_cast<std::uint16_t>(EncrId::aes_gcm_16);
}

// ESP: `p` holds the cipher; AH: nothing yet.
policy::Proposal negotiated(policy::Proposal p, std::optional<IntegId> integ, KeGroup group) {
    if (integ) p.transforms.push_back({TransformType::integ, static_cast<std::uint16_t>(*integ), 0});
    if (group != KeGroup::none) p.transforms.push_back({TransformType::ke, static_cast<std::uint16_t>(group), 0});
    return p;
}

policy::Proposal esp(std::uint16_t encr, std::uint16_t key_bits) {
    return {ProtocolId::esp, {{TransformType::encr, encr, key_bits}}};
}

// AH (RFC 2407 4.4.3, 4.5): the transform ID names the HMAC; an Authentication Algorithm
// attribute, which strongSwan and Libreswan send, must name the same. No key length, and no
// UDP encapsulation (RFC 3948 carries ESP only).
base::Result<Phase2Suite> ah_suite(const Transform& t, Phase2Suite s, std::uint16_t key_bits,
                                   std::optional<IntegId> integ, KeGroup group) {
    const auto named = integ_of_ah(t.id);
    if (!named) return base::fail("AH transform " + std::to_string(t.id) + " not supported");
    if (integ && integ != named) return base::fail("AH transform and authentication algorithm differ");
    if (key_bits != 0) return base::fail("AH with a key length");
    if (s.udp) return base::fail("AH in a UDP-encapsulated mode");
    s.proposal = negotiated({ProtocolId::ah, {}}, named, group);
    return s;
}

base::Result<Phase2Suite> parse_transform(const Transform& t, wire::v1::ProtocolId protocol) {
    const bool ah = protocol == wire::v1::ProtocolId::ah;
    if (!ah && !supported_cipher(t.id)) return base::fail("ESP transform " + std::to_string(t.id) + " not supported");
    const bool aead = t.id == static_cast<std::uint16_t>(EncrId::aes_gcm_16);
    std::uint16_t key_bits = 0;
    std::optional<IntegId> integ;
    KeGroup group = KeGroup::none;
    Phase2Suite s;
    std::optional<std::uint64_t> life_type;
    for (const auto& a : t.attributes) {
        const auto v = attribute_value(a);
        if (!v) return base::fail("attribute " + std::to_string(a.type) + ": bad value");
        switch (a.type) {
            case esp_attr::life_type: life_type = *v; break;
            case esp_attr::life_duration:
                // Kilobyte lifetimes are not enforced here (Libreswan ignores them too).
                if (life_type == esp_attr::life_seconds) s.lifetime = std::chrono::seconds(*v);
                break;
            case esp_attr::group: group = static_cast<KeGroup>(*v); break;
            case esp_attr::encapsulation:
                if (*v == esp_attr::tunnel || *v == esp_attr::udp_tunnel || *v == esp_attr::draft_udp_tunnel)
                    s.mode = policy::Mode::tunnel;
                else if (*v == esp_attr::transport || *v == esp_attr::udp_transport ||
                         *v == esp_attr::draft_udp_transport)
                    s.mode = policy::Mode::transport;
                else
                    return base::fail("encapsulation mode " + std::to_string(*v) + " not supported");
                s.udp = *v != esp_attr::tunnel && *v != esp_attr::transport;
                break;
            case esp_attr::auth:
                integ = integ_of(*v);
                if (!integ) return base::fail("authentication algorithm " + std::to_string(*v) + " not supported");
                break;
            case esp_attr::key_length: key_bits = static_cast<std::uint16_t>(*v); break;
            default: return base::fail("attribute " + std::to_string(a.type) + " not supported");
        }
    }
    if (ah) return ah_suite(t, std::move(s), key_bits, integ, group);
    if (key_bits == 0) key_bits = 128;
    if (key_bits != 128 && key_bits != 192 && key_bits != 256) return base::fail("AES key length");
    if (aead == integ.has_value()) return base::fail(aead ? "AEAD with an authentication algorithm" : "no integrity");
    s.proposal = negotiated(esp(t.id, key_bits), integ, group);
    return s;
}

bool same(const Phase2Suite& a, const Phase2Suite& b) { return a.proposal == b.proposal && a.mode == b.mode; }

std::uint32_t spi_of(const wire::v1::Proposal& p) {
    std::uint32_t spi = 0;
    for (auto b : p.spi) spi = spi << 8 | b;
    return spi;
}

base::Bytes spi_bytes(std::uint32_t spi) {
    return {static_cast<std::uint8_t>(spi >> 24), static_cast<std::uint8_t>(spi >> 16),
            static_cast<std::uint8_t>(spi >> 8), static_cast<std::uint8_t>(spi)};
}

bool default_proposals(const policy::Child& child) {
    return child.proposals == policy::default_proposals(child.protocol);
}

// Libreswan's IKEv1 default ESP proposal is AES_CBC-HMAC_SHA1_96 alone (4.10, `algparse -v1
// esp`); HMAC-SHA1-96 is still sound for ESP (RFC 8221 6: MUST-), so default children add it
// last, behind the SHA-2 HMACs a peer configured either way prefers.
std::vector<policy::Proposal> v1_proposals(const policy::Child& child) {
    auto out = child.proposals;
    if (child.protocol == ProtocolId::esp && default_proposals(child))
        out.push_back(policy::parse_proposal("aes256-aes128-sha1", ProtocolId::esp).value());
    return out;
}

}  // namespace

KeGroup Phase2Suite::group() const {
    const auto* ke = proposal.first(TransformType::ke);
    return ke ? static_cast<KeGroup>(ke->id) : KeGroup::none;
}

std::chrono::seconds offered_lifetime(std::chrono::seconds rekey) { return rekey + rekey / 10; }

std::vector<Phase2Suite> phase2_suites(const policy::Child& child) {
    std::vector<Phase2Suite> out;
    auto add = [&](policy::Proposal p, std::optional<IntegId> integ, KeGroup group) {
        out.push_back({negotiated(std::move(p), integ, group), child.mode, offered_lifetime(child.lifetime)});
    };
    for (const auto& p : v1_proposals(child)) {
        auto groups = p.of(TransformType::ke);
        if (groups.empty()) groups.push_back({TransformType::ke, 0, 0});
        const auto integs = p.of(TransformType::integ);
        for (const auto& g : groups) {
            const auto group = static_cast<KeGroup>(g.id);
            if (child.protocol == ProtocolId::ah) {
                for (const auto& i : integs)
                    if (ah_transform_of(static_cast<IntegId>(i.id)))
                        add({ProtocolId::ah, {}}, static_cast<IntegId>(i.id), group);
                continue;
            }
            for (const auto& e : p.of(TransformType::encr)) {
                if (!supported_cipher(e.id)) continue;
                if (e.id == static_cast<std::uint16_t>(EncrId::aes_gcm_16)) {
                    add(esp(e.id, e.key_length), std::nullopt, group);
                    continue;
                }
                for (const auto& i : integs)
                    if (auth_of(static_cast<IntegId>(i.id)))
                        add(esp(e.id, e.key_length), static_cast<IntegId>(i.id), group);
            }
        }
    }
    return out;
}

std::vector<Phase2Suite> pfs_suites(const policy::Child& child, KeGroup group) {
    if (!default_proposals(child)) return {};
    auto out = phase2_suites(child);
    for (auto& s : out) s.proposal.transforms.push_back({TransformType::ke, static_cast<std::uint16_t>(group), 0});
    return out;
}

// RFC 2409 5.5: PFS only adds a Diffie-Hellman exchange to the keys, so a child left to the
// defaults takes it when the peer asks (Libreswan's default pfs=yes offers the phase-1 group
// and refuses an answer without it), in any group the default IKE proposals hold (RFC 8247).
std::vector<Phase2Suite> responder_suites(const policy::Child& child) {
    auto out = phase2_suites(child);
    if (!default_proposals(child)) return out;
    const auto plain = out;
    for (const auto& ike : policy::default_proposals(ProtocolId::ike))
        for (const auto& g : ike.of(TransformType::ke))
            for (auto s : plain) {
                s.proposal.transforms.push_back({TransformType::ke, g.id, 0});
                if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
            }
    return out;
}

wire::v1::ProtocolId Phase2Suite::protocol() const {
    return proposal.protocol == ProtocolId::ah ? wire::v1::ProtocolId::ah : wire::v1::ProtocolId::esp;
}

xfrm::Proto Phase2Suite::kernel_proto() const {
    return proposal.protocol == ProtocolId::ah ? xfrm::Proto::ah : xfrm::Proto::esp;
}

std::uint16_t encapsulation_mode(policy::Mode mode, bool udp) {
    if (mode == policy::Mode::tunnel) return udp ? esp_attr::udp_tunnel : esp_attr::tunnel;
    return udp ? esp_attr::udp_transport : esp_attr::transport;
}

// One proposal of the suites' protocol (all ESP or all AH: a child has one).
wire::v1::SecurityAssociation phase2_offer(const std::vector<Phase2Suite>& suites, std::uint32_t spi) {
    wire::v1::Proposal proposal{.number = 1, .protocol = suites.front().protocol(), .spi = spi_bytes(spi)};
    std::uint8_t number = 1;
    for (const auto& s : suites) {
        const auto* e = s.proposal.first(TransformType::encr);
        const auto* i = s.proposal.first(TransformType::integ);
        const auto id = e ? static_cast<std::uint8_t>(e->id) : *ah_transform_of(static_cast<IntegId>(i->id));
        Transform t{.number = number++, .id = id};
        t.attributes = {DataAttribute::tv(esp_attr::life_type, esp_attr::life_seconds),
                        attribute(esp_attr::life_duration, static_cast<std::uint64_t>(s.lifetime.count()))};
        if (s.group() != KeGroup::none)
            t.attributes.push_back(DataAttribute::tv(esp_attr::group, static_cast<std::uint16_t>(s.group())));
        t.attributes.push_back(DataAttribute::tv(esp_attr::encapsulation, encapsulation_mode(s.mode, s.udp)));
        if (i) t.attributes.push_back(DataAttribute::tv(esp_attr::auth, *auth_of(static_cast<IntegId>(i->id))));
        if (e) t.attributes.push_back(DataAttribute::tv(esp_attr::key_length, e->key_length));
        proposal.transforms.push_back(std::move(t));
    }
    return {.proposals = {std::move(proposal)}};
}

wire::v1::SecurityAssociation phase2_answer(const Phase2Choice& chosen, std::uint32_t spi) {
    return {.proposals = {{.number = chosen.number, .protocol = chosen.suite.protocol(), .spi = spi_bytes(spi),
                           .transforms = {chosen.transform}}}};
}

base::Result<Phase2Choice> choose_phase2(const wire::v1::SecurityAssociation& offer,
                                         const std::vector<Phase2Suite>& ours) {
    for (const auto& p : offer.proposals) {
        // RFC 2408 4.2: proposals sharing a number go together (ESP with AH or IPComp, a
        // bundle): only one protocol alone is supported.
        const auto bundled = std::count_if(offer.proposals.begin(), offer.proposals.end(),
                                           [&p](const wire::v1::Proposal& o) { return o.number == p.number; }) > 1;
        const bool ipsec = p.protocol == wire::v1::ProtocolId::esp || p.protocol == wire::v1::ProtocolId::ah;
        if (bundled || !ipsec || p.spi.size() != 4) continue;
        for (const auto& t : p.transforms) {
            auto s = parse_transform(t, p.protocol);
            if (!s) continue;
            for (const auto& mine : ours)
                if (same(*s, mine)) return Phase2Choice{*s, t, spi_of(p), p.number};
        }
    }
    return base::fail("no offered transform is acceptable");
}

base::Result<Phase2Choice> accept_phase2(const wire::v1::SecurityAssociation& answer,
                                         const std::vector<Phase2Suite>& offered) {
    const auto protocol = offered.front().protocol();
    if (answer.proposals.size() != 1 || answer.proposals[0].transforms.size() != 1 ||
        answer.proposals[0].protocol != protocol || answer.proposals[0].spi.size() != 4)
        return base::fail("the answer is not one proposal of the offered protocol with one transform");
    const auto& chosen = answer.proposals[0];
    auto s = parse_transform(chosen.transforms[0], protocol);
    if (!s) return base::fail("the chosen transform: " + s.error().message);
    for (const auto& mine : offered)
        if (same(*s, mine)) return Phase2Choice{mine, chosen.transforms[0], spi_of(chosen), chosen.number};
    return base::fail("the chosen transform was not offered");
}

}  // namespace ike::v1
