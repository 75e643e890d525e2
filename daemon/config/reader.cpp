#include "daemon/config/reader.hpp"

#include <algorithm>
#include <charconv>

#include "daemon/config/duration.hpp"

namespace ipsecd::config {

const Field* Fields::get(std::string_view key) const {
    auto it = std::find_if(all.begin(), all.end(), [&](const Field& f) { return f.key == key; });
    return it == all.end() ? nullptr : &*it;
}

Diagnostic Reader::at(const YAML::Mark& mark, std::string message) const {
    // yaml-cpp marks are 0-based; a mark of -1 means "no position" (an empty document).
    const bool placed = mark.line >= 0 && mark.column >= 0;
    return {source_, placed ? mark.line + 1 : 0, placed ? mark.column + 1 : 0, std::move(message)};
}

void Reader::error(const YAML::Mark& mark, std::string message) {
    ++errors_;
    out_.push_back(at(mark, std::move(message)));
}

void Reader::named_file(const std::string& path, const YAML::Node& node) {
    if (named_files_) named_files_->emplace(path, at(node.Mark(), ""));
}

std::optional<Fields> Reader::fields(const YAML::Node& node, std::string_view what,
                                     std::initializer_list<std::string_view> allowed) {
    if (!node.IsMap()) {
        error(node, std::string(what) + " must be a mapping");
        return std::nullopt;
    }
    Fields out{node, {}};
    for (const auto& entry : node) {
        const YAML::Node key = entry.first;
        if (!key.IsScalar()) {
            error(key, "keys of " + std::string(what) + " must be plain names");
            continue;
        }
        const std::string& name = key.Scalar();
        if (allowed.size() != 0 && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            error(key, "unknown key '" + name + "' in " + std::string(what) + " (expected " + list + ")");
            continue;
        }
        if (out.get(name)) {
            error(key, "duplicate key '" + name + "' in " + std::string(what));
            continue;
        }
        out.all.push_back({name, key, entry.second});
    }
    return out;
}

std::optional<std::string> Reader::text(const Field& f) {
    if (f.value.IsNull()) {
        error(f.key_node, f.key + ": needs a value");
        return std::nullopt;
    }
    if (!f.value.IsScalar() || f.value.Scalar().empty()) {
        error(f.value, f.key + ": must be a non-empty string");
        return std::nullopt;
    }
    return f.value.Scalar();
}

std::optional<std::vector<Item>> Reader::texts(const Field& f) {
    if (f.value.IsScalar() || f.value.IsNull()) {
        auto t = text(f);
        if (!t) return std::nullopt;
        return std::vector<Item>{{*t, f.value}};
    }
    if (!f.value.IsSequence()) {
        error(f.value, f.key + ": must be a string or a list of strings");
        return std::nullopt;
    }
    std::vector<Item> out;
    bool ok = true;
    for (const auto& item : f.value) {
        if (!item.IsScalar() || item.Scalar().empty()) {
            error(item, f.key + ": each entry must be a non-empty string");
            ok = false;
            continue;
        }
        out.push_back({item.Scalar(), item});
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<bool> Reader::boolean(const Field& f) {
    auto t = text(f);
    if (!t) return std::nullopt;
    if (*t == "true") return true;
    if (*t == "false") return false;
    error(f.value, f.key + ": must be true or false");
    return std::nullopt;
}

std::optional<std::int64_t> Reader::integer(const Field& f, std::int64_t min, std::int64_t max) {
    auto t = text(f);
    if (!t) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
    if (ec != std::errc{} || end != t->data() + t->size() || v < min || v > max) {
        error(f.value, f.key + ": '" + *t + "' is not a number from " + std::to_string(min) +
                           " to " + std::to_string(max));
        return std::nullopt;
    }
    return v;
}

std::optional<std::chrono::seconds> Reader::duration(const Field& f, std::chrono::seconds min,
                                                     std::chrono::seconds max, bool zero_allowed) {
    auto t = text(f);
    if (!t) return std::nullopt;
    auto d = parse_duration(*t);
    if (!d) {
        error(f.value, f.key + ": '" + *t + "' is not a duration (like 30s, 10m, 4h, 1h30m)");
        return std::nullopt;
    }
    if ((*d < min || *d > max) && !(zero_allowed && d->count() == 0)) {
        error(f.value, f.key + ": " + *t + " is out of range (" + std::to_string(min.count()) +
                           "s to " + std::to_string(max.count()) + "s" +
                           (zero_allowed ? ", or 0" : "") + ")");
        return std::nullopt;
    }
    return d;
}

}  // namespace ipsecd::config
