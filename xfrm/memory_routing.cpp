#include "xfrm/memory_routing.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace xfrm {

namespace {

template <class T>
base::Status add(std::vector<T>& held, const T& item, const std::string& what) {
    if (std::find(held.begin(), held.end(), item) != held.end()) return base::fail("adding " + what + ": File exists", EEXIST);
    held.push_back(item);
    return {};
}

template <class T>
base::Status remove(std::vector<T>& held, const T& item, const std::string& what, int missing = ESRCH) {
    auto it = std::find(held.begin(), held.end(), item);
    if (it == held.end()) return base::fail("deleting " + what + ": " + std::strerror(missing), missing);
    held.erase(it);
    return {};
}

}  // namespace

base::Result<std::vector<net::Address>> MemoryRouting::local_addresses() {
    auto out = lookups_.local_addresses();
    if (out)
        for (const auto& a : addresses_) out->push_back(a.address);
    return out;
}

base::Result<std::vector<InterfaceAddress>> MemoryRouting::marked_addresses() { return addresses_; }

base::Result<std::vector<Route>> MemoryRouting::routes_in(std::uint32_t table) {
    std::vector<Route> out;
    std::copy_if(routes_.begin(), routes_.end(), std::back_inserter(out), [&](const Route& r) { return r.table == table; });
    return out;
}

base::Status MemoryRouting::add_route(const Route& r) { return add(routes_, r, "route " + describe(r)); }
base::Status MemoryRouting::delete_route(const Route& r) { return remove(routes_, r, "route " + describe(r)); }
base::Status MemoryRouting::add_rule(const Rule& r) { return add(rules_, r, describe(r)); }
base::Status MemoryRouting::delete_rule(const Rule& r) { return remove(rules_, r, describe(r)); }

base::Status MemoryRouting::add_address(const InterfaceAddress& a) {
    return add(addresses_, a, "address " + describe(a));
}
base::Status MemoryRouting::delete_address(const InterfaceAddress& a) {
    return remove(addresses_, a, "address " + describe(a), EADDRNOTAVAIL);
}

}  // namespace xfrm
