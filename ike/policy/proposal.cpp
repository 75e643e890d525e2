#include "ike/policy/proposal.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace ike::policy {
namespace {

constexpr std::uint16_t id(auto v) { return static_cast<std::uint16_t>(v); }

struct Keyword {
    std::string_view name;
    Transform transform;
};

// The keywords we speak. Every one is at least a RFC 8247/8221 "MAY"; nothing here is a
// "SHOULD NOT" or "MUST NOT" (no DES, 3DES, MD5, SHA-1 PRF, MODP-1024). HMAC-SHA1-96 ESP
// and AH integrity is "MUST-" (RFC 8221 6): still sound, and the only ESP integrity
// Libreswan's IKEv1 default offers.
constexpr std::array<Keyword, 21> kKeywords{{
    {"aes128", {TransformType::encr, id(EncrId::aes_cbc), 128}},
    {"aes256", {TransformType::encr, id(EncrId::aes_cbc), 256}},
    {"aes128gcm16", {TransformType::encr, id(EncrId::aes_gcm_16), 128}},
    {"aes256gcm16", {TransformType::encr, id(EncrId::aes_gcm_16), 256}},
    // RFC 7634 2: ChaCha20-Poly1305 has a fixed key size and carries no Key Length attribute.
    {"chacha20poly1305", {TransformType::encr, id(EncrId::chacha20_poly1305), 0}},
    {"sha1", {TransformType::integ, id(IntegId::hmac_sha1_96), 0}},
    {"sha256", {TransformType::integ, id(IntegId::hmac_sha2_256_128), 0}},
    {"sha384", {TransformType::integ, id(IntegId::hmac_sha2_384_192), 0}},
    {"sha512", {TransformType::integ, id(IntegId::hmac_sha2_512_256), 0}},
    {"prfsha256", {TransformType::prf, id(PrfId::hmac_sha2_256), 0}},
    {"prfsha384", {TransformType::prf, id(PrfId::hmac_sha2_384), 0}},
    {"prfsha512", {TransformType::prf, id(PrfId::hmac_sha2_512), 0}},
    {"modp2048", {TransformType::ke, id(KeGroup::modp2048), 0}},
    {"modp3072", {TransformType::ke, id(KeGroup::modp3072), 0}},
    {"modp4096", {TransformType::ke, id(KeGroup::modp4096), 0}},
    {"ecp256", {TransformType::ke, id(KeGroup::ecp256), 0}},
    {"ecp384", {TransformType::ke, id(KeGroup::ecp384), 0}},
    {"ecp521", {TransformType::ke, id(KeGroup::ecp521), 0}},
    {"x25519", {TransformType::ke, id(KeGroup::curve25519), 0}},
    {"esn", {TransformType::esn, id(EsnId::esn), 0}},
    {"noesn", {TransformType::esn, id(EsnId::none), 0}},
}};

const Keyword* find_keyword(std::string_view name) {
    if (name.empty()) return nullptr;
    for (const auto& k : kKeywords)
        if (k.name == name) return &k;
    return nullptr;
}

bool is_aead_id(std::uint16_t encr) {
    return encr == id(EncrId::aes_gcm_16) || encr == id(EncrId::chacha20_poly1305);
}

std::string_view protocol_name(ProtocolId p) {
    switch (p) {
        case ProtocolId::ike: return "IKE";
        case ProtocolId::esp: return "ESP";
        case ProtocolId::ah: return "AH";
    }
    return "?";
}

// Which transform types a protocol may carry (RFC 7296 3.3.3).
bool allowed(ProtocolId p, TransformType t) {
    switch (p) {
        case ProtocolId::ike: return t != TransformType::esn;
        case ProtocolId::esp: return t != TransformType::prf;
        case ProtocolId::ah: return t != TransformType::prf && t != TransformType::encr;
    }
    return false;
}

// The PRF strongSwan derives from an integrity hash when an IKE proposal names none.
Transform prf_for(const Transform& integ) {
    switch (static_cast<IntegId>(integ.id)) {
        case IntegId::hmac_sha2_384_192: return {TransformType::prf, id(PrfId::hmac_sha2_384), 0};
        case IntegId::hmac_sha2_512_256: return {TransformType::prf, id(PrfId::hmac_sha2_512), 0};
        case IntegId::hmac_sha2_256_128:
        case IntegId::none:
        case IntegId::hmac_sha1_96: break;
    }
    return {TransformType::prf, id(PrfId::hmac_sha2_256), 0};
}

base::Status check_complete(const Proposal& p, std::string_view text) {
    auto err = [&](std::string_view why) {
        return base::fail("proposal '" + std::string(text) + "': " + std::string(why));
    };
    const bool needs_encr = p.protocol != ProtocolId::ah;
    if (needs_encr && !p.has(TransformType::encr)) return err("no encryption algorithm");
    if (!p.is_aead() && !p.has(TransformType::integ))
        return err("no integrity algorithm (e.g. sha256)");
    if (p.protocol == ProtocolId::ike) {
        if (!p.has(TransformType::prf)) return err("AEAD needs a prf (e.g. prfsha256)");
        if (!p.has(TransformType::ke)) return err("no key exchange group (e.g. x25519)");
    }
    return {};
}

}  // namespace

std::vector<Transform> Proposal::of(TransformType type) const {
    std::vector<Transform> out;
    for (const auto& t : transforms)
        if (t.type == type) out.push_back(t);
    return out;
}

const Transform* Proposal::first(TransformType type) const {
    auto it = std::find_if(transforms.begin(), transforms.end(),
                           [&](const Transform& t) { return t.type == type; });
    return it == transforms.end() ? nullptr : &*it;
}

bool Proposal::is_aead() const {
    const Transform* encr = first(TransformType::encr);
    return encr && is_aead_id(encr->id);
}

base::Result<Proposal> parse_proposal(std::string_view text, ProtocolId protocol) {
    Proposal p{protocol, {}};
    auto err = [&](std::string_view keyword_text, std::string_view why) {
        return base::fail("proposal '" + std::string(text) + "': '" + std::string(keyword_text) +
                          "' " + std::string(why));
    };
    std::optional<bool> aead;  // set by the first encryption keyword
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t dash = text.find('-', pos);
        if (dash == std::string_view::npos) dash = text.size();
        std::string_view word = text.substr(pos, dash - pos);
        pos = dash + 1;
        const Keyword* k = find_keyword(word);
        if (!k) return err(word, word.empty() ? "is empty (stray '-')" : "is not a known keyword");
        const Transform& t = k->transform;
        if (!allowed(protocol, t.type))
            return err(word, "is not valid in an " + std::string(protocol_name(protocol)) +
                                 " proposal");
        // An IKE SA's integrity hash is its PRF in IKEv1 (RFC 2409 4): SHA-1 for children only.
        if (protocol == ProtocolId::ike && t.type == TransformType::integ && t.id == id(IntegId::hmac_sha1_96))
            return err(word, "is not valid in an IKE proposal (HMAC-SHA1-96 protects children only)");
        if (std::find(p.transforms.begin(), p.transforms.end(), t) != p.transforms.end())
            return err(word, "appears twice");
        if (t.type == TransformType::encr) {
            // RFC 7296 3.3: AEAD and non-AEAD ciphers go in separate proposals.
            if (aead && *aead != is_aead_id(t.id))
                return err(word, "mixes AEAD and non-AEAD encryption in one proposal");
            aead = is_aead_id(t.id);
        }
        // RFC 7296 3.3: an AEAD proposal offers no integrity algorithm.
        if ((t.type == TransformType::integ && aead.value_or(false)) ||
            (t.type == TransformType::encr && is_aead_id(t.id) && p.has(TransformType::integ)))
            return err(word, "cannot combine AEAD encryption with an integrity algorithm");
        p.transforms.push_back(t);
    }
    if (protocol == ProtocolId::ike && !p.has(TransformType::prf))
        for (const auto& integ : p.of(TransformType::integ)) {
            Transform prf = prf_for(integ);
            if (std::find(p.transforms.begin(), p.transforms.end(), prf) == p.transforms.end())
                p.transforms.push_back(prf);
        }
    if (protocol != ProtocolId::ike && !p.has(TransformType::esn))
        p.transforms.push_back({TransformType::esn, id(EsnId::none), 0});
    if (auto st = check_complete(p, text); !st) return base::fail(st.error().message);
    // Canonical order (encr, prf, integ, KE, ESN) so equal proposals compare equal.
    std::stable_sort(p.transforms.begin(), p.transforms.end(),
                     [](const Transform& a, const Transform& b) { return a.type < b.type; });
    return p;
}

std::optional<Transform> transform_for(std::string_view name) {
    const Keyword* k = find_keyword(name);
    return k ? std::optional<Transform>(k->transform) : std::nullopt;
}

std::string keyword(const Transform& t) {
    for (const auto& k : kKeywords)
        if (k.transform == t) return std::string(k.name);
    return std::to_string(static_cast<unsigned>(t.type)) + ":" + std::to_string(t.id);
}

std::string to_string(const Proposal& p) {
    const std::vector<Transform> esn = p.of(TransformType::esn);
    const bool only_noesn = esn.size() == 1 && esn[0].id == id(EsnId::none);
    std::string out;
    for (TransformType type : {TransformType::encr, TransformType::integ, TransformType::prf,
                               TransformType::ke, TransformType::esn}) {
        if (type == TransformType::esn && only_noesn) continue;
        for (const auto& t : p.of(type)) {
            if (type == TransformType::integ && t.id == id(IntegId::none)) continue;
            if (!out.empty()) out += '-';
            out += keyword(t);
        }
    }
    return out;
}

std::vector<Proposal> default_proposals(ProtocolId protocol) {
    // RFC 8247 2.4: X25519 and ECP are SHOULD/MAY, MODP-2048 a MUST kept for interop;
    // RFC 8247 2.1/2.2, RFC 8221 5/6: AES-GCM-16 first, AES-CBC with HMAC-SHA2 as fallback.
    std::vector<std::string_view> texts;
    switch (protocol) {
        case ProtocolId::ike:
            texts = {"aes256gcm16-aes128gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512-"
                     "x25519-ecp256-ecp384-ecp521-modp3072-modp4096-modp2048",
                     "aes256-aes128-sha256-sha384-sha512-"
                     "x25519-ecp256-ecp384-ecp521-modp3072-modp4096-modp2048"};
            break;
        case ProtocolId::esp:
            texts = {"aes256gcm16-aes128gcm16-chacha20poly1305", "aes256-aes128-sha256-sha384-sha512"};
            break;
        case ProtocolId::ah: texts = {"sha256-sha384-sha512"}; break;
    }
    std::vector<Proposal> out;
    for (auto text : texts) out.push_back(parse_proposal(text, protocol).value());
    return out;
}

}  // namespace ike::policy
