#include "daemon/config/connection_reader.hpp"

#include <algorithm>

#include "daemon/config/values.hpp"
#include "ike/v1/phase1_proposal.hpp"
#include "ike/v1/phase2_proposal.hpp"

namespace ipsecd::config {
namespace {

using namespace std::chrono_literals;
using ike::policy::Auth;

// Lifetimes: short ones are for tests under traffic; beyond a week nothing is gained.
constexpr auto kMinLifetime = 10s;
constexpr std::chrono::seconds kMaxLifetime = std::chrono::hours(24 * 7);

std::optional<Auth> read_auth(Reader& r, const Fields& fs) {
    const Field* f = fs.get("auth");
    if (!f) return Auth::psk;
    return r.choice<Auth>(*f, {{"psk", Auth::psk}, {"pubkey", Auth::pubkey}, {"eap-mschapv2", Auth::eap_mschapv2}});
}

std::vector<net::Prefix> host_prefix(const std::optional<net::Address>& a) {
    if (!a) return {};
    return {net::Prefix::host(*a)};
}

void read_local(Reader& r, const Field& f, const std::filesystem::path& dir, ike::policy::LocalEnd& end) {
    auto fs = r.fields(f.value, "local", {"address", "id", "auth", "cert", "key", "eap_id", "subnets"});
    if (!fs) return;
    if (const Field* a = fs->get("address"))
        if (auto t = r.text(*a)) {
            end.address = net::Address::parse(*t);
            if (!end.address) r.error(a->value, "address: '" + *t + "' is not an IP address");
        }
    if (const Field* id = fs->get("id")) end.id = read_identity(r, *id);
    end.auth = read_auth(r, *fs).value_or(Auth::psk);
    const Field* cert = fs->get("cert");
    const Field* key = fs->get("key");
    if (cert)
        if (auto t = r.text(*cert)) end.cert = read_path(r, {*t, cert->value}, "cert", dir, false).value_or("");
    if (key)
        if (auto t = r.text(*key)) end.key = read_path(r, {*t, key->value}, "key", dir, true).value_or("");
    if (end.auth == Auth::pubkey && (!cert || !key))
        r.error(f.key_node, "local: auth pubkey needs both 'cert' and 'key'");
    if (end.auth != Auth::pubkey && (cert || key))
        r.error((cert ? cert : key)->key_node, "local: '" + (cert ? cert : key)->key +
                                                   "' is only used with auth: pubkey");
    if (const Field* e = fs->get("eap_id")) {
        if (auto t = r.text(*e)) end.eap_id = *t;
        if (end.auth != Auth::eap_mschapv2) r.error(e->key_node, "local: 'eap_id' is only used with auth: eap-mschapv2");
        else if (end.eap_id.empty()) r.error(e->value, "local: 'eap_id' must not be empty");
    } else if (end.auth == Auth::eap_mschapv2) {
        r.error(f.key_node, "local: auth eap-mschapv2 needs 'eap_id' (our EAP identity)");
    }
    if (const Field* s = fs->get("subnets")) end.subnets = read_prefixes(r, *s).value_or(end.subnets);
    if (!end.id && end.address) end.id = ike::policy::Identity::of_address(*end.address);
    if (end.subnets.empty()) end.subnets = host_prefix(end.address);
}

void read_remote(Reader& r, const Field& f, const std::filesystem::path& dir, ike::policy::RemoteEnd& end) {
    auto fs = r.fields(f.value, "remote", {"address", "id", "auth", "ca", "crls", "subnets", "port"});
    if (!fs) return;
    if (const Field* a = fs->get("address")) {
        if (auto t = r.text(*a)) {
            end.host = *t;
            end.address = net::Address::parse(*t);
            if (!end.address && !end.is_any() && !valid_hostname(*t))
                r.error(a->value, "address: '" + *t + "' is neither an IP address, a host name nor %any");
        }
    } else {
        r.error(f.key_node, "remote: 'address' is missing (an address, a host name, or %any)");
    }
    if (const Field* p = fs->get("port"))
        if (auto port = r.integer(*p, 1, 65535)) end.port = static_cast<std::uint16_t>(*port);
    if (const Field* id = fs->get("id")) end.id = read_identity(r, *id).value_or(end.id);
    else if (end.address) end.id = ike::policy::Identity::of_address(*end.address);
    end.auth = read_auth(r, *fs).value_or(Auth::psk);
    const Field* ca = fs->get("ca");
    if (ca) {
        for (const auto& item : r.texts(*ca).value_or(std::vector<Item>{}))
            if (auto p = read_path(r, item, "ca", dir, false)) end.ca.push_back(*p);
        if (end.auth != Auth::pubkey) r.error(ca->key_node, "remote: 'ca' is only used with auth: pubkey");
    } else if (end.auth == Auth::pubkey) {
        r.error(f.key_node, "remote: auth pubkey needs 'ca' (trust anchors for the peer's certificate)");
    }
    if (const Field* crls = fs->get("crls")) {
        for (const auto& item : r.texts(*crls).value_or(std::vector<Item>{}))
            if (auto p = read_path(r, item, "crls", dir, false)) end.crls.push_back(*p);
        if (end.auth != Auth::pubkey) r.error(crls->key_node, "remote: 'crls' is only used with auth: pubkey");
    }
    if (const Field* s = fs->get("subnets")) end.subnets = read_prefixes(r, *s).value_or(end.subnets);
    if (end.subnets.empty()) end.subnets = host_prefix(end.address);
}

void read_ike(Reader& r, const Field& f, ike::policy::IkeSettings& ike) {
    auto fs = r.fields(f.value, "ike", {"proposals", "lifetime", "dpd"});
    if (!fs) return;
    if (const Field* p = fs->get("proposals"))
        ike.proposals = read_proposals(r, *p, ike::ProtocolId::ike).value_or(ike.proposals);
    if (const Field* l = fs->get("lifetime"))
        ike.lifetime = r.duration(*l, kMinLifetime, kMaxLifetime).value_or(ike.lifetime);
    if (const Field* d = fs->get("dpd")) ike.dpd = r.duration(*d, 1s, std::chrono::hours(1), true).value_or(ike.dpd);
}

void read_child(Reader& r, const Field& f, ike::policy::Child& child) {
    using ike::policy::CloseAction;
    using ike::policy::Start;
    if (!valid_name(f.key)) r.error(f.key_node, "child name '" + f.key + "' must match [A-Za-z0-9_.-]+");
    auto fs = r.fields(f.value, "child '" + f.key + "'",
                       {"mode", "protocol", "proposals", "lifetime", "start", "close_action", "local_subnets",
                        "remote_subnets"});
    if (!fs) return;
    if (const Field* m = fs->get("mode"))
        child.mode = read_mode(r, *m).value_or(child.mode);
    if (const Field* p = fs->get("protocol"))
        child.protocol = read_protocol(r, *p).value_or(child.protocol);
    child.proposals = ike::policy::default_proposals(child.protocol);
    if (const Field* p = fs->get("proposals"))
        child.proposals = read_proposals(r, *p, child.protocol).value_or(child.proposals);
    if (const Field* l = fs->get("lifetime"))
        child.lifetime = r.duration(*l, kMinLifetime, kMaxLifetime).value_or(child.lifetime);
    if (const Field* s = fs->get("start"))
        child.start =
            r.choice<Start>(*s, {{"up", Start::up}, {"trap", Start::trap}, {"none", Start::none}}).value_or(child.start);
    if (const Field* a = fs->get("close_action")) {
        child.close_action = r.choice<CloseAction>(
            *a, {{"restart", CloseAction::restart}, {"trap", CloseAction::trap}, {"clear", CloseAction::clear}});
        // Only a child whose policies are in the kernel from the start can keep them.
        if (child.start == Start::none && child.on_close() != CloseAction::clear)
            r.error(a->value, "close_action: keeping the policies (restart, trap) needs start: up or trap");
    }
    if (const Field* s = fs->get("local_subnets")) child.local_subnets = read_prefixes(r, *s).value_or(child.local_subnets);
    if (const Field* s = fs->get("remote_subnets")) child.remote_subnets = read_prefixes(r, *s).value_or(child.remote_subnets);
}

void read_children(Reader& r, const Field& f, ike::policy::Connection& c) {
    auto fs = r.fields(f.value, "children", {});
    if (!fs) return;
    for (const Field& entry : fs->all) {
        ike::policy::Child child;
        child.name = entry.key;
        read_child(r, entry, child);
        if (child.local_subnets.empty()) child.local_subnets = c.local.subnets;
        if (child.remote_subnets.empty()) child.remote_subnets = c.remote.subnets;
        c.children.push_back(std::move(child));
    }
}

// What a `version: 1` connection may use: the IKEv1 engine's subset (ike/v1/engine.hpp),
// everything else refused by name. Configured proposals must each have an IKEv1 form; the
// defaults are narrowed to those that have one.
void check_ikev1(Reader& r, const Field& version, const ike::policy::Connection& c) {
    auto refuse = [&](const std::string& what) { r.error(version.value, "IKEv1 (version: 1): " + what); };
    if (c.manual) return;
    if (c.local.auth == Auth::eap_mschapv2 || c.remote.auth == Auth::eap_mschapv2)
        refuse("no EAP: auth eap-mschapv2 is IKEv2's (RFC 7296 2.16)");
    // RFC 2409 5: one Authentication Method in the SA covers both directions.
    if (c.local.auth != c.remote.auth)
        refuse("local.auth and remote.auth must be the same (both psk or both pubkey): IKEv1 negotiates one "
               "authentication method for both sides");
    if (!c.local.address || !c.remote.address) refuse("needs local.address and remote.address as IP addresses");
    const bool default_ike = c.ike.proposals == ike::policy::default_proposals(ike::ProtocolId::ike);
    for (const auto& p : c.ike.proposals)
        if (!default_ike && ike::v1::phase1_suites({p}, c.ike.lifetime).empty())
            refuse("IKE proposal '" + ike::policy::to_string(p) +
                   "' has no IKEv1 form (AES-CBC, sha1/sha256/sha384/sha512 and a group; no AEAD for the ISAKMP SA)");
    for (const auto& child : c.children) {
        const std::string name = "child '" + child.name + "': ";
        if (child.local_subnets.size() > 1 || child.remote_subnets.size() > 1)
            refuse(name + "one subnet per side (IKEv1 negotiates one pair of client IDs per SA)");
        const bool ah = child.protocol == ike::ProtocolId::ah;
        const bool default_proposals = child.proposals == ike::policy::default_proposals(child.protocol);
        for (const auto& p : child.proposals) {
            auto one = child;
            one.proposals = {p};
            // The DOI has no ESN attribute (RFC 2407 4.5): ESN would be parsed and ignored.
            const auto esns = p.of(ike::TransformType::esn);
            const bool with_esn = std::any_of(esns.begin(), esns.end(), [](const ike::policy::Transform& t) {
                return t.id == static_cast<std::uint16_t>(ike::EsnId::esn);
            });
            if (with_esn || (!default_proposals && ike::v1::phase2_suites(one).empty()))
                refuse(name + (ah ? "AH" : "ESP") + " proposal '" + ike::policy::to_string(p) + "' has no IKEv1 form (" +
                       (ah ? "sha256/sha384/sha512" : "aes128/aes256 with sha1/sha256/sha384/sha512, or aes128gcm16/aes256gcm16") +
                       ", no esn)");
        }
    }
}

// EAP-MSCHAPv2 authenticates the road warrior only: the gateway proves itself with a
// certificate (RFC 7296 2.16), and only one end runs EAP.
void check_eap(Reader& r, const Field* local, const Field* remote, const ike::policy::Connection& c) {
    if (!local || !remote) return;
    if (c.local.auth == Auth::eap_mschapv2 && c.remote.auth != Auth::pubkey)
        r.error(remote->key_node, "remote: with local auth eap-mschapv2 the gateway authenticates with auth: pubkey");
    if (c.remote.auth == Auth::eap_mschapv2 && c.local.auth != Auth::pubkey)
        r.error(local->key_node, "local: with remote auth eap-mschapv2 we authenticate with auth: pubkey");
}

// `vips: [0.0.0.0, "::"]`: the families of the virtual IPs a road warrior asks for.
void read_vips(Reader& r, const Field& f, ike::policy::Connection& c) {
    for (const auto& item : r.texts(f).value_or(std::vector<Item>{})) {
        auto a = net::Address::parse(item.text);
        if (!a || !a->is_any()) {
            r.error(item.node, "vips: '" + item.text + "' must be 0.0.0.0 (an IPv4 address) or :: (IPv6)");
            continue;
        }
        if (std::find(c.vips.begin(), c.vips.end(), a->family) != c.vips.end())
            r.error(item.node, "vips: " + item.text + " is asked for twice");
        else
            c.vips.push_back(a->family);
    }
    if (c.remote.is_any()) r.error(f.key_node, "vips: a road warrior asks its gateway: remote.address cannot be %any");
}

// `pools: [office]`: a gateway hands out addresses as responder (the names are checked
// against the top-level pools once every file is read).
void read_pools(Reader& r, const Field& f, ike::policy::Connection& c) {
    for (const auto& item : r.texts(f).value_or(std::vector<Item>{})) c.pools.push_back(item.text);
    for (const auto& child : c.children)
        if (child.start != ike::policy::Start::none)
            r.error(f.key_node, "pools: addresses are handed out as responder: child '" + child.name +
                                    "' has start: up or trap (use start: none)");
}

}  // namespace

std::optional<ike::policy::Connection> read_connection(Reader& r, const Field& entry,
                                                       const std::filesystem::path& base_dir) {
    const std::size_t errors_before = r.error_count();
    ike::policy::Connection c;
    c.name = entry.key;
    if (!valid_name(c.name))
        r.error(entry.key_node, "connection name '" + c.name + "' must match [A-Za-z0-9_.-]+");
    auto fs = r.fields(entry.value, "connection '" + c.name + "'",
                       {"version", "local", "remote", "ike", "children", "manual", "pools", "vips",
                        "host_config"});
    if (!fs) return std::nullopt;
    if (const Field* v = fs->get("version")) {
        c.version = static_cast<int>(r.integer(*v, 1, 2).value_or(2));
    }
    if (const Field* l = fs->get("local")) read_local(r, *l, base_dir, c.local);
    if (const Field* rem = fs->get("remote")) read_remote(r, *rem, base_dir, c.remote);
    else r.error(entry.key_node, "connection '" + c.name + "': 'remote' is missing");
    if (const Field* m = fs->get("manual")) {
        if (fs->get("ike") || fs->get("children"))
            r.error(m->key_node, "manual: a manually keyed connection has no 'ike' or 'children'");
        // Kernel SAs need both addresses (there is no negotiation to learn them).
        if (!c.local.address || !c.remote.address)
            r.error(m->key_node, "manual: needs local.address and remote.address as IP addresses");
        c.manual = read_manual(r, *m);
    } else {
        c.ike.proposals = ike::policy::default_proposals(ike::ProtocolId::ike);
        if (const Field* i = fs->get("ike")) read_ike(r, *i, c.ike);
        if (const Field* ch = fs->get("children")) read_children(r, *ch, c);
    }
    const Field* pools = fs->get("pools");
    const Field* vips = fs->get("vips");
    if (pools) read_pools(r, *pools, c);
    if (vips) read_vips(r, *vips, c);
    if (pools && vips) r.error(vips->key_node, "vips: a connection either hands out addresses (pools) or asks for one");
    if ((pools || vips) && (c.manual || c.version == 1))
        r.error((pools ? pools : vips)->key_node,
                (pools ? pools : vips)->key + ": virtual IPs are negotiated by IKEv2 (not with manual: or version: 1)");
    if (const Field* h = fs->get("host_config")) {
        c.host_config = r.boolean(*h).value_or(true);
        if (c.manual) r.error(h->key_node, "host_config: a manually keyed connection puts nothing on the host");
    }
    if (const Field* v = fs->get("version"); v && c.version == 1) check_ikev1(r, *v, c);
    check_eap(r, fs->get("local"), fs->get("remote"), c);
    if (r.error_count() != errors_before) return std::nullopt;
    return c;
}

}  // namespace ipsecd::config
