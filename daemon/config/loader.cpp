#include "daemon/config/loader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <tuple>
#include <iterator>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "daemon/config/connection_reader.hpp"
#include "daemon/config/file_check.hpp"
#include "daemon/config/pool_reader.hpp"
#include "daemon/config/reader.hpp"
#include "daemon/config/secrets_reader.hpp"

namespace ipsecd::config {
namespace {

struct Source {
    std::string name;                          // for diagnostics
    std::optional<std::filesystem::path> file;  // the file itself, when there is one
    std::filesystem::path base_dir;
    bool text = false;  // AddConnection text: transient_owner allowed
};

// Connection name -> where it was first defined ("" for names already loaded elsewhere).
using Names = std::map<std::string, std::string>;
// A manual SA's (destination, SPI, protocol), which identifies it in the kernel (RFC 4301
// 4.1) -> where its SPI was first written.
using Spis = std::map<std::tuple<net::Address, std::uint32_t, ike::ProtocolId>, std::string>;

// A connection's `pools:` entry, checked once every file is read.
struct PoolReference {
    std::string name;
    Diagnostic at;
};

// What must be unique across all files of a load, and what refers across them.
struct Seen {
    Names names;
    Spis spis;
    std::map<std::string, std::string> pools;  // pool name -> where it was defined ("": loaded elsewhere)
    std::vector<PoolReference> pool_references;
};

std::string where(const Reader& r, const YAML::Mark& m) {
    return r.source() + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// Two manual SAs with one (destination, SPI, protocol) cannot both be in the kernel.
void check_spis(Reader& r, const Field& entry, const ike::policy::Connection& c, Spis& spis) {
    for (const char* direction : {"in", "out"}) {
        const bool in = direction[0] == 'i';
        const auto spi = (in ? c.manual->in : c.manual->out).spi;
        const net::Address& dst = in ? *c.local.address : *c.remote.address;
        const YAML::Node at = entry.value["manual"][direction]["spi"];
        auto [it, fresh] = spis.emplace(std::tuple{dst, spi, c.manual->protocol}, where(r, at.Mark()));
        if (!fresh)
            r.error(at, "spi: " + at.Scalar() + " to " + dst.str() + " (" +
                            (c.manual->protocol == ike::ProtocolId::ah ? "ah" : "esp") +
                            ") is already used at " + it->second);
    }
}

// Pools are unique by name and share no address (a lease must come from one place).
void add_pool(Reader& r, const Field& entry, Seen& seen, Loaded& out) {
    auto [it, fresh] = seen.pools.emplace(entry.key, where(r, entry.key_node.Mark()));
    if (!fresh) {
        r.error(entry.key_node, "pool '" + entry.key + "' is already " +
                                    (it->second.empty() ? "in use" : "defined at " + it->second));
        return;
    }
    auto pool = read_pool(r, entry);
    if (!pool) return;
    for (const auto& other : out.config.pools)
        if (other.first.family == pool->first.family && other.first <= pool->last && pool->first <= other.last)
            r.error(entry.value["addresses"], "addresses: overlap those of pool '" + other.name + "' (" +
                                                  seen.pools[other.name] + ")");
    out.config.pools.push_back(std::move(*pool));
}

void note_pool_references(Reader& r, const Field& entry, Seen& seen) {
    const YAML::Node list = entry.value["pools"];
    auto note = [&](const YAML::Node& item) {
        seen.pool_references.push_back({item.Scalar(), r.at(item.Mark(), "")});
    };
    if (list.IsScalar()) note(list);
    else if (list.IsSequence())
        for (const auto& item : list) note(item);
}

// After every file: each pool a connection names exists.
void check_pool_references(const Seen& seen, Loaded& out) {
    for (const auto& ref : seen.pool_references)
        if (!seen.pools.contains(ref.name)) {
            Diagnostic d = ref.at;
            d.message = "pools: no pool '" + ref.name + "' is defined (top-level pools:)";
            out.diagnostics.push_back(std::move(d));
        }
}

void read_document(Reader& r, const YAML::Node& root, const Source& src, Seen& seen, Loaded& out) {
    if (root.IsNull()) return;  // an empty file is a valid, empty configuration
    std::optional<Fields> fs = src.text ? r.fields(root, "the top level", {"connections", "secrets", "transient_owner"})
                                        : r.fields(root, "the top level", {"pools", "connections", "secrets"});
    if (!fs) return;
    if (const Field* t = fs->get("transient_owner")) out.transient_owner = r.boolean(*t).value_or(false);
    // DESIGN.md "Security posture": a file holding secrets (PSKs, manual keys) must not be
    // accessible to group or others; reported once, where the first secret appears.
    bool private_checked = false;
    auto require_private = [&](const YAML::Node& at) {
        if (!src.file || std::exchange(private_checked, true)) return;
        if (auto problem = check_private_file(*src.file)) r.error(at, *problem);
    };
    if (const Field* s = fs->get("secrets")) {
        require_private(s->key_node);
        read_secrets(r, *s, src.base_dir, out.config);
    }
    if (const Field* pools = fs->get("pools"); pools && !pools->value.IsNull())
        if (auto entries = r.fields(pools->value, "pools", {}))
            for (const Field& entry : entries->all) add_pool(r, entry, seen, out);
    const Field* conns = fs->get("connections");
    if (!conns || conns->value.IsNull()) return;
    auto entries = r.fields(conns->value, "connections", {});
    if (!entries) return;
    for (const Field& entry : entries->all) {
        auto [it, fresh] = seen.names.emplace(entry.key, where(r, entry.key_node.Mark()));
        if (!fresh) {
            r.error(entry.key_node, "connection '" + entry.key + "' is already " +
                                        (it->second.empty() ? "in use" : "defined at " + it->second));
            continue;
        }
        auto c = read_connection(r, entry, src.base_dir);
        if (!c) continue;
        if (!c->pools.empty()) note_pool_references(r, entry, seen);
        if (c->manual) {
            require_private(entry.key_node);
            check_spis(r, entry, *c, seen.spis);
        }
        out.config.connections.push_back(std::move(*c));
    }
}

void load(std::string_view yaml, const Source& src, Seen& seen, Loaded& out) {
    const std::size_t first = out.diagnostics.size();
    Reader r(src.name, out.diagnostics, &out.named_files);
    try {
        read_document(r, YAML::Load(std::string(yaml)), src, seen, out);
    } catch (const YAML::ParserException& e) {
        r.error(e.mark, e.msg);
    } catch (const YAML::Exception& e) {  // fail closed on anything the checks above missed
        r.error(e.mark, e.msg);
    }
    // Checks run in a logical order; users read a file top to bottom.
    std::stable_sort(out.diagnostics.begin() + static_cast<std::ptrdiff_t>(first), out.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                     });
}

void load_path(const std::filesystem::path& file, Seen& seen, Loaded& out) {
    std::ifstream in(file, std::ios::binary);
    std::string text(std::istreambuf_iterator<char>(in), {});
    if (!in.is_open() || in.bad()) {
        out.diagnostics.push_back({file.string(), 0, 0, "cannot read the file"});
        return;
    }
    load(text, {file.string(), file, file.parent_path(), false}, seen, out);
}

}  // namespace

Loaded load_file(const std::filesystem::path& file) {
    Loaded out;
    Seen seen;
    load_path(file, seen, out);
    check_pool_references(seen, out);
    return out;
}

Loaded load_directory(const std::filesystem::path& dir) {
    Loaded out;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with(".") || it->path().extension() != ".yaml") continue;
        files.push_back(it->path());
    }
    if (ec) {
        out.diagnostics.push_back({dir.string(), 0, 0, "cannot read the directory: " + ec.message()});
        return out;
    }
    std::sort(files.begin(), files.end());
    Seen seen;
    for (const auto& f : files) load_path(f, seen, out);
    check_pool_references(seen, out);
    return out;
}

Loaded parse_text(std::string_view yaml, const TextOptions& options) {
    Loaded out;
    Seen seen;
    for (const auto& n : options.names_in_use) seen.names.emplace(n, "");
    for (const auto& n : options.pools_in_use) seen.pools.emplace(n, "");
    load(yaml, {options.source, std::nullopt, options.config_dir, true}, seen, out);
    check_pool_references(seen, out);
    return out;
}

}  // namespace ipsecd::config
