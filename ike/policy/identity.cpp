#include "ike/policy/identity.hpp"

#include <algorithm>
#include <cctype>

namespace ike::policy {

Identity Identity::of_address(const net::Address& a) {
    return {a.family == net::Family::v4 ? IdKind::ipv4 : IdKind::ipv6, a.str(), a};
}

base::Result<Identity> Identity::parse(std::string_view text) {
    if (text.empty()) return base::fail("identity is empty");
    if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::iscntrl(c); }))
        return base::fail("identity contains a control character");
    if (text == "%any") return Identity{};
    if (auto a = net::Address::parse(text)) return of_address(*a);
    if (text.front() == '@') {
        if (text.size() == 1) return base::fail("identity '@' names no host");
        return Identity{IdKind::fqdn, std::string(text.substr(1)), std::nullopt};
    }
    if (text.find('=') != std::string_view::npos)
        return Identity{IdKind::dn, std::string(text), std::nullopt};
    if (auto at = text.find('@'); at != std::string_view::npos) {
        if (at + 1 == text.size()) return base::fail("identity '" + std::string(text) + "' has no domain");
        return Identity{IdKind::rfc822, std::string(text), std::nullopt};
    }
    return Identity{IdKind::fqdn, std::string(text), std::nullopt};
}

std::string Identity::str() const {
    switch (kind) {
        case IdKind::any: return "%any";
        case IdKind::fqdn: return "@" + value;
        case IdKind::ipv4:
        case IdKind::ipv6:
        case IdKind::rfc822:
        case IdKind::dn: return value;
    }
    return value;
}

}  // namespace ike::policy
