// A road warrior's DNS servers and domains (RFC 7296 3.15, RFC 8598), handed to
// systemd-resolved over its D-Bus API (org.freedesktop.resolve1.Manager SetLinkDNS,
// SetLinkDomains, RevertLink) for the link that carries the virtual IP, while an IKE SA holds
// them. Every call is asynchronous: the event loop never waits for resolved. Without resolved
// on the bus one line is logged and nothing else happens. What it adds to a link is recorded
// in the runtime directory (resolved_records.hpp), so that a successor takes off what a
// killed ipsecd left.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <list>
#include <optional>
#include <set>
#include <string>

#include <systemd/sd-bus.h>

#include "daemon/log.hpp"
#include "daemon/resolved_links.hpp"
#include "daemon/resolved_records.hpp"
#include "ike/engine/effects.hpp"

namespace ipsecd {

class ResolvedDns {
public:
    // `runtime_dir`: where the records of what was added live (--runtime-dir).
    ResolvedDns(sd_bus* bus, const Logger& log, const std::string& runtime_dir)
        : bus_(bus), log_(log), records_(runtime_dir) {}
    ~ResolvedDns();
    ResolvedDns(const ResolvedDns&) = delete;
    ResolvedDns& operator=(const ResolvedDns&) = delete;

    // At start, before any IKE SA: what a previous ipsecd's records name comes off its links
    // (only that: the link's own servers and domains, set since by its manager, stay).
    void take_over();
    // One IKE SA's new state (StatePublished); `link`: the interface of its virtual IPs.
    void update(const std::string& connection, const ike::engine::IkeSaStatus& sa, std::optional<int> link);
    // Gives every link back what it had (the calls go out when the bus is flushed).
    void stop();
    // Processes the bus until every call has its answer, at most `limit`: calls whose caller
    // left the bus before resolved handled them were lost (lab: SIGTERM left the link as it
    // was), so stop()'s calls need their answers before the process exits.
    void settle(std::chrono::milliseconds limit);

private:
    struct Call {
        ResolvedDns* self;
        std::string method;
        int link;
        std::chrono::steady_clock::time_point sent;
        sd_bus_slot* slot = nullptr;
    };
    void sync(int link);
    void read_before(int link);
    void set(int link, const LinkDns& dns);
    void restore(int link);
    // What `link` holds now (read), as it was before any ipsecd: a previous one's additions off.
    LinkDns own_part(int link, const LinkDns& read);
    bool request(const char* interface, const char* method, int link, sd_bus_message_handler_t on_done,
                 const std::function<int(sd_bus_message*)>& append);
    bool failed(Call& c, sd_bus_message* reply);
    void log_done(const Call& c) const;
    void done(Call& c);
    static int on_before(sd_bus_message* reply, void* userdata, sd_bus_error*);
    static int on_reply(sd_bus_message* reply, void* userdata, sd_bus_error*);

    sd_bus* bus_;
    const Logger& log_;
    ResolvedLinks links_;
    std::map<int, LinkDns> sent_;  // what resolved was last asked to hold, per link
    std::set<int> reading_;
    ResolvedRecords records_;
    std::map<int, LinkDns> left_;  // a previous ipsecd's additions, per link, until taken off
    std::list<Call> calls_;
    bool absent_logged_ = false;
};

}  // namespace ipsecd
