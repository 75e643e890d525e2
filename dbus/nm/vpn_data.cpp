#include "dbus/nm/vpn_data.hpp"

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
    else if (!auth.empty() && auth != "psk")
        return base::fail("vpn.data auth: '" + auth + "' is neither psk nor pubkey");
    v.cert = value_of(data, "cert");
    v.key = value_of(data, "key");
    v.ca = value_of(data, "ca");
    if (v.auth == Auth::pubkey && (v.cert.empty() || v.key.empty()))
        return base::fail("vpn.data auth pubkey: cert and key are required");

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

    auto ike = parse_proposals(data, "ike-proposals");
    if (!ike) return base::Unexpected{ike.error()};
    v.ike_proposals = std::move(*ike);
    auto esp = parse_proposals(data, "esp-proposals");
    if (!esp) return base::Unexpected{esp.error()};
    v.esp_proposals = std::move(*esp);
    return v;
}

}  // namespace nm
