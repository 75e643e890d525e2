// Host names in remote.address. The engine does no I/O: it asks for a name with ResolveHost
// and the daemon answers, without blocking its loop, with HostResolved. A name is resolved
// when its connection is loaded (start and every reload: a responder then admits peers at the
// resolved addresses), and again at each initiation and re-initiation, which waits for the
// answer in IkeState::resolving. The last addresses that resolved are kept across a failed
// resolution; while none are known, the name is asked for again with back-off.
#include <algorithm>

#include "ike/v2/exchanges.hpp"

namespace ike::v2 {

namespace {

constexpr Duration kFirstRetry = std::chrono::seconds(1);
constexpr Duration kMaxRetry = std::chrono::seconds(60);

std::string listed(const std::vector<net::Address>& addresses) {
    std::string out;
    for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a.str();
    return out;
}

bool named(const policy::Connection& conn, const std::string& name) { return by_name(conn) && conn.remote.host == name; }

// The peer of `conn` moved (its name no longer resolves to the address of an IKE SA): those
// IKE SAs are closed; their children's close_action brings them up again at the new address
// (the trap policies already send there).
void leave_old_address(Core& core, const policy::Connection& conn, const std::vector<net::Address>& addresses) {
    for (IkeSa* sa : core.sas_of(conn)) {  // only its own: an answer costs nothing per SA of the others
        if (sa->state == IkeState::closed || sa->state == IkeState::resolving ||
            std::find(addresses.begin(), addresses.end(), sa->remote.address) != addresses.end())
            continue;
        core.log(LogLevel::info, sa, conn.remote.host + " no longer resolves to " + sa->remote.address.str() +
                                         ": closing the IKE SA");
        take_down(core, *sa);
    }
}

// One initiation that waited for `answer.name` goes on to IKE_SA_INIT or fails (a failed
// attempt for the restart back-off).
void finish_initiation(Core& core, IkeSa& sa, const HostResolved& answer) {
    if (sa.state != IkeState::resolving) return;
    if (const auto remote = peer_address(core, *sa.conn); remote && answer.error.empty()) {
        initiate_to(core, sa, *remote);
        return;
    }
    if (answer.error.empty())
        core.log(LogLevel::error, &sa, "cannot initiate: " + answer.name + " has no address of the family of local.address");
    sa.failure = {FailureKind::unresolved};
    enter_state(core, sa, IkeState::closed);
}

// The initiations that waited for `name`: only the IKE SAs of the connections that name it
// (retired ones too: a reload may have replaced them while they waited), not every SA.
void finish_initiations(Core& core, const HostResolved& answer) {
    auto finish = [&](const policy::Connection& c) {
        if (named(c, answer.name))
            for (IkeSa* sa : core.sas_of(c)) finish_initiation(core, *sa, answer);
    };
    for (const auto& c : core.config.connections) finish(c);
    for (const auto& c : core.retired) finish(c);
}

}  // namespace

bool by_name(const policy::Connection& conn) { return !conn.remote.address && !conn.remote.is_any(); }

void resolve(Core& core, const policy::Connection& conn) {
    if (!by_name(conn)) return;
    Resolution& r = core.resolutions[conn.remote.host];
    if (r.asked) return;
    r.asked = true;
    r.retry_at = Time::max();
    std::optional<net::Family> family;
    if (conn.local.address) family = conn.local.address->family;
    core.emit(ResolveHost{conn.remote.host, family});
}

std::optional<net::Address> peer_address(const Core& core, const policy::Connection& conn) {
    if (conn.remote.address) return conn.remote.address;
    const auto it = core.resolutions.find(conn.remote.host);
    if (!by_name(conn) || it == core.resolutions.end()) return std::nullopt;
    const auto& all = it->second.addresses;
    // The address in use while the name still resolves to it: a name with several addresses
    // (in an order that may change) does not move the tunnel at each resolution.
    if (const auto used = trapped_peer(core, conn); used && std::find(all.begin(), all.end(), *used) != all.end())
        return used;
    for (const auto& a : all)
        if (!conn.local.address || a.family == conn.local.address->family) return a;
    return std::nullopt;
}

bool admits(const Core& core, const policy::Connection& conn, const net::Address& address) {
    if (conn.remote.is_any()) return true;
    if (conn.remote.address) return *conn.remote.address == address;
    const auto it = core.resolutions.find(conn.remote.host);
    return it != core.resolutions.end() &&
           std::find(it->second.addresses.begin(), it->second.addresses.end(), address) != it->second.addresses.end();
}

void on_host_resolved(Core& core, const HostResolved& answer) {
    const auto it = core.resolutions.find(answer.name);
    if (it == core.resolutions.end() || !it->second.asked) return;  // not asked for (any more)
    Resolution& r = it->second;
    r.asked = false;
    const auto is_named = [&](const policy::Connection& c) { return named(c, answer.name); };
    if (!answer.error.empty() || answer.addresses.empty()) {
        const std::string why = answer.error.empty() ? "no address" : answer.error;
        for (const auto& c : core.config.connections)
            if (is_named(c)) core.log(LogLevel::warning, c.name, "resolving " + answer.name + ": " + why);
        // Without any address, nothing traps or admits the peer yet: ask again.
        if (r.addresses.empty()) {
            r.delay = std::clamp(r.delay * 2, kFirstRetry, kMaxRetry);
            r.retry_at = core.now + r.delay;
        }
        finish_initiations(core, {answer.name, {}, why});
        return;
    }
    const bool changed = r.addresses != answer.addresses;
    r.addresses = answer.addresses;
    r.delay = {};
    r.retry_at = Time::max();
    for (const auto& c : core.config.connections)
        if (is_named(c)) {
            core.log(LogLevel::info, c.name, "resolving " + answer.name + ": " + listed(answer.addresses));
            if (!changed) continue;
            refresh_traps(core, c);
            leave_old_address(core, c, answer.addresses);
        }
    finish_initiations(core, answer);
}

void run_resolutions(Core& core) {
    for (auto& [name, r] : core.resolutions) {
        if (r.asked || core.now < r.retry_at) continue;
        const auto conn = std::find_if(core.config.connections.begin(), core.config.connections.end(),
                                       [&name = name](const policy::Connection& c) { return named(c, name); });
        if (conn == core.config.connections.end()) {
            r.retry_at = Time::max();  // no connection names it any more
            continue;
        }
        resolve(core, *conn);
    }
}

std::optional<Time> next_resolution(const Core& core) {
    std::optional<Time> next;
    for (const auto& [name, r] : core.resolutions)
        if (!r.asked && r.retry_at != Time::max() && (!next || r.retry_at < *next)) next = r.retry_at;
    return next;
}

}  // namespace ike::v2
