#include "ike/v1/phase1_proposal.hpp"

#include <optional>

#include "ike/crypto/ikev1_signature.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/v1/attributes.hpp"

namespace ike::v1 {

namespace {

using wire::DataAttribute;
using wire::v1::Transform;

std::optional<std::uint16_t> hash_of(PrfId prf) {
    switch (prf) {
        case PrfId::hmac_sha1: return 2;
        case PrfId::hmac_sha2_256: return 4;
        case PrfId::hmac_sha2_384: return 5;
        case PrfId::hmac_sha2_512: return 6;
    }
    return std::nullopt;
}

const char* hash_name(std::uint16_t hash) {
    return hash == 2 ? "sha1" : hash == 4 ? "sha256" : hash == 5 ? "sha384" : hash == 6 ? "sha512" : "?";
}

// The suite a transform's attributes describe, if ipsecd implements every one of them.
base::Result<Phase1Suite> parse_transform(const Transform& t) {
    if (t.id != kKeyIke) return base::fail("transform ID " + std::to_string(t.id) + " is not KEY_IKE");
    Phase1Suite s{.key_bits = 0, .hash = 0, .group = KeGroup::none};
    bool aes = false;
    std::optional<std::uint64_t> life_type;
    for (const auto& a : t.attributes) {
        const auto v = attribute_value(a);
        if (!v) return base::fail("attribute " + std::to_string(a.type) + ": bad value");
        switch (a.type) {
            case attr::encryption: aes = *v == attr::encr_aes_cbc; break;
            case attr::key_length: s.key_bits = static_cast<std::uint16_t>(*v); break;
            case attr::hash: s.hash = static_cast<std::uint16_t>(*v); break;
            case attr::auth_method: s.auth = static_cast<std::uint16_t>(*v); break;
            case attr::group: s.group = static_cast<KeGroup>(*v); break;
            case attr::life_type: life_type = *v; break;
            case attr::life_duration:
                // RFC 2407 4.5: a duration belongs to the Life Type before it; kilobytes
                // have no meaning for an ISAKMP SA here and are ignored.
                if (life_type == attr::life_seconds) s.lifetime = std::chrono::seconds(*v);
                break;
            default: return base::fail("attribute " + std::to_string(a.type) + " not supported");
        }
    }
    if (!aes) return base::fail("cipher is not AES-CBC");
    if (s.key_bits == 0) s.key_bits = 128;  // RFC 3602 5.3: AES-128 without a Key Length
    if (s.key_bits != 128 && s.key_bits != 192 && s.key_bits != 256) return base::fail("AES key length");
    if (s.auth != attr::auth_psk && !crypto::is_ikev1_signature_method(s.auth))
        return base::fail("authentication method " + std::to_string(s.auth) + " not supported");
    if (s.hash != 2 && (s.hash < 4 || s.hash > 6)) return base::fail("hash algorithm not supported");
    if (crypto::ke_public_size(s.group) == 0) return base::fail("group not supported");
    return s;
}

bool same_algorithms(const Phase1Suite& a, const Phase1Suite& b) {
    return a.key_bits == b.key_bits && a.hash == b.hash && a.group == b.group && a.auth == b.auth;
}

}  // namespace

std::vector<Phase1Suite> phase1_suites(const std::vector<policy::Proposal>& proposals, std::chrono::seconds lifetime,
                                       std::uint16_t auth) {
    std::vector<Phase1Suite> out;
    for (const auto& p : proposals) {
        if (p.is_aead()) continue;
        auto hashes = p.of(TransformType::prf);
        for (const auto& e : p.of(TransformType::encr)) {
            if (e.id != static_cast<std::uint16_t>(EncrId::aes_cbc)) continue;
            for (const auto& prf : hashes) {
                const auto hash = hash_of(static_cast<PrfId>(prf.id));
                if (!hash) continue;
                for (const auto& g : p.of(TransformType::ke))
                    out.push_back({e.key_length ? e.key_length : std::uint16_t{128}, *hash,
                                   static_cast<KeGroup>(g.id), lifetime, auth});
            }
        }
    }
    return out;
}

std::string to_string(const Phase1Suite& s) {
    const auto group = policy::keyword(policy::Transform{TransformType::ke, static_cast<std::uint16_t>(s.group), 0});
    return "aes" + std::to_string(s.key_bits) + "-" + hash_name(s.hash) + "-" + group;
}

wire::v1::SecurityAssociation phase1_offer(const std::vector<Phase1Suite>& suites) {
    wire::v1::Proposal proposal{.number = 1, .protocol = wire::v1::ProtocolId::isakmp};
    std::uint8_t number = 1;
    for (const auto& s : suites) {
        Transform t{.number = number++, .id = kKeyIke};
        t.attributes = {DataAttribute::tv(attr::encryption, attr::encr_aes_cbc),
                        DataAttribute::tv(attr::key_length, s.key_bits),
                        DataAttribute::tv(attr::hash, s.hash),
                        DataAttribute::tv(attr::auth_method, s.auth),
                        DataAttribute::tv(attr::group, static_cast<std::uint16_t>(s.group)),
                        DataAttribute::tv(attr::life_type, attr::life_seconds),
                        attribute(attr::life_duration, static_cast<std::uint64_t>(s.lifetime.count()))};
        proposal.transforms.push_back(std::move(t));
    }
    return {.proposals = {std::move(proposal)}};
}

wire::v1::SecurityAssociation phase1_answer(const Transform& chosen) {
    return {.proposals = {{.number = 1, .protocol = wire::v1::ProtocolId::isakmp, .transforms = {chosen}}}};
}

base::Result<Choice> choose_phase1(const wire::v1::SecurityAssociation& offer, const std::vector<Phase1Suite>& ours) {
    for (const auto& p : offer.proposals) {
        if (p.protocol != wire::v1::ProtocolId::isakmp) continue;
        for (const auto& t : p.transforms) {
            auto s = parse_transform(t);
            if (!s) continue;
            for (const auto& mine : ours)
                if (same_algorithms(*s, mine)) return Choice{*s, t};
        }
    }
    return base::fail("no offered phase-1 transform is acceptable");
}

base::Result<Phase1Suite> accept_phase1(const wire::v1::SecurityAssociation& answer,
                                        const std::vector<Phase1Suite>& offered) {
    if (answer.proposals.size() != 1 || answer.proposals[0].transforms.size() != 1 ||
        answer.proposals[0].protocol != wire::v1::ProtocolId::isakmp)
        return base::fail("the answer is not one ISAKMP proposal with one transform");
    auto s = parse_transform(answer.proposals[0].transforms[0]);
    if (!s) return base::fail("the chosen transform: " + s.error().message);
    for (const auto& mine : offered)
        if (same_algorithms(*s, mine)) return mine;
    return base::fail("the chosen transform was not offered");
}

}  // namespace ike::v1
