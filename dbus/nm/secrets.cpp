#include "dbus/nm/secrets.hpp"

#include <charconv>
#include <cstdint>

namespace nm {

namespace {

constexpr std::uint32_t agent_owned = 1, not_saved = 2, not_required = 4;

std::uint32_t flags_of(const StringMap& data, const std::string& secret) {
    auto it = data.find(secret + "-flags");
    std::uint32_t flags = 0;
    if (it != data.end()) {
        const auto& text = it->second;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), flags);
        if (ec != std::errc{} || end != text.data() + text.size()) flags = 0;
    }
    return flags;
}

bool user_supplied(std::uint32_t flags) { return flags & (agent_owned | not_saved); }

bool present(const StringMap& secrets, const std::string& name) {
    auto it = secrets.find(name);
    return it != secrets.end() && !it->second.empty();
}

std::string secret_name(Auth auth) {
    switch (auth) {
    case Auth::psk: return "psk";
    case Auth::pubkey: return "key-password";
    case Auth::eap_mschapv2: return "password";
    }
    return "psk";
}

}  // namespace

std::vector<std::string> needed_secrets(const VpnData& vpn, const StringMap& data) {
    const std::string name = secret_name(vpn.auth);
    auto flags = flags_of(data, name);
    if (flags & not_required) return {};
    if (vpn.auth == Auth::pubkey && !user_supplied(flags)) return {};
    return {name};
}

std::vector<std::string> missing_secrets(const VpnData& vpn, const StringMap& data,
                                         const StringMap& secrets) {
    std::vector<std::string> missing;
    for (auto& name : needed_secrets(vpn, data))
        if (!present(secrets, name)) missing.push_back(std::move(name));
    return missing;
}

std::vector<std::string> secrets_for_hints(const VpnData& vpn, const StringMap& data,
                                           const StringMap& secrets) {
    std::vector<std::string> hints;
    for (auto& name : missing_secrets(vpn, data, secrets))
        if (user_supplied(flags_of(data, name))) hints.push_back(std::move(name));
    return hints;
}

std::string need_secrets_reply(const VpnData& vpn, const StringMap& data,
                               const StringMap& secrets) {
    for (const auto& name : missing_secrets(vpn, data, secrets))
        if (!user_supplied(flags_of(data, name))) return "vpn";
    return "";
}

}  // namespace nm
