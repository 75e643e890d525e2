#include "dbus/nm/yaml_text.hpp"

#include <cstdio>

namespace nm {

std::string yaml_quote(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char esc[5];
            std::snprintf(esc, sizeof esc, "\\x%02x", u);
            out += esc;
        } else {
            out += c;
        }
    }
    return out + '"';
}

std::string connection_name(std::string_view nm_uuid) {
    std::string name = "nm-";
    for (char c : nm_uuid) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        name += ok ? c : '_';
    }
    return name;
}

namespace {

// Appends "key: value" at `indent` when value is non-empty.
void scalar(std::string& out, int indent, std::string_view key, std::string_view value) {
    if (value.empty()) return;
    out.append(static_cast<std::size_t>(indent), ' ');
    out.append(key).append(": ").append(yaml_quote(value)).append("\n");
}

template <class Range, class ToString>
void flow_list(std::string& out, int indent, std::string_view key, const Range& items,
               ToString to_string) {
    if (items.empty()) return;
    out.append(static_cast<std::size_t>(indent), ' ');
    out.append(key).append(": [");
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ", ";
        out += yaml_quote(to_string(item));
        first = false;
    }
    out += "]\n";
}

std::string prefix_str(const net::Prefix& p) { return p.str(); }
std::string same(const std::string& s) { return s; }

const char* auth_name(Auth a) {
    switch (a) {
    case Auth::psk: return "psk";
    case Auth::pubkey: return "pubkey";
    case Auth::eap_mschapv2: return "eap-mschapv2";
    }
    return "psk";
}

// EAP-MSCHAPv2 authenticates us only; the gateway proves itself with its certificate.
const char* remote_auth_name(Auth a) { return a == Auth::eap_mschapv2 ? "pubkey" : auth_name(a); }

std::string family_any(net::Family f) { return net::Address::any(f).str(); }

const char* mode_name(Mode m) {
    switch (m) {
    case Mode::tunnel: return "tunnel";
    case Mode::transport: return "transport";
    }
    return "tunnel";
}

// A view into `secrets`: no copy of a secret is left behind unzeroised.
std::string_view secret_of(const StringMap& secrets, const std::string& key) {
    auto it = secrets.find(key);
    return it == secrets.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace

std::string connection_yaml(const VpnData& vpn, std::string_view name, const StringMap& secrets) {
    // (parse_vpn_data makes auth pubkey come with a key)
    const std::string_view key_password = vpn.auth == Auth::pubkey ? secret_of(secrets, "key-password") : "";
    const std::string local_address = vpn.local ? vpn.local->str() : std::string();
    std::string y = "transient_owner: true\nconnections:\n";
    y.append("  ").append(yaml_quote(name)).append(":\n");
    y += "    local:\n";
    scalar(y, 6, "address", local_address);
    scalar(y, 6, "id", vpn.local_id);
    scalar(y, 6, "auth", auth_name(vpn.auth));
    scalar(y, 6, "cert", vpn.cert);
    scalar(y, 6, "key", vpn.key);
    scalar(y, 6, "eap_id", vpn.eap_id);
    flow_list(y, 6, "subnets", vpn.local_subnets, prefix_str);
    y += "    remote:\n";
    scalar(y, 6, "address", vpn.remote);
    scalar(y, 6, "id", vpn.remote_id);
    scalar(y, 6, "auth", remote_auth_name(vpn.auth));
    scalar(y, 6, "ca", vpn.ca);
    flow_list(y, 6, "subnets", vpn.remote_subnets, prefix_str);
    flow_list(y, 4, "vips", vpn.virtual_ips, family_any);
    // NM applies the inner address, the routes and the DNS servers the plugin reports, and
    // removes them with the VPN: ipsecd must not put its own copies on the host.
    y += "    host_config: false\n";
    if (!vpn.ike_proposals.empty()) {
        y += "    ike:\n";
        flow_list(y, 6, "proposals", vpn.ike_proposals, same);
    }
    y += "    children:\n      nm:\n";
    scalar(y, 8, "mode", mode_name(vpn.mode));
    // Fail closed while NM has the VPN active (NM's routes send the traffic our way): the
    // policies are in before the CHILD SA and stay when the peer closes it, and ipsecd
    // re-establishes it; only NM's deactivation (Down, RemoveConnection) removes them.
    scalar(y, 8, "start", "up");
    scalar(y, 8, "close_action", "restart");
    flow_list(y, 8, "proposals", vpn.esp_proposals, same);

    auto psk = secret_of(secrets, "psk");
    const bool with_psk = vpn.auth == Auth::psk && !psk.empty();
    const std::string_view password = vpn.auth == Auth::eap_mschapv2 ? secret_of(secrets, "password") : "";
    if (with_psk || !key_password.empty() || !password.empty()) y += "secrets:\n";
    if (with_psk) {
        // The secret binds the two identities ipsecd will use: an explicit id, else the address.
        std::vector<std::string> ids;
        if (!vpn.local_id.empty()) ids.push_back(vpn.local_id);
        else if (vpn.local) ids.push_back(local_address);
        ids.push_back(vpn.remote_id.empty() ? vpn.remote : vpn.remote_id);
        flow_list(y, 2, "- ids", ids, same);
        scalar(y, 4, "psk", psk);
    }
    if (!key_password.empty()) {
        // ipsecd matches the passphrase to the connection's key by the key's path.
        scalar(y, 2, "- key", vpn.key);
        scalar(y, 4, "password", key_password);
    }
    if (!password.empty()) {
        scalar(y, 2, "- eap_id", vpn.eap_id);
        scalar(y, 4, "password", password);
    }
    return y;
}

}  // namespace nm
