#include "daemon/resolved_dns.hpp"

#include <sys/socket.h>

#include <cstring>

namespace ipsecd {

namespace {

constexpr const char* kService = "org.freedesktop.resolve1";
constexpr const char* kPath = "/org/freedesktop/resolve1";
constexpr const char* kManager = "org.freedesktop.resolve1.Manager";

std::string link_text(int link) { return "link " + std::to_string(link); }

std::string dns_text(const LinkDns& dns) {
    std::string out;
    for (const auto& a : dns.servers) out += (out.empty() ? "" : " ") + a.str();
    out = "DNS " + (out.empty() ? std::string("none") : out) + ", domains";
    if (dns.domains.empty()) out += " none";
    for (const auto& d : dns.domains) out += (d.routing_only ? " ~" : " ") + d.name;
    return out;
}

// Manager's DNS a(iiay) and Domains a(isb): the entries of `link` (0 = global).
int read_servers(sd_bus_message* m, int link, LinkDns& out) {
    int r = sd_bus_message_enter_container(m, 'v', "a(iiay)");
    if (r < 0 || (r = sd_bus_message_enter_container(m, 'a', "(iiay)")) < 0) return r;
    while ((r = sd_bus_message_enter_container(m, 'r', "iiay")) > 0) {
        int ifindex = 0, family = 0;
        const void* bytes = nullptr;
        std::size_t size = 0;
        if ((r = sd_bus_message_read(m, "ii", &ifindex, &family)) < 0 ||
            (r = sd_bus_message_read_array(m, 'y', &bytes, &size)) < 0 || (r = sd_bus_message_exit_container(m)) < 0)
            return r;
        net::Address a{family == AF_INET ? net::Family::v4 : net::Family::v6, {}};
        if (ifindex == link && (family == AF_INET || family == AF_INET6) && size == a.size()) {
            std::memcpy(a.bytes.data(), bytes, size);
            out.servers.push_back(a);
        }
    }
    if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
    return sd_bus_message_exit_container(m);
}

int read_domains(sd_bus_message* m, int link, LinkDns& out) {
    int r = sd_bus_message_enter_container(m, 'v', "a(isb)");
    if (r < 0 || (r = sd_bus_message_enter_container(m, 'a', "(isb)")) < 0) return r;
    int ifindex = 0, routing_only = 0;
    const char* name = nullptr;
    while ((r = sd_bus_message_read(m, "(isb)", &ifindex, &name, &routing_only)) > 0)
        if (ifindex == link) out.domains.push_back({name, routing_only != 0});
    if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
    return sd_bus_message_exit_container(m);
}

// The GetAll reply of the Manager: what `link` holds now.
int read_link(sd_bus_message* m, int link, LinkDns& out) {
    int r = sd_bus_message_enter_container(m, 'a', "{sv}");
    if (r < 0) return r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* name = nullptr;
        if ((r = sd_bus_message_read(m, "s", &name)) < 0) return r;
        if (std::strcmp(name, "DNS") == 0) r = read_servers(m, link, out);
        else if (std::strcmp(name, "Domains") == 0) r = read_domains(m, link, out);
        else r = sd_bus_message_skip(m, "v");
        if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

int append_servers(sd_bus_message* m, const std::vector<net::Address>& servers) {
    int r = sd_bus_message_open_container(m, 'a', "(iay)");
    for (const auto& [family, bytes] : set_link_dns_args(servers)) {
        if (r < 0 || (r = sd_bus_message_open_container(m, 'r', "iay")) < 0) return r;
        if ((r = sd_bus_message_append(m, "i", family)) < 0 ||
            (r = sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size())) < 0)
            return r;
        r = sd_bus_message_close_container(m);
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

int append_domains(sd_bus_message* m, const std::vector<LinkDomain>& domains) {
    int r = sd_bus_message_open_container(m, 'a', "(sb)");
    for (const auto& [name, routing_only] : set_link_domains_args(domains))
        if (r >= 0) r = sd_bus_message_append(m, "(sb)", name.c_str(), static_cast<int>(routing_only));
    return r < 0 ? r : sd_bus_message_close_container(m);
}

}  // namespace

ResolvedDns::~ResolvedDns() {
    for (auto& c : calls_) sd_bus_slot_unref(c.slot);
}

void ResolvedDns::take_over() {
    for (auto& [link, record] : records_.read_all()) {
        if (!record) {
            log_.warning("systemd-resolved " + link_text(link) + ": " + record.error().message + ", removed");
            records_.remove(link);
        } else if (record->empty()) {
            records_.remove(link);
        } else {
            log_.info("systemd-resolved " + link_text(link) + ": a previous ipsecd added " + dns_text(*record));
            left_[link] = *record;
            read_before(link);
        }
    }
}

void ResolvedDns::update(const std::string& connection, const ike::engine::IkeSaStatus& sa, std::optional<int> link) {
    const ResolvedLinks::Owner owner{connection, sa.local_spi};
    const bool holds = sa.virtual_ips_received && sa.state != "closed" && link;
    auto changed = holds ? links_.hold(owner, *link, link_dns_of(sa.dns, sa.dns_domains)) : links_.release(owner);
    for (int l : changed) sync(l);
}

void ResolvedDns::stop() {
    for (int link : links_.links())
        if (links_.known(link)) restore(link);
}

void ResolvedDns::settle(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!calls_.empty()) {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            log_.warning("systemd-resolved: " + std::to_string(calls_.size()) + " calls unanswered at exit");
            return;
        }
        int r = sd_bus_process(bus_, nullptr);
        if (r == 0) r = sd_bus_wait(bus_, static_cast<std::uint64_t>(left.count()));
        if (r < 0) {
            log_.warning(std::string("systemd-resolved: waiting for its answers: ") + std::strerror(-r));
            return;
        }
    }
}

void ResolvedDns::sync(int link) {
    if (!links_.known(link)) {
        if (links_.held(link) && !reading_.contains(link)) read_before(link);
        return;
    }
    if (auto want = links_.wanted(link)) set(link, *want);
    else restore(link);
}

void ResolvedDns::read_before(int link) {
    const bool sent = request("org.freedesktop.DBus.Properties", "GetAll", link, on_before,
                              [](sd_bus_message* m) { return sd_bus_message_append(m, "s", kManager); });
    if (sent) reading_.insert(link);
}

void ResolvedDns::set(int link, const LinkDns& dns) {
    if (auto it = sent_.find(link); it != sent_.end() && it->second == dns) return;
    // Recorded before the calls: a crash after them leaves the record for the successor.
    if (const LinkDns added = added_to(links_.before(link), dns); !added.empty())
        if (auto st = records_.write(link, added); !st)
            log_.warning("systemd-resolved " + link_text(link) + ": " + st.error().message +
                         " (an ipsecd killed now would leave them)");
    log_.info("systemd-resolved " + link_text(link) + ": " + dns_text(dns));
    sent_[link] = dns;
    request(kManager, "SetLinkDNS", link, on_reply, [&](sd_bus_message* m) {
        int r = sd_bus_message_append(m, "i", link);
        return r < 0 ? r : append_servers(m, dns.servers);
    });
    request(kManager, "SetLinkDomains", link, on_reply, [&](sd_bus_message* m) {
        int r = sd_bus_message_append(m, "i", link);
        return r < 0 ? r : append_domains(m, dns.domains);
    });
}

// What the link had before the first IKE SA, unless nothing was ever set on it.
void ResolvedDns::restore(int link) {
    if (sent_.contains(link)) set(link, links_.before(link));
    sent_.erase(link);
    links_.forget(link);
    records_.remove(link);  // the calls that set the link back went out, or none was needed
}

LinkDns ResolvedDns::own_part(int link, const LinkDns& read) {
    auto it = left_.find(link);
    if (it == left_.end()) return read;
    LinkDns own = without(read, it->second);
    left_.erase(it);
    if (own == read) {
        log_.info("systemd-resolved " + link_text(link) + ": holds nothing a previous ipsecd added any more");
        return own;
    }
    log_.info("systemd-resolved " + link_text(link) + ": taking off " + dns_text(added_to(own, read)) +
              " a previous ipsecd left");
    sent_[link] = read;  // what resolved holds now: sync() sets the link's own part (with ours)
    return own;
}

bool ResolvedDns::request(const char* interface, const char* method, int link, sd_bus_message_handler_t on_done,
                          const std::function<int(sd_bus_message*)>& append) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &m, kService, kPath, interface, method);
    // Never start resolved for us: it is used when it runs.
    if (r >= 0) r = sd_bus_message_set_auto_start(m, 0);
    if (r >= 0) r = append(m);
    auto& c = calls_.emplace_back(Call{this, method, link, std::chrono::steady_clock::now(), nullptr});
    if (r >= 0) r = sd_bus_call_async(bus_, &c.slot, m, on_done, &c, 0);
    sd_bus_message_unref(m);
    if (r >= 0) return true;
    log_.warning("systemd-resolved " + c.method + "(" + link_text(link) + "): " + std::strerror(-r));
    calls_.pop_back();
    return false;
}

// An error reply: logged with the method (once only for resolved not running).
bool ResolvedDns::failed(Call& c, sd_bus_message* reply) {
    const sd_bus_error* e = sd_bus_message_get_error(reply);
    if (!e) {
        absent_logged_ = false;
        return false;
    }
    if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
        if (!absent_logged_)
            log_.info(std::string("systemd-resolved is not on the bus (") + kService +
                      "): the DNS servers and domains received are not given to it");
        absent_logged_ = true;
        return true;
    }
    log_.warning("systemd-resolved " + c.method + "(" + link_text(c.link) + ") failed: " + e->name + ": " +
                 (e->message ? e->message : ""));
    return true;
}

void ResolvedDns::log_done(const Call& c) const {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - c.sent);
    log_.debug("systemd-resolved " + c.method + "(" + link_text(c.link) + ") done in " + std::to_string(us.count()) + " us");
}

void ResolvedDns::done(Call& c) {
    sd_bus_slot_unref(c.slot);
    calls_.remove_if([&](const Call& x) { return &x == &c; });
}

int ResolvedDns::on_before(sd_bus_message* reply, void* userdata, sd_bus_error*) {
    auto& c = *static_cast<Call*>(userdata);
    auto& self = *c.self;
    const int link = c.link;
    self.reading_.erase(link);
    LinkDns before;
    if (!self.failed(c, reply)) {
        if (int r = read_link(reply, link, before); r < 0) {
            self.log_.warning("systemd-resolved GetAll(" + link_text(link) + "): unreadable reply: " + std::strerror(-r));
        } else {
            self.log_done(c);
            self.links_.remember(link, self.own_part(link, before));
            self.sync(link);
        }
    }
    self.done(c);
    return 0;
}

int ResolvedDns::on_reply(sd_bus_message* reply, void* userdata, sd_bus_error*) {
    auto& c = *static_cast<Call*>(userdata);
    if (!c.self->failed(c, reply)) c.self->log_done(c);
    c.self->done(c);
    return 0;
}

}  // namespace ipsecd
