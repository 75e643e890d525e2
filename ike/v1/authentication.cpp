#include "ike/v1/authentication.hpp"

#include <botan/mem_ops.h>
#include <botan/pk_keys.h>

#include "ike/crypto/credentials.hpp"
#include "ike/crypto/ikev1_signature.hpp"
#include "ike/v1/identification.hpp"
#include "ike/engine/credentials.hpp"

namespace ike::v1 {

namespace {

using namespace wire::v1;

const engine::ConnectionCredentials* credentials_of(const Core& core, const policy::Connection& c) {
    return core.options.credentials ? core.options.credentials->find(c.name) : nullptr;
}

// HASH_I or HASH_R (5) over the ID payload body `id_b` of the side it authenticates.
base::SecretBytes main_mode_hash(const IsakmpSa& sa, Role of, base::ByteView id_b) {
    return of == Role::initiator
               ? crypto::ikev1_hash_i(*sa.prf, sa.keys.skeyid, sa.gx_i, sa.gx_r, sa.cookies(), sa.sai_b, id_b)
               : crypto::ikev1_hash_r(*sa.prf, sa.keys.skeyid, sa.gx_i, sa.gx_r, sa.cookies(), sa.sai_b, id_b);
}

bool signs(const IsakmpSa& sa) { return sa.suite.auth != attr::auth_psk; }

std::optional<crypto::NameKind> name_kind(IdType type) {
    switch (type) {
        case IdType::fqdn: return crypto::NameKind::dns;
        case IdType::user_fqdn: return crypto::NameKind::email;
        case IdType::ipv4_addr:
        case IdType::ipv6_addr: return crypto::NameKind::ip;
        case IdType::der_asn1_dn: return crypto::NameKind::dn;
        case IdType::ipv4_addr_subnet:
        case IdType::ipv6_addr_subnet:
        case IdType::ipv4_addr_range:
        case IdType::ipv6_addr_range:
        case IdType::der_asn1_gn:
        case IdType::key_id: return std::nullopt;
    }
    return std::nullopt;
}

// The peer's chain from its CERT payloads, end-entity first (RFC 2408 3.9: X.509 -
// Signature, encoding 4).
base::Result<std::vector<crypto::Certificate>> peer_chain(const std::vector<Payload>& payloads) {
    std::vector<crypto::Certificate> chain;
    for (const auto& p : payloads) {
        const auto* c = std::get_if<Certificate>(&p);
        if (!c) continue;
        if (c->encoding != 4) return base::fail("unsupported certificate encoding " + std::to_string(c->encoding));
        auto cert = crypto::parse_der_certificate(c->data);
        if (!cert) return base::Unexpected{cert.error()};
        chain.push_back(std::move(*cert));
    }
    return chain;
}

// SIG_I/SIG_R: a certificate the connection's CAs vouch for, naming the peer's ID, whose key
// signed the expected hash with the negotiated method.
base::Status check_signature(const Core& core, const IsakmpSa& sa, const policy::Connection& c,
                             const Identification& id, const Opened& msg, base::ByteView expected) {
    const auto* sig = first_of<Signature>(msg.payloads);
    if (!sig) return base::fail("no SIG payload");
    const auto* creds = credentials_of(core, c);
    if (!creds || creds->trust.anchors.empty() || !core.options.credentials->wall_clock)
        return base::fail("no trust anchors loaded for connection " + c.name);
    auto chain = peer_chain(msg.payloads);
    if (!chain) return base::Unexpected{chain.error()};
    const auto kind = name_kind(id.type);
    if (!kind) return base::fail("ID type " + std::to_string(unsigned(id.type)) + " cannot name a certificate");
    auto key = crypto::certified_key(*chain, creds->trust, core.options.credentials->wall_clock(), *kind, id.data);
    if (!key) return base::Unexpected{key.error()};
    return crypto::ikev1_verify(sa.suite.auth, **key, expected, sig->data);
}

}  // namespace

base::Result<std::uint16_t> auth_method(const Core& core, const policy::Connection& c) {
    if (c.local.auth == policy::Auth::psk) return attr::auth_psk;
    const auto* creds = credentials_of(core, c);
    if (!creds || creds->chain.empty() || !creds->key) return base::fail("no certificate and key loaded");
    auto method = crypto::ikev1_signature_method(*creds->key);
    if (!method) return base::fail("a " + creds->key->algo_name() + " key has no IKEv1 signature method");
    return *method;
}

namespace {

// The identity a PSK is looked up by: the configured id, else the address in use.
policy::Identity psk_identity(const policy::Connection& c, const IsakmpSa& sa) {
    return c.local.id ? *c.local.id : policy::Identity::of_address(sa.local.address);
}

// Our ID payload: the configured id, else the subject DN of our certificate (DER, as it
// is) when we sign, else the address in use.
base::Result<Identification> our_id(const Core& core, const policy::Connection& c, const IsakmpSa& sa) {
    const auto* creds = credentials_of(core, c);
    if (!c.local.id && signs(sa) && creds && !creds->chain.empty())
        return Identification{.type = IdType::der_asn1_dn, .data = creds->chain.front().raw_subject_dn()};
    return id_payload(psk_identity(c, sa));
}

}  // namespace

base::Result<base::SecretBytes> skeyid(const Core& core, const IsakmpSa& sa, const policy::Connection& c,
                                       const crypto::Prf& prf, base::ByteView g_xy) {
    if (signs(sa)) return crypto::ikev1_skeyid_sig(prf, sa.n_i, sa.n_r, g_xy);
    const auto* secret = policy::find_psk(core.config.secrets, psk_identity(c, sa), c.remote.id);
    if (!secret) return base::fail("no pre-shared key for " + c.remote.id.str());
    return crypto::ikev1_skeyid_psk(prf, secret->psk, sa.n_i, sa.n_r);
}

std::vector<Payload> certificate_requests(const Core& core, const policy::Connection& c) {
    std::vector<Payload> out;
    const auto* creds = credentials_of(core, c);
    if (c.remote.auth != policy::Auth::pubkey || !creds) return out;
    for (const auto& ca : creds->trust.anchors) out.push_back(CertificateRequest{.encoding = 4, .data = ca.raw_subject_dn()});
    return out;
}

base::Result<std::vector<Payload>> prove(Core& core, const IsakmpSa& sa, const policy::Connection& c) {
    auto id = our_id(core, c, sa);
    if (!id) return base::Unexpected{id.error()};
    const auto hash = main_mode_hash(sa, sa.role, id_body(*id));
    if (!signs(sa)) return std::vector<Payload>{*id, Hash{base::Bytes(hash.begin(), hash.end())}};
    const auto* creds = credentials_of(core, c);
    if (!creds || creds->chain.empty() || !creds->key) return base::fail("no certificate and key loaded");
    auto sig = crypto::ikev1_sign(sa.suite.auth, *creds->key, hash, core.rng);
    if (!sig) return base::Unexpected{sig.error()};
    std::vector<Payload> out{*id};
    for (const auto& cert : creds->chain) out.push_back(Certificate{.encoding = 4, .data = crypto::der_of(cert)});
    out.push_back(Signature{std::move(*sig)});
    return out;
}

base::Result<policy::Identity> verify(const Core& core, const IsakmpSa& sa, const policy::Connection& c,
                                      const Opened& msg) {
    const auto* id = first_of<Identification>(msg.payloads);
    if (!id) return base::fail("no ID payload");
    const Role peer = sa.role == Role::initiator ? Role::responder : Role::initiator;
    const auto expected = main_mode_hash(sa, peer, id_body(*id));
    if (!signs(sa)) {
        const auto* hash = first_of<Hash>(msg.payloads);
        if (!hash) return base::fail("no HASH payload");
        if (hash->data.size() != expected.size() ||
            !Botan::constant_time_compare(hash->data.data(), expected.data(), expected.size()))
            return base::fail("HASH mismatch: the peer's pre-shared key differs");
    }
    auto identity = identity_of(*id);
    if (!identity) return base::fail(identity.error().message);
    if (!id_matches(c.remote.id, *id, *identity))
        return base::fail("peer identity " + identity->str() + " is not " + c.remote.id.str());
    if (signs(sa)) {
        if (auto ok = check_signature(core, sa, c, *id, msg, expected); !ok)
            return base::fail("authentication of " + identity->str() + " failed: " + ok.error().message);
    }
    return *identity;
}

}  // namespace ike::v1
