#include "dbus/nm/vpn_data.hpp"

#include <algorithm>
#include <cctype>

namespace nm {

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == ',') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

static std::string value_of(const StringMap& data, const std::string& key) {
    auto it = data.find(key);
    return it == data.end() ? std::string() : it->second;
}

static base::Result<std::vector<net::Prefix>> parse_subnets(const StringMap& data,
                                                            const std::string& key) {
    std::vector<net::Prefix> subnets;
    for (const auto& word : split_words(value_of(data, key))) {
        auto prefix = net::Prefix::parse(word);
        if (!prefix) return base::fail("vpn.data " + key + ": '" + word + "' is not a CIDR subnet");
        subnets.push_back(*prefix);
    }
    return subnets;
}

// Proposals go to ipsecd verbatim (it owns the syntax); only their alphabet is checked here,
// so a typo is reported by ipsecd with its own diagnostics.
static base::Result<std::vector<std::string>> parse_proposals(const StringMap& data,
                                                              const std::string& key) {
    auto words = split_words(value_of(data, key));
    for (const auto& word : words)
        for (char c : word)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
                return base::fail("vpn.data " + key + ": '" + word + "' is not a proposal");
    return words;
}

// `virtual-ip`: "yes" (IPv4), or the words ipv4 and/or ipv6; "no" or absent: none.
static base::Result<std::vector<net::Family>> parse_virtual_ip(const std::string& text) {
    std::vector<net::Family> families;
    for (const auto& word : split_words(text)) {
        std::optional<net::Family> f;
        if (word == "yes" || word == "ipv4") f = net::Family::v4;
        else if (word == "ipv6") f = net::Family::v6;
        else if (word != "no")
            return base::fail("vpn.data virtual-ip: '" + word + "' is not yes, no, ipv4 or ipv6");
        if (f && std::find(families.begin(), families.end(), *f) == families.end()) families.push_back(*f);
    }
    return families;
}

static base::Status check_auth(const VpnData& v) {
    switch (v.auth) {
    case Auth::psk:
        return {};
    case Auth::pubkey:
        if (v.cert.empty() || v.key.empty()) return base::fail("vpn.data auth pubkey: cert and key are required");
        return {};
    case Auth::eap_mschapv2:
        // RFC 7296 2.16: MS-CHAPv2 does not authenticate the gateway; its certificate does.
        if (v.eap_id.empty()) return base::fail("vpn.data auth eap-mschapv2: eap-id is required");
        if (v.ca.empty()) return base::fail("vpn.data auth eap-mschapv2: ca (the gateway's trust anchor) is required");
        if (!v.cert.empty() || !v.key.empty())
            return base::fail("vpn.data auth eap-mschapv2: cert and key are not used (the password authenticates us)");
        return {};
    }
    return {};
}

base::Result<VpnData> parse_vpn_data(const StringMap& data) {
    VpnData v;
    v.remote = value_of(data, "remote");
    if (v.remote.empty()) return base::fail("vpn.data remote: the peer address is required");
    if (auto local = value_of(data, "local"); !local.empty()) {
        v.local = net::Address::parse(local);
        if (!v.local) return base::fail("vpn.data local: '" + local + "' is not an IP address");
    }
    v.local_id = value_of(data, "local-id");
    v.remote_id = value_of(data, "remote-id");

    auto auth = value_of(data, "auth");
    if (auth == "pubkey") v.auth = Auth::pubkey;
    else if (auth == "eap-mschapv2") v.auth = Auth::eap_mschapv2;
    else if (!auth.empty() && auth != "psk")
        return base::fail("vpn.data auth: '" + auth + "' is not psk, pubkey or eap-mschapv2");
    v.cert = value_of(data, "cert");
    v.key = value_of(data, "key");
    v.ca = value_of(data, "ca");
    v.eap_id = value_of(data, "eap-id");
    if (auto st = check_auth(v); !st) return base::Unexpected{st.error()};

    auto mode = value_of(data, "mode");
    if (mode == "transport") v.mode = Mode::transport;
    else if (!mode.empty() && mode != "tunnel")
        return base::fail("vpn.data mode: '" + mode + "' is neither tunnel nor transport");

    auto local_subnets = parse_subnets(data, "local-subnets");
    if (!local_subnets) return base::Unexpected{local_subnets.error()};
    v.local_subnets = std::move(*local_subnets);
    auto remote_subnets = parse_subnets(data, "remote-subnets");
    if (!remote_subnets) return base::Unexpected{remote_subnets.error()};
    v.remote_subnets = std::move(*remote_subnets);
    if (v.remote_subnets.empty()) v.remote_subnets.push_back(*net::Prefix::parse("0.0.0.0/0"));

    auto vips = parse_virtual_ip(value_of(data, "virtual-ip"));
    if (!vips) return base::Unexpected{vips.error()};
    v.virtual_ips = std::move(*vips);
    // The CHILD SA's local selector is the virtual IP the gateway assigns.
    if (!v.virtual_ips.empty() && !v.local_subnets.empty())
        return base::fail("vpn.data virtual-ip: the inner address is the virtual IP; local-subnets cannot be set too");

    auto ike = parse_proposals(data, "ike-proposals");
    if (!ike) return base::Unexpected{ike.error()};
    v.ike_proposals = std::move(*ike);
    auto esp = parse_proposals(data, "esp-proposals");
    if (!esp) return base::Unexpected{esp.error()};
    v.esp_proposals = std::move(*esp);
    return v;
}

}  // namespace nm
