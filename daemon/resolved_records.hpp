// What ipsecd added to systemd-resolved's links, kept in a file per link in the runtime
// directory so that it outlives the process. Resolved has no mark for who set a link's
// servers (unlike a virtual IP's IFA_PROTO), so a killed ipsecd's successor would read them
// as the link's own and keep them for good. A record is written before the calls that add
// what it names and removed once the calls that take it back went out; at start, before any
// IKE SA, what a record names comes off its link (resolved_dns.hpp). The directory lives as
// long as resolved's own link state (/run, a boot): the unit keeps it across restarts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "daemon/resolved_links.hpp"

namespace ipsecd {

// The servers and domains of `set` that `before` did not have: what ipsecd added.
LinkDns added_to(const LinkDns& before, const LinkDns& set);
// `now` without `added`, in its order: the link's own configuration, whatever happened to
// it since (its manager may have set it again, which already dropped ours).
LinkDns without(const LinkDns& now, const LinkDns& added);

// One line per entry: "dns 10.2.0.53", "domain ~corp.example" (routing-only), "domain lan".
std::string record_text(const LinkDns& added);
std::optional<LinkDns> parse_record(std::string_view text);

class ResolvedRecords {
public:
    explicit ResolvedRecords(std::string dir) : dir_(std::move(dir)) {}

    // Replaces the link's record; a crash leaves the old record or the new one, never half.
    base::Status write(int link, const LinkDns& added) const;
    void remove(int link) const;
    // Every record in the directory, by link; an unreadable one is an error of its own.
    std::map<int, base::Result<LinkDns>> read_all() const;

private:
    std::string path(int link) const;
    std::string dir_;
};

}  // namespace ipsecd
