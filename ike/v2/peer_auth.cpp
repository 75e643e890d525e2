#include "ike/v2/peer_auth.hpp"

#include <botan/pk_keys.h>
#include <botan/pkix_types.h>

#include "ike/crypto/auth_psk.hpp"
#include "ike/crypto/signature.hpp"
#include "ike/crypto/signed_octets.hpp"
#include "ike/v2/cert_payloads.hpp"
#include "ike/v2/neutral.hpp"

namespace ike::v2 {

namespace {

// The identity a PSK is looked up by (the configured id, else the address in use). Not
// value_or: that would format the address at every AUTH even with an id configured.
policy::Identity psk_local_id(const IkeSa& sa) {
    return sa.conn->local.id ? *sa.conn->local.id : policy::Identity::of_address(sa.local.address);
}

base::Result<IdData> to_payload(const policy::Identity& id) {
    IdData p;
    p.type = static_cast<wire::IdType>(id.kind);
    if (id.kind == policy::IdKind::dn) {
        auto der = crypto::dn_der_of_text(id.value);  // 3.5: ID_DER_ASN1_DN is the DER encoding
        if (!der) return base::Unexpected{der.error()};
        p.data = std::move(*der);
    } else if (id.address) {
        p.data.assign(id.address->bytes.begin(), id.address->bytes.begin() + id.address->size());
    } else {
        p.data.assign(id.value.begin(), id.value.end());
    }
    return p;
}

// The peer's ID as an Identity (a DN as readable text, for logs and PSK lookup).
std::optional<policy::Identity> from_payload(const IdData& p) {
    policy::Identity id;
    switch (p.type) {
        case wire::IdType::ipv4_addr:
        case wire::IdType::ipv6_addr: {
            net::Address a;
            a.family = p.type == wire::IdType::ipv4_addr ? net::Family::v4 : net::Family::v6;
            if (p.data.size() != a.size()) return std::nullopt;
            std::copy(p.data.begin(), p.data.end(), a.bytes.begin());
            return policy::Identity::of_address(a);
        }
        case wire::IdType::fqdn:
        case wire::IdType::rfc822_addr:
            id.kind = static_cast<policy::IdKind>(p.type);
            id.value.assign(p.data.begin(), p.data.end());
            return id;
        case wire::IdType::der_asn1_dn:
            id.kind = policy::IdKind::dn;
            id.value = crypto::dn_text_of_der(p.data);
            return id;
        case wire::IdType::der_asn1_gn:
        case wire::IdType::key_id:
            return std::nullopt;
    }
    return std::nullopt;
}

// Whether the presented ID satisfies the configured one; DNs compare as X.509 names.
bool id_matches(const policy::Identity& expected, const IdData& presented, const policy::Identity& parsed) {
    if (expected.kind != policy::IdKind::dn || presented.type != wire::IdType::der_asn1_dn)
        return expected.matches(parsed);
    const auto der = crypto::dn_der_of_text(expected.value);
    return der && crypto::same_dn(*der, presented.data);
}

// The octets one side signs (2.15): its own IKE_SA_INIT message, the peer's nonce and
// prf(SK_px, RestOfIDPayload) — ID Type, three reserved octets, identification data.
base::Bytes octets(const IkeSa& sa, bool of_initiator, const IdData& id) {
    base::Bytes rest{static_cast<std::uint8_t>(id.type), 0, 0, 0};
    rest.insert(rest.end(), id.data.begin(), id.data.end());
    return crypto::signed_octets(*sa.prf, of_initiator ? sa.init_request : sa.init_response,
                                 of_initiator ? sa.nr : sa.ni, of_initiator ? sa.keys.sk_pi : sa.keys.sk_pr, rest);
}

// The key pad of the PSK for `sa` and `peer` (2.15), computed at its first use with the
// SA's PRF and kept with the secret; nullptr if no secret fits.
const base::SecretBytes* key_pad_for(const Core& core, const IkeSa& sa, const policy::Identity& peer) {
    const auto* s = policy::find_psk(core.config.secrets, psk_local_id(sa), peer);
    if (!s) return nullptr;
    if (const auto* pad = s->key_pads.find(sa.prf->id())) return pad;
    return &s->key_pads.keep(sa.prf->id(), crypto::psk_key_pad(*sa.prf, s->psk));
}

std::optional<crypto::NameKind> name_kind(wire::IdType type) {
    switch (type) {
        case wire::IdType::fqdn: return crypto::NameKind::dns;
        case wire::IdType::rfc822_addr: return crypto::NameKind::email;
        case wire::IdType::ipv4_addr:
        case wire::IdType::ipv6_addr: return crypto::NameKind::ip;
        case wire::IdType::der_asn1_dn: return crypto::NameKind::dn;
        case wire::IdType::der_asn1_gn:
        case wire::IdType::key_id: return std::nullopt;
    }
    return std::nullopt;
}

// The peer's chain from its CERT payloads, end-entity first (3.6).
base::Result<std::vector<crypto::Certificate>> peer_chain(const Payloads& message) {
    std::vector<crypto::Certificate> chain;
    for (const auto& p : message) {
        const auto* c = std::get_if<wire::Certificate>(&p);
        if (!c) continue;
        if (c->encoding != wire::CertEncoding::x509_signature)
            return base::fail("unsupported certificate encoding " + std::to_string(static_cast<unsigned>(c->encoding)));
        auto cert = crypto::parse_der_certificate(c->data);
        if (!cert) return base::Unexpected{cert.error()};
        chain.push_back(std::move(*cert));
    }
    if (chain.empty()) return base::fail("no certificate from the peer");
    return chain;
}

// RFC 7427 signature by a certificate the connection's CAs vouch for, naming the ID.
base::Status check_signature(const Core& core, const IkeSa& sa, const IdData& id, const Payloads& message,
                             const wire::Authentication& auth) {
    const auto* creds = credentials_of(core, sa);
    const auto& all = core.options.credentials;
    if (!creds || creds->trust.anchors.empty() || !all->wall_clock)
        return base::fail("no trust anchors loaded for connection " + sa.conn->name);
    if (auth.method == AuthMethod::digital_signature) {
        if (auto sig = crypto::parse_digital_signature(auth.data); !sig)
            return base::fail("unsupported signature scheme (" + sig.error().message + ")");
    } else if (!crypto::scheme_of_method(auth.method)) {  // 1 (3.8) and 9/10/11 (RFC 4754) carry no identifier
        return base::fail("unsupported scheme: auth method " + std::to_string(static_cast<unsigned>(auth.method)));
    }
    auto chain = peer_chain(message);
    if (!chain) return base::Unexpected{chain.error()};
    const auto kind = name_kind(id.type);
    if (!kind)
        return base::fail("ID mismatch: the certificate of " + chain->front().subject_dn().to_string() +
                          " does not name it");
    auto key = crypto::certified_key(*chain, creds->trust, all->wall_clock(), *kind, id.data);
    if (!key) return base::Unexpected{key.error()};
    if (auto ok = crypto::verify_auth(auth.method, **key, auth.data, octets(sa, !sa.initiator, id)); !ok)
        return base::fail("bad signature (" + ok.error().message + ")");
    return {};
}

base::Status check_auth(const Core& core, const IkeSa& sa, const IdData& id, const policy::Identity& peer,
                        const Payloads& message) {
    const auto* auth = find<wire::Authentication>(message);
    if (sa.conn->remote.auth == policy::Auth::eap_mschapv2)
        return base::fail(auth ? "peer sent AUTH, the connection expects EAP-MSCHAPv2" : "the peer runs no EAP");
    if (!auth) return base::fail("no AUTH payload");
    if (sa.conn->remote.auth == policy::Auth::pubkey) {
        if (auth->method == AuthMethod::psk) return base::fail("peer used a PSK, the connection expects a certificate");
        return check_signature(core, sa, id, message, *auth);
    }
    if (auth->method != AuthMethod::psk) return base::fail("peer signed, the connection expects a PSK");
    const auto* pad = key_pad_for(core, sa, peer);
    if (!pad) return base::fail("no PSK for " + psk_local_id(sa).str() + " and " + peer.str());
    if (!crypto::padded_auth_matches(*sa.prf, *pad, octets(sa, !sa.initiator, id), auth->data))
        return base::fail("PSK AUTH does not match");
    return {};
}

// Our ID as `conn` presents it from the local address `local`.
base::Result<IdData> our_id(const Core& core, const policy::Connection& conn, const net::Address& local) {
    if (conn.local.id) return to_payload(*conn.local.id);
    const auto* creds = core.options.credentials ? core.options.credentials->find(conn.name) : nullptr;
    if (conn.local.auth == policy::Auth::pubkey && creds && !creds->chain.empty())
        return IdData{wire::IdType::der_asn1_dn, creds->chain.front().raw_subject_dn()};
    return to_payload(policy::Identity::of_address(local));
}


// Whether two ID payloads name the same identity; DNs compare as X.509 names.
bool same_id(const IdData& a, const IdData& b) {
    if (a.type == wire::IdType::der_asn1_dn && b.type == wire::IdType::der_asn1_dn) return crypto::same_dn(a.data, b.data);
    return a == b;
}

// The ID payload the peer sent: IDi to a responder, IDr to an initiator.
std::optional<IdData> peer_id_payload(const IkeSa& sa, const Payloads& message) {
    if (!sa.initiator) {
        if (const auto* i = find<wire::IdI>(message)) return *i;
    } else if (const auto* r = find<wire::IdR>(message)) {
        return IdData{r->type, r->data};
    }
    return std::nullopt;
}

// How well a candidate connection fits the peer's IKE_AUTH request: nullopt if its remote
// ID does not accept IDi; else higher when it presents the IDr the initiator asked for
// (3.5), then for a remote ID naming the peer exactly (rather than %any), then for
// expecting the AUTH method the peer used; each weight outweighs all below it together.
constexpr int kPresentsIdr = 4, kExactId = 2, kMethodFits = 1;
std::optional<int> fit(const Core& core, const IkeSa& sa, const policy::Connection& conn, const IdData& idi,
                       const policy::Identity& peer, const Payloads& request) {
    if (!id_matches(conn.remote.id, idi, peer)) return std::nullopt;
    const auto* idr = find<wire::IdR>(request);
    const auto ours = our_id(core, conn, sa.local.address);
    const bool presents_idr = idr && ours && same_id(*ours, IdData{idr->type, idr->data});
    const auto* auth = find<wire::Authentication>(request);
    const bool signs = auth && auth->method != AuthMethod::psk;
    // 2.16: no AUTH in the first IKE_AUTH request asks for EAP.
    const bool method_fits = auth ? signs == (conn.remote.auth == policy::Auth::pubkey)
                                  : conn.remote.auth == policy::Auth::eap_mschapv2;
    return (presents_idr ? kPresentsIdr : 0) + (conn.remote.id.kind != policy::IdKind::any ? kExactId : 0) +
           (method_fits ? kMethodFits : 0);
}

std::string described(const IdData& id) {
    const auto parsed = from_payload(id);
    return parsed ? parsed->str() : "an unusable ID";
}

}  // namespace

base::Result<IdData> our_id(const Core& core, const IkeSa& sa) { return our_id(core, *sa.conn, sa.local.address); }

std::optional<PeerId> peer_id(const IkeSa& sa, const Payloads& message) {
    auto payload = peer_id_payload(sa, message);
    auto identity = payload ? from_payload(*payload) : std::nullopt;
    if (!identity) return std::nullopt;
    return PeerId{std::move(*payload), std::move(*identity)};
}

wire::Authentication msk_auth(const IkeSa& sa, const IdData& ours, base::ByteView msk) {
    const auto mac = crypto::psk_auth(*sa.prf, msk, octets(sa, sa.initiator, ours));
    return {AuthMethod::psk, base::Bytes(mac.begin(), mac.end())};
}

bool msk_auth_matches(const IkeSa& sa, const IdData& theirs, base::ByteView msk, const wire::Authentication& auth) {
    return auth.method == AuthMethod::psk &&
           crypto::psk_auth_matches(*sa.prf, msk, octets(sa, !sa.initiator, theirs), auth.data);
}

base::Result<Proof> prove(Core& core, const IkeSa& sa, const policy::Identity& peer) {
    auto id = our_id(core, sa);
    if (!id) return base::Unexpected{id.error()};
    if (sa.conn->local.auth == policy::Auth::eap_mschapv2) return Proof{*id, {}, std::nullopt};
    const auto signed_octets = octets(sa, sa.initiator, *id);
    if (sa.conn->local.auth == policy::Auth::psk) {
        const auto* pad = key_pad_for(core, sa, peer);
        if (!pad) return base::fail("no PSK for " + psk_local_id(sa).str() + " and " + peer.str());
        const auto mac = crypto::padded_auth(*sa.prf, *pad, signed_octets);
        return Proof{*id, {}, wire::Authentication{AuthMethod::psk, base::Bytes(mac.begin(), mac.end())}};
    }
    const auto* creds = credentials_of(core, sa);
    if (!creds || creds->chain.empty() || !creds->key)
        return base::fail("no certificate and key loaded for connection " + sa.conn->name);
    // RFC 7427 4: a hash the peer announced; a peer that announced none may not know
    // method 14 (Apple's clients do not), so it gets its key type's own method.
    auto signing = crypto::choose_signing(*creds->key, sa.peer_hashes);
    if (!signing) return base::Unexpected{signing.error()};
    if (signing->method != AuthMethod::digital_signature)
        core.log(LogLevel::info, &sa,
                 "the peer sent no SIGNATURE_HASH_ALGORITHMS: signing with auth method " +
                     std::to_string(static_cast<unsigned>(signing->method)) + " (RFC 7427 4)");
    auto data = crypto::sign_auth(signing->method, signing->scheme, *creds->key, signed_octets, core.rng);
    if (!data) return base::Unexpected{data.error()};
    return Proof{*id, certificate_payloads(*creds), wire::Authentication{signing->method, std::move(*data)}};
}

std::optional<policy::Identity> authenticate_peer(Core& core, const IkeSa& sa, const Payloads& message) {
    const auto id = peer_id_payload(sa, message);
    const auto peer = id ? from_payload(*id) : std::nullopt;
    std::string reason;
    if (!peer) reason = "no usable ID payload";
    else if (!id_matches(sa.conn->remote.id, *id, *peer)) reason = "ID mismatch: expected " + sa.conn->remote.id.str();
    else if (auto ok = check_auth(core, sa, *id, *peer, message); !ok) reason = ok.error().message;
    else return peer;
    core.log(LogLevel::warning, &sa,
             "authentication of " + (peer ? peer->str() : std::string("the peer")) + " failed: " + reason);
    return std::nullopt;
}

std::optional<wire::IdR> requested_peer_id(const IkeSa& sa) {
    if (sa.conn->remote.id.kind == policy::IdKind::any) return std::nullopt;
    auto id = to_payload(sa.conn->remote.id);
    if (!id) return std::nullopt;
    return wire::IdR{id->type, std::move(id->data)};
}

std::string local_identity(const Core& core, const IkeSa& sa) {
    const auto id = our_id(core, sa);
    return id ? described(*id) : std::string();
}

bool select_connection(Core& core, IkeSa& sa, const Payloads& request) {
    const auto idi = peer_id_payload(sa, request);
    const auto peer = idi ? from_payload(*idi) : std::nullopt;
    const policy::Connection* best = nullptr;
    int best_fit = -1;
    std::string expected;
    for (const auto& name : sa.candidates) {
        const policy::Connection* conn = core.find(name);
        if (!conn) continue;  // removed by a reconfiguration since IKE_SA_INIT
        expected += (expected.empty() ? "" : " or ") + conn->remote.id.str();
        const auto f = peer ? fit(core, sa, *conn, *idi, *peer, request) : std::nullopt;
        if (f && *f > best_fit) {
            best = conn;
            best_fit = *f;
        }
    }
    if (!best) {
        core.log(LogLevel::warning, &sa,
                 "authentication of " + (peer ? peer->str() + " failed: ID mismatch: expected " + expected
                                              : std::string("the peer failed: no usable ID payload")));
        return false;
    }
    // IDr is a wish (3.5): answered with another of our identities, the initiator decides.
    if (const auto* idr = find<wire::IdR>(request); idr && best_fit < kPresentsIdr)
        core.log(LogLevel::info, &sa, "IDr " + described(IdData{idr->type, idr->data}) + " is none of our identities");
    if (best != sa.conn) {
        core.log(LogLevel::info, &sa, "peer " + peer->str() + " selects connection " + best->name);
        core.change_connection(sa, *best);
    }
    return true;
}

}  // namespace ike::v2
