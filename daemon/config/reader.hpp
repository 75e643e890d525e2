// Reading a yaml-cpp tree with every problem recorded as a Diagnostic at its own position.
// Nothing here stops at the first problem: each getter reports and returns nullopt.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/config/diagnostic.hpp"

namespace ipsecd::config {

// One key of a mapping and its value.
struct Field {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
};

// The fields of one mapping, in file order.
struct Fields {
    YAML::Node node;
    std::vector<Field> all;
    const Field* get(std::string_view key) const;
};

// A scalar and where it was written (items of lists, for per-item diagnostics).
struct Item {
    std::string text;
    YAML::Node node;
};

class Reader {
public:
    // named_files: where each file path the configuration names was first written.
    Reader(std::string source, std::vector<Diagnostic>& out, std::map<std::string, Diagnostic>* named_files = nullptr)
        : source_(std::move(source)), out_(out), named_files_(named_files) {}

    const std::string& source() const { return source_; }
    // Records that `at` names the file `path` (the first place wins).
    void named_file(const std::string& path, const YAML::Node& at);
    std::size_t error_count() const { return errors_; }
    void error(const YAML::Mark& at, std::string message);
    void error(const YAML::Node& at, std::string message) { error(at.Mark(), std::move(message)); }

    // The fields of a mapping `what`; a key not in `allowed`, or repeated, is reported at its
    // own position and left out. nullopt (reported at `node`) when `node` is not a mapping.
    std::optional<Fields> fields(const YAML::Node& node, std::string_view what,
                                 std::initializer_list<std::string_view> allowed);

    // A non-empty scalar.
    std::optional<std::string> text(const Field& f);
    // One scalar, or a list of scalars.
    std::optional<std::vector<Item>> texts(const Field& f);
    std::optional<bool> boolean(const Field& f);
    std::optional<std::int64_t> integer(const Field& f, std::int64_t min, std::int64_t max);
    // A duration in [min, max]; 0 is accepted too when zero_allowed.
    std::optional<std::chrono::seconds> duration(const Field& f, std::chrono::seconds min,
                                                 std::chrono::seconds max, bool zero_allowed = false);

    // One of a fixed set of words.
    template <class E>
    std::optional<E> choice(const Field& f, std::initializer_list<std::pair<std::string_view, E>> words) {
        auto t = text(f);
        if (!t) return std::nullopt;
        std::string list;
        for (const auto& [word, value] : words) {
            if (word == *t) return value;
            list += (list.empty() ? "" : ", ") + std::string(word);
        }
        error(f.value, f.key + ": '" + *t + "' is not one of " + list);
        return std::nullopt;
    }

    // A diagnostic at `mark`, not recorded (for checks made once every file is read).
    Diagnostic at(const YAML::Mark& mark, std::string message) const;

private:

    std::string source_;
    std::vector<Diagnostic>& out_;
    std::map<std::string, Diagnostic>* named_files_;
    std::size_t errors_ = 0;
};

}  // namespace ipsecd::config
