#include "daemon/resolved_records.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ipsecd {

namespace {

constexpr std::string_view kPrefix = "resolved-link-";

template <typename T>
std::vector<T> minus(const std::vector<T>& from, const std::vector<T>& taken) {
    std::vector<T> out;
    for (const auto& x : from)
        if (std::find(taken.begin(), taken.end(), x) == taken.end()) out.push_back(x);
    return out;
}

std::optional<int> link_of(std::string_view name) {
    if (!name.starts_with(kPrefix)) return std::nullopt;
    name.remove_prefix(kPrefix.size());
    int link = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), link);
    if (ec != std::errc() || end != name.data() + name.size() || link <= 0) return std::nullopt;
    return link;
}

}  // namespace

LinkDns added_to(const LinkDns& before, const LinkDns& set) {
    return {minus(set.servers, before.servers), minus(set.domains, before.domains)};
}

LinkDns without(const LinkDns& now, const LinkDns& added) {
    return {minus(now.servers, added.servers), minus(now.domains, added.domains)};
}

std::string record_text(const LinkDns& added) {
    std::string out;
    for (const auto& a : added.servers) out += "dns " + a.str() + "\n";
    for (const auto& d : added.domains) out += "domain " + std::string(d.routing_only ? "~" : "") + d.name + "\n";
    return out;
}

std::optional<LinkDns> parse_record(std::string_view text) {
    LinkDns out;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        const auto space = line.find(' ');
        if (space == std::string::npos) return std::nullopt;
        const std::string_view key = std::string_view(line).substr(0, space);
        std::string_view value = std::string_view(line).substr(space + 1);
        if (key == "dns") {
            auto a = net::Address::parse(value);
            if (!a) return std::nullopt;
            out.servers.push_back(*a);
        } else if (key == "domain" && !value.empty()) {
            const bool routing_only = value.front() == '~';
            if (routing_only) value.remove_prefix(1);
            if (value.empty()) return std::nullopt;
            out.domains.push_back({std::string(value), routing_only});
        } else {
            return std::nullopt;
        }
    }
    return out;
}

std::string ResolvedRecords::path(int link) const { return dir_ + "/" + std::string(kPrefix) + std::to_string(link); }

base::Status ResolvedRecords::write(int link, const LinkDns& added) const {
    const std::string final_path = path(link), temporary = final_path + ".new";
    const std::string text = record_text(added);
    const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return base::fail("writing " + temporary + ": " + std::strerror(errno), errno);
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int err = errno;
    close(fd);
    if (!written || rename(temporary.c_str(), final_path.c_str()) < 0) {
        const int e = written ? errno : err;
        unlink(temporary.c_str());
        return base::fail("writing " + final_path + ": " + std::strerror(e), e);
    }
    return {};
}

void ResolvedRecords::remove(int link) const { unlink(path(link).c_str()); }

std::map<int, base::Result<LinkDns>> ResolvedRecords::read_all() const {
    std::map<int, base::Result<LinkDns>> out;
    DIR* dir = opendir(dir_.c_str());
    if (!dir) return out;
    while (const dirent* entry = readdir(dir)) {
        const auto link = link_of(entry->d_name);
        if (!link) continue;
        std::ifstream in(path(*link));
        std::stringstream text;
        text << in.rdbuf();
        auto record = parse_record(text.str());
        if (record) out.emplace(*link, std::move(*record));
        else out.emplace(*link, base::fail(path(*link) + ": not a record of ipsecd's"));
    }
    closedir(dir);
    return out;
}

}  // namespace ipsecd
