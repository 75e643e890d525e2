#include "xfrm/routing.hpp"

namespace xfrm {

std::string describe(const Route& r) {
    std::string s = r.destination.str() + " table " + std::to_string(r.table) + " dev #" + std::to_string(r.interface);
    if (r.gateway) s += " via " + r.gateway->str();
    if (r.source) s += " src " + r.source->str();
    return s;
}

std::string describe(const InterfaceAddress& a) {
    return a.address.str() + "/" + std::to_string(a.address.max_prefix()) + " dev #" + std::to_string(a.interface);
}

std::string describe(const Rule& r) {
    return std::string(r.family == net::Family::v4 ? "IPv4" : "IPv6") + " rule priority " +
           std::to_string(r.priority) + " table " + std::to_string(r.table);
}

}  // namespace xfrm
