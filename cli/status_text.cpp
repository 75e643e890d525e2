#include "cli/status_text.hpp"

#include <cstdio>

#include "cli/spi_text.hpp"

namespace ipsecd::cli {

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? "-" : out;
}

// "established 5m 12s ago, rekey in 3h 54m" from whatever of the two is known.
std::string times_text(std::uint64_t established, std::uint64_t rekey, std::uint64_t now) {
    std::string out;
    if (established)
        out += "established " + (established <= now ? duration_text(now - established) + " ago"
                                                    : std::string("just now"));
    if (rekey && rekey > now) out += (out.empty() ? "" : ", ") + ("rekey in " + duration_text(rekey - now));
    return out;
}

std::string traffic_text(std::uint64_t bytes, std::uint64_t packets) {
    return bytes_text(bytes) + " (" + std::to_string(packets) + (packets == 1 ? " packet)" : " packets)");
}

void write_child(std::string& out, const ChildView& c, std::uint64_t now) {
    out += "    " + c.name + ": " + c.mode + " " + c.protocol;
    if (auto times = times_text(c.established, c.rekey, now); !times.empty()) out += ", " + times;
    out += "\n      " + join(c.local_ts) + " === " + join(c.remote_ts) + "\n";
    out += "      in  " + traffic_text(c.bytes_in, c.packets_in) + ", SPI " +
           child_spi_text(c.spi_in) + "\n";
    out += "      out " + traffic_text(c.bytes_out, c.packets_out) + ", SPI " +
           child_spi_text(c.spi_out) + "\n";
    if (!c.proposal.empty()) out += "      " + c.proposal + "\n";
}

void write_ike_sa(std::string& out, const IkeSaView& sa, std::uint64_t now) {
    out += "  IKEv" + std::to_string(sa.version) + " SA " + sa.state;
    if (auto times = times_text(sa.established, sa.rekey, now); !times.empty()) out += ", " + times;
    out += "\n    " + sa.local + " <-> " + sa.remote + ", SPIs " + ike_spi_text(sa.local_spi) +
           " " + ike_spi_text(sa.remote_spi) + "\n";
    if (!sa.proposal.empty()) out += "    " + sa.proposal + "\n";
    if (!sa.virtual_ips.empty()) {
        out += "    virtual IP";
        for (const auto& ip : sa.virtual_ips) out += " " + ip;
        out += "\n";
    }
    if (!sa.dns.empty() || !sa.dns_domains.empty()) {
        out += "    DNS";
        for (const auto& a : sa.dns) out += " " + a;
        out += sa.dns.empty() ? " none, domains" : ", domains";
        for (const auto& d : sa.dns_domains) out += " " + d;
        out += sa.dns_domains.empty() ? " none\n" : "\n";
    }
    for (auto& child : sa.children) write_child(out, child, now);
}

}  // namespace

std::string duration_text(std::uint64_t seconds) {
    struct Unit {
        const char* name;
        std::uint64_t seconds;
    };
    static constexpr Unit units[] = {{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}};
    for (std::size_t i = 0; i + 1 < std::size(units); ++i) {
        if (seconds < units[i].seconds) continue;
        auto major = seconds / units[i].seconds;
        auto minor = seconds % units[i].seconds / units[i + 1].seconds;
        auto text = std::to_string(major) + units[i].name;
        return minor ? text + " " + std::to_string(minor) + units[i + 1].name : text;
    }
    return std::to_string(seconds) + "s";
}

std::string bytes_text(std::uint64_t bytes) {
    static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) return std::to_string(bytes) + " B";
    double value = static_cast<double>(bytes) / 1024;
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
    return buf;
}

std::string render_text(const std::vector<ConnectionView>& connections, std::uint64_t now) {
    if (connections.empty()) return "no connections\n";
    std::string out;
    for (auto& c : connections) {
        out += c.name + ": " + c.state + ", local " +
               (c.local_address.empty() ? "any" : c.local_address) + ", peer " +
               (c.remote_address.empty() ? "any" : c.remote_address) + "\n";
        for (auto& sa : c.ike_sas) write_ike_sa(out, sa, now);
        if (!c.children.empty()) out += "  manually keyed, no IKE SA\n";
        for (auto& child : c.children) write_child(out, child, now);
    }
    return out;
}

}  // namespace ipsecd::cli
