#include "ike/v2/traffic_selectors.hpp"

#include <algorithm>
#include <bit>

namespace ike::v2 {

namespace {

wire::TrafficSelector to_selector(const net::Prefix& p) {
    const net::Address last = p.last();
    wire::TrafficSelector ts;
    ts.type = p.address.family == net::Family::v4 ? wire::TsType::ipv4_addr_range
                                                  : wire::TsType::ipv6_addr_range;
    ts.start_address.assign(p.address.bytes.begin(), p.address.bytes.begin() + p.address.size());
    ts.end_address.assign(last.bytes.begin(), last.bytes.begin() + last.size());
    return ts;
}

std::optional<net::Address> address_of(const base::Bytes& b) {
    net::Address a;
    if (b.size() == 4)
        a.family = net::Family::v4;
    else if (b.size() == 16)
        a.family = net::Family::v6;
    else
        return std::nullopt;
    std::copy(b.begin(), b.end(), a.bytes.begin());
    return a;
}

// The number of leading bits two addresses of one family share.
unsigned common_bits(const net::Address& a, const net::Address& b) {
    unsigned n = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (const auto diff = static_cast<std::uint8_t>(a.bytes[i] ^ b.bytes[i])) return n + std::countl_zero(diff);
        n += 8;
    }
    return n;
}

// The prefix that is exactly [start, end], if there is one.
std::optional<net::Prefix> exact_prefix(const wire::TrafficSelector& ts) {
    if (ts.ip_protocol != 0 || ts.start_port != 0 || ts.end_port != 65535) return std::nullopt;
    auto start = address_of(ts.start_address), end = address_of(ts.end_address);
    if (!start || !end || start->family != end->family) return std::nullopt;
    // The only candidate is as long as the bits start and end share: start must have no
    // host bits set and end all of them.
    auto p = net::Prefix::of(*start, common_bits(*start, *end));
    if (p && p->last() == *end) return p;
    return std::nullopt;
}

bool within(const wire::TrafficSelector& ts, const net::Prefix& p) {
    auto start = address_of(ts.start_address), end = address_of(ts.end_address);
    return start && end && start->family == p.address.family && *start <= p.first() &&
           p.last() <= *end;
}

bool inside(const net::Prefix& inner, const net::Prefix& outer) {
    return inner.length >= outer.length && outer.contains(inner.address);
}

}  // namespace

std::vector<wire::TrafficSelector> to_selectors(const std::vector<net::Prefix>& subnets) {
    std::vector<wire::TrafficSelector> out;
    out.reserve(subnets.size());
    for (const auto& p : subnets) out.push_back(to_selector(p));
    return out;
}

std::vector<net::Prefix> or_dynamic(const std::vector<net::Prefix>& subnets, const net::Address& ike_address) {
    if (!subnets.empty()) return subnets;
    return {net::Prefix::host(ike_address)};
}

Selectors proposed_selectors(const policy::Child& child, const net::Address& local, const net::Address& remote) {
    return {or_dynamic(child.local_subnets, local), or_dynamic(child.remote_subnets, remote)};
}

bool narrows(const std::vector<net::Prefix>& answer, const std::vector<net::Prefix>& proposed) {
    return std::all_of(answer.begin(), answer.end(), [&](const net::Prefix& a) {
        return std::any_of(proposed.begin(), proposed.end(), [&](const net::Prefix& p) { return inside(a, p); });
    });
}

std::string describe(const std::vector<net::Prefix>& prefixes) {
    std::string out;
    for (const auto& p : prefixes) out += (out.empty() ? "" : " ") + p.str();
    return out.empty() ? "(none)" : out;
}

std::string describe(const std::vector<wire::TrafficSelector>& selectors) {
    std::string out;
    for (const auto& ts : selectors) {
        if (!out.empty()) out += ' ';
        if (auto p = exact_prefix(ts)) {
            out += p->str();
            continue;
        }
        auto start = address_of(ts.start_address), end = address_of(ts.end_address);
        out += start && end ? start->str() + "-" + end->str() : "(malformed)";
        if (ts.ip_protocol != 0) out += " proto " + std::to_string(ts.ip_protocol);
        if (ts.start_port != 0 || ts.end_port != 65535)
            out += " port " + std::to_string(ts.start_port) + "-" + std::to_string(ts.end_port);
    }
    return out.empty() ? "(none)" : out;
}

std::vector<net::Prefix> narrow(const std::vector<wire::TrafficSelector>& proposed,
                                const std::vector<net::Prefix>& ours) {
    std::vector<net::Prefix> out;
    auto add = [&](const net::Prefix& p) {
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    };
    for (const auto& ts : proposed) {
        // Protocol and port narrowing is not supported: only whole-address selectors match.
        if (ts.ip_protocol != 0 || ts.start_port != 0 || ts.end_port != 65535) continue;
        const auto exact = exact_prefix(ts);
        for (const auto& mine : ours) {
            if (within(ts, mine))
                add(mine);
            else if (exact && inside(*exact, mine))
                add(*exact);
        }
    }
    return out;
}

std::optional<std::vector<net::Prefix>> to_prefixes(const std::vector<wire::TrafficSelector>& ts) {
    std::vector<net::Prefix> out;
    for (const auto& t : ts) {
        auto p = exact_prefix(t);
        if (!p) return std::nullopt;
        out.push_back(*p);
    }
    return out;
}

}  // namespace ike::v2
