// docs/CONTRACT-TESTS.md against docs/DESIGN.md Part 2: every configuration key of the schema
// and every command-line flag has a row naming at least one test, and every test a row names
// exists: a GoogleTest case `Suite.Case`, a lab scenario `lab NAME` (enabled, not pending), or
// a NetworkManager check `nm NAME`. So a key added to the contract without a test, or a test
// renamed away from under the table, fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
const fs::path kRoot = SOURCE_ROOT;

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto end = std::min(text.find('\n', at), text.size());
        out.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

// The lines of DESIGN.md from the heading that starts with `heading` to the next heading.
std::vector<std::string> section(const std::string& heading) {
    std::vector<std::string> out;
    bool in = false;
    for (const auto& l : lines(read(kRoot / "docs/DESIGN.md"))) {
        if (l.rfind("### ", 0) == 0) in = l.rfind(heading, 0) == 0;
        else if (in) out.push_back(l);
    }
    return out;
}

bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// The keys of the schema example as dotted paths (leaves only); a connection's, a child's and a pool's own name is `*`.
// A commented-out key (`# eap_id: alice`) is a documented key too.
std::set<std::string> schema_keys() {
    std::set<std::string> out;
    std::vector<std::pair<std::size_t, std::string>> path;  // (indent, key) of the enclosing keys
    bool in_yaml = false;
    for (const auto& l : section("### Configuration")) {
        if (l.rfind("```", 0) == 0) {
            if (in_yaml) break;
            in_yaml = l == "```yaml";
            continue;
        }
        if (!in_yaml) continue;
        std::size_t i = l.find_first_not_of(' ');
        if (i == std::string::npos) continue;
        std::size_t indent = i;  // a commented key stands where its '#' does
        if (l.compare(i, 2, "# ") == 0) i += 2;
        if (l.compare(i, 2, "- ") == 0) indent = i += 2;  // a list item's keys stand at its first's column
        std::size_t end = i;
        while (end < l.size() && key_char(l[end])) ++end;
        if (end == i || end >= l.size() || l[end] != ':') continue;
        while (!path.empty() && path.back().first >= indent) path.pop_back();
        std::string key = l.substr(i, end - i);
        if (!path.empty() && (path.back().second == "connections" || path.back().second == "children" || path.back().second == "pools"))
            key = "*";
        std::string dotted;
        for (const auto& p : path) dotted += p.second + ".";
        out.insert(dotted + key);
        path.emplace_back(indent, key);
    }
    // Only the leaves: a mapping is covered by the keys it holds.
    for (auto it = out.begin(); it != out.end();) {
        const auto next = std::next(it);
        it = next != out.end() && next->rfind(*it + ".", 0) == 0 ? out.erase(it) : next;
    }
    return out;
}

// Every `--flag` the Programs section names (ipsecd's and ipsecctl's).
std::set<std::string> flags() {
    std::set<std::string> out;
    for (const auto& l : section("### Programs"))
        for (std::size_t at = l.find("--"); at != std::string::npos; at = l.find("--", at + 2)) {
            std::size_t end = at + 2;
            while (end < l.size() && key_char(l[end])) ++end;
            const bool starts_word = at == 0 || l[at - 1] == '`' || l[at - 1] == '[' || l[at - 1] == ' ';
            if (starts_word && end > at + 2 && std::islower(static_cast<unsigned char>(l[at + 2])))
                out.insert(l.substr(at, end - at));
        }
    return out;
}

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The table: `key` -> the proofs of its row (split on "·").
std::map<std::string, std::vector<std::string>> table() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& l : lines(read(kRoot / "docs/CONTRACT-TESTS.md"))) {
        if (l.rfind("| `", 0) != 0) continue;
        const auto close = l.find('`', 3);
        const auto bar = l.find('|', close);
        auto& proofs = out[l.substr(3, close - 3)];
        std::string rest = l.substr(bar + 1);
        rest = rest.substr(0, rest.rfind('|'));
        for (std::size_t at = 0; at <= rest.size();) {
            auto next = rest.find("·", at);
            if (next == std::string::npos) next = rest.size();
            if (auto p = trim(rest.substr(at, next - at)); !p.empty()) proofs.push_back(p);
            at = next + std::string("·").size();
        }
    }
    return out;
}

// All test sources under tests/, read once.
const std::string& test_sources() {
    static const std::string all = [] {
        std::string s;
        for (const auto& e : fs::recursive_directory_iterator(kRoot / "tests"))
            if (e.is_regular_file() && e.path().extension() == ".cpp") s += read(e.path());
        return s;
    }();
    return all;
}

// Why `proof` names nothing real, or "" when it does.
std::string missing(const std::string& proof) {
    if (proof.rfind("lab ", 0) == 0) {
        const std::string name = proof.substr(4);
        for (const char* dir : {"tests/lab/scenarios/", "tests/interop/"}) {
            const fs::path d = kRoot / (dir + name);
            if (fs::exists(d / "run.sh")) return fs::exists(d / "pending") ? "lab scenario is pending" : "";
        }
        return "no lab scenario of that name";
    }
    if (proof.rfind("nm ", 0) == 0)
        return read(kRoot / "tests/nm/run").find("pass \"" + proof.substr(3) + ":") != std::string::npos
                   ? "" : "no such check in tests/nm/run";
    const auto dot = proof.find('.');
    if (dot == std::string::npos) return "neither Suite.Case, lab NAME nor nm NAME";
    const std::string suite = proof.substr(0, dot), name = proof.substr(dot + 1);
    for (const char* macro : {"TEST(", "TEST_F("})
        if (test_sources().find(macro + suite + ", " + name + ")") != std::string::npos) return "";
    return "no such test case";
}

TEST(ContractCoverage, EveryConfigurationKeyHasATest) {
    const auto t = table();
    const auto keys = schema_keys();
    EXPECT_GT(keys.size(), 30u);
    for (const auto& k : keys) EXPECT_FALSE(t.count(k) == 0 || t.at(k).empty()) << "no test named for " << k;
}

TEST(ContractCoverage, EveryFlagHasATest) {
    const auto t = table();
    const auto f = flags();
    EXPECT_GT(f.size(), 8u);
    for (const auto& k : f) EXPECT_FALSE(t.count(k) == 0 || t.at(k).empty()) << "no test named for " << k;
}

TEST(ContractCoverage, EveryNamedTestExists) {
    for (const auto& [key, proofs] : table())
        for (const auto& p : proofs) EXPECT_EQ(missing(p), "") << key << ": " << p;
}

TEST(ContractCoverage, EveryRowIsAKeyOfTheContract) {
    const auto keys = schema_keys();
    const auto f = flags();
    for (const auto& [key, proofs] : table()) {
        const bool contract_key =
            key.rfind("connections.", 0) == 0 || key.rfind("secrets.", 0) == 0 || key.rfind("--", 0) == 0;
        EXPECT_TRUE(!contract_key || keys.count(key) || f.count(key)) << key << " is not in docs/DESIGN.md Part 2";
    }
}

}  // namespace
