// The host as the daemon's routing tests see it: a gateway 192.0.2.254 on interface 2
// towards every peer, addresses 192.0.2.1 and 10.1.0.1, and the kernel's errnos.
#pragma once

#include <algorithm>
#include <cerrno>
#include <vector>

#include "xfrm/routing.hpp"

namespace ipsecd::test {

inline net::Address ip(const char* t) { return *net::Address::parse(t); }
inline net::Prefix prefix(const char* t) { return *net::Prefix::parse(t); }

class FakeRouting final : public xfrm::Routing {
public:
    base::Result<xfrm::Path> path_to(const net::Address&) override { return path; }
    base::Result<std::vector<net::Address>> local_addresses() override { return addresses; }
    base::Status add_route(const xfrm::Route& r) override { return add(routes, r); }
    base::Status delete_route(const xfrm::Route& r) override {
        if (!std::erase(routes, r)) return base::fail("no such route", ESRCH);
        return {};
    }
    base::Status add_rule(const xfrm::Rule& r) override { return add(rules, r); }
    base::Status delete_rule(const xfrm::Rule& r) override {
        std::erase(rules, r);
        return {};
    }
    // The host's addresses include those added.
    base::Status add_address(const xfrm::InterfaceAddress& a) override {
        auto st = add(interface_addresses, a);
        if (st) addresses.push_back(a.address);
        return st;
    }
    base::Status delete_address(const xfrm::InterfaceAddress& a) override {
        if (!std::erase(interface_addresses, a)) return base::fail("no such address", EADDRNOTAVAIL);
        std::erase(addresses, a.address);
        return {};
    }
    // Every address added carries the mark (this process's and an earlier one's).
    base::Result<std::vector<xfrm::InterfaceAddress>> marked_addresses() override { return interface_addresses; }
    base::Result<std::vector<xfrm::Route>> routes_in(std::uint32_t table) override {
        std::vector<xfrm::Route> out;
        std::copy_if(routes.begin(), routes.end(), std::back_inserter(out), [&](const xfrm::Route& r) { return r.table == table; });
        return out;
    }

    base::Result<xfrm::Path> path = xfrm::Path{2, ip("192.0.2.254"), ip("192.0.2.1")};
    std::vector<net::Address> addresses{ip("192.0.2.1"), ip("10.1.0.1")};
    std::vector<xfrm::Route> routes;
    std::vector<xfrm::Rule> rules;
    std::vector<xfrm::InterfaceAddress> interface_addresses;

private:
    template <class T>
    static base::Status add(std::vector<T>& held, const T& item) {
        if (std::find(held.begin(), held.end(), item) != held.end()) return base::fail("exists", EEXIST);
        held.push_back(item);
        return {};
    }
};

}  // namespace ipsecd::test
