#include "daemon/config/pool_reader.hpp"

#include "daemon/config/values.hpp"

namespace ipsecd::config {
namespace {

// A prefix hands out its addresses but the network address and, for IPv4, the broadcast
// address (which hosts cannot use); a /31, /32, /127, /128 all of them.
bool read_prefix(const net::Prefix& p, ike::policy::Pool& pool) {
    pool.first = p.first();
    pool.last = p.last();
    const unsigned hosts_bits = p.address.max_prefix() - p.length;
    if (hosts_bits >= 2) {
        pool.first = net::advance(pool.first, 1);
        if (p.address.family == net::Family::v4) pool.last = net::previous(pool.last);
    }
    return true;
}

// "10.3.0.0/24" or "10.3.0.10-10.3.0.200".
bool read_addresses(Reader& r, const Field& f, ike::policy::Pool& pool) {
    auto t = r.text(f);
    if (!t) return false;
    if (auto p = net::Prefix::parse(*t)) return read_prefix(*p, pool);
    const auto dash = t->find('-');
    if (dash != std::string::npos) {
        auto first = net::Address::parse(std::string_view(*t).substr(0, dash));
        auto last = net::Address::parse(std::string_view(*t).substr(dash + 1));
        if (first && last && first->family == last->family && *first <= *last) {
            pool.first = *first;
            pool.last = *last;
            return true;
        }
    }
    r.error(f.value, "addresses: '" + *t +
                         "' is neither a subnet (10.3.0.0/24, host bits zero) nor a range of one family "
                         "(10.3.0.10-10.3.0.200, first <= last)");
    return false;
}

}  // namespace

std::optional<ike::policy::Pool> read_pool(Reader& r, const Field& entry) {
    const std::size_t errors_before = r.error_count();
    ike::policy::Pool pool;
    pool.name = entry.key;
    if (!valid_name(pool.name)) r.error(entry.key_node, "pool name '" + pool.name + "' must match [A-Za-z0-9_.-]+");
    auto fs = r.fields(entry.value, "pool '" + pool.name + "'", {"addresses", "dns", "domains"});
    if (!fs) return std::nullopt;
    if (const Field* a = fs->get("addresses")) read_addresses(r, *a, pool);
    else r.error(entry.key_node, "pool '" + pool.name + "': 'addresses' is missing (a subnet or a range)");
    if (const Field* d = fs->get("dns"))
        for (const auto& item : r.texts(*d).value_or(std::vector<Item>{})) {
            if (auto a = net::Address::parse(item.text)) pool.dns.push_back(*a);
            else r.error(item.node, "dns: '" + item.text + "' is not an IP address");
        }
    if (const Field* d = fs->get("domains"))
        for (const auto& item : r.texts(*d).value_or(std::vector<Item>{})) {
            if (valid_hostname(item.text)) pool.domains.push_back(item.text);
            else r.error(item.node, "domains: '" + item.text + "' is not a DNS domain name");
        }
    if (r.error_count() != errors_before) return std::nullopt;
    return pool;
}

}  // namespace ipsecd::config
