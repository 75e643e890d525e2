#include "daemon/config/values.hpp"

#include <algorithm>
#include <cctype>

#include <botan/mem_ops.h>

#include "base/bytes.hpp"
#include "daemon/config/file_check.hpp"

namespace ipsecd::config {

// A DNS host name (RFC 1123 2.1): dot-separated labels of 1-63 letters, digits and '-', not
// starting or ending with '-', 253 characters at most (a trailing dot allowed); the last label
// not all digits (RFC 3696 2), which is a mistyped address.
bool valid_hostname(std::string_view h) {
    if (h.ends_with('.')) h.remove_suffix(1);
    if (h.empty() || h.size() > 253) return false;
    std::string_view last;
    for (std::string_view rest = h; !rest.empty();) {
        const auto dot = rest.find('.');
        const std::string_view label = rest.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
            !std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
            return false;
        last = label;
        if (dot == std::string_view::npos) break;
        rest = rest.substr(dot + 1);
        if (rest.empty()) return false;  // "a..": an empty last label
    }
    return !std::all_of(last.begin(), last.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool valid_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '.' || c == '-';
    });
}

std::optional<ike::policy::Mode> read_mode(Reader& r, const Field& f) {
    using ike::policy::Mode;
    return r.choice<Mode>(f, {{"tunnel", Mode::tunnel}, {"transport", Mode::transport}});
}

std::optional<ike::ProtocolId> read_protocol(Reader& r, const Field& f) {
    return r.choice<ike::ProtocolId>(f, {{"esp", ike::ProtocolId::esp}, {"ah", ike::ProtocolId::ah}});
}

std::optional<ike::policy::Identity> read_identity(Reader& r, const Field& f) {
    auto t = r.text(f);
    if (!t) return std::nullopt;
    auto id = ike::policy::Identity::parse(*t);
    if (!id) {
        r.error(f.value, f.key + ": " + id.error().message);
        return std::nullopt;
    }
    return *id;
}

std::optional<std::vector<net::Prefix>> read_prefixes(Reader& r, const Field& f) {
    auto items = r.texts(f);
    if (!items) return std::nullopt;
    std::vector<net::Prefix> out;
    bool ok = true;
    for (const auto& item : *items) {
        if (auto p = net::Prefix::parse(item.text)) {
            out.push_back(*p);
            continue;
        }
        r.error(item.node, f.key + ": '" + item.text +
                               "' is not a subnet (like 10.1.0.0/24 or 2001:db8::/64, host bits zero)");
        ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::vector<ike::policy::Proposal>> read_proposals(Reader& r, const Field& f,
                                                                 ike::ProtocolId protocol) {
    auto items = r.texts(f);
    if (!items) return std::nullopt;
    std::vector<ike::policy::Proposal> out;
    bool ok = true;
    for (const auto& item : *items) {
        auto p = ike::policy::parse_proposal(item.text, protocol);
        if (p) {
            out.push_back(std::move(*p));
            continue;
        }
        r.error(item.node, f.key + ": " + p.error().message);
        ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::string> checked_path(Reader& r, const Item& item, const std::string& key,
                                        const std::filesystem::path& base_dir, bool is_private) {
    std::filesystem::path p(item.text);
    if (p.is_relative()) p = base_dir / p;
    p = p.lexically_normal();
    auto problem = is_private ? check_private_file(p) : check_file(p);
    if (problem) {
        r.error(item.node, key + ": " + *problem);
        return std::nullopt;
    }
    return p.string();
}

std::optional<std::string> read_path(Reader& r, const Item& item, const std::string& key,
                                     const std::filesystem::path& base_dir, bool is_private) {
    auto p = checked_path(r, item, key, base_dir, is_private);
    if (p) r.named_file(*p, item.node);
    return p;
}

std::optional<base::SecretBytes> read_secret(Reader& r, const Field& f, bool hex_only) {
    auto t = r.text(f);
    if (!t) return std::nullopt;
    const bool hex = t->size() > 2 && t->starts_with("0x");
    std::optional<base::SecretBytes> out;
    if (hex) {
        if (auto bytes = base::from_hex(*t)) {
            out.emplace(bytes->begin(), bytes->end());
            Botan::secure_scrub_memory(bytes->data(), bytes->size());
        }
        if (!out) r.error(f.value, f.key + ": not valid hex after 0x (an even number of 0-9a-f digits)");
    } else if (hex_only) {
        r.error(f.value, f.key + ": must be hex, written 0x…");
    } else {
        out.emplace(t->begin(), t->end());
    }
    Botan::secure_scrub_memory(t->data(), t->size());
    return out;
}

}  // namespace ipsecd::config
