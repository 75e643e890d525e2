#include "xfrm/netlink_routing.hpp"

#include <linux/rtnetlink.h>

#include "xfrm/route_message.hpp"

namespace xfrm {

base::Result<std::unique_ptr<NetlinkRouting>> NetlinkRouting::open() {
    auto s = NetlinkSocket::open({}, NETLINK_ROUTE);
    if (!s) return base::Unexpected{s.error()};
    return std::unique_ptr<NetlinkRouting>(new NetlinkRouting(std::move(*s)));
}

base::Status NetlinkRouting::request(const std::string& context, Message msg, const NetlinkSocket::ReplyFn& on_reply) {
    auto st = socket_.transact(msg, on_reply);
    if (!st) return base::fail(context + ": " + st.error().message, st.error().code);
    return {};
}

base::Result<Path> NetlinkRouting::path_to(const net::Address& destination) {
    base::Result<Path> path = base::fail("no route");
    auto st = request("looking up the route to " + destination.str(), encode_path_request(destination),
                      [&](const nlmsghdr& nlh) -> base::Status {
                          path = decode_path(nlh);
                          if (!path) return base::Unexpected{path.error()};
                          return {};
                      });
    if (!st) return base::Unexpected{st.error()};
    return path;
}

base::Result<std::vector<net::Address>> NetlinkRouting::local_addresses() {
    std::vector<net::Address> out;
    auto st = request("listing the host's addresses", encode_addresses_request(), [&](const nlmsghdr& nlh) -> base::Status {
        auto a = decode_address(nlh);
        if (!a) return base::Unexpected{a.error()};
        out.push_back(*a);
        return {};
    });
    if (!st) return base::Unexpected{st.error()};
    return out;
}

base::Result<std::vector<InterfaceAddress>> NetlinkRouting::marked_addresses() {
    std::vector<InterfaceAddress> out;
    auto st = request("listing the host's addresses", encode_addresses_request(), [&](const nlmsghdr& nlh) -> base::Status {
        auto a = decode_marked_address(nlh);
        if (!a) return base::Unexpected{a.error()};
        if (*a) out.push_back(**a);
        return {};
    });
    if (!st) return base::Unexpected{st.error()};
    return out;
}

base::Result<std::vector<Route>> NetlinkRouting::routes_in(std::uint32_t table) {
    std::vector<Route> out;
    auto st = request("listing the routes in table " + std::to_string(table), encode_routes_request(),
                      [&](const nlmsghdr& nlh) -> base::Status {
                          auto r = decode_route(nlh, table);
                          if (!r) return base::Unexpected{r.error()};
                          if (*r) out.push_back(**r);
                          return {};
                      });
    if (!st) return base::Unexpected{st.error()};
    return out;
}

base::Status NetlinkRouting::add_route(const Route& r) {
    auto m = encode_route(r, true);
    if (!m) return base::Unexpected{m.error()};
    return request("adding route " + describe(r), *m);
}

base::Status NetlinkRouting::delete_route(const Route& r) {
    auto m = encode_route(r, false);
    if (!m) return base::Unexpected{m.error()};
    return request("deleting route " + describe(r), *m);
}

base::Status NetlinkRouting::add_rule(const Rule& r) { return request("adding " + describe(r), encode_rule(r, true)); }

base::Status NetlinkRouting::delete_rule(const Rule& r) {
    return request("deleting " + describe(r), encode_rule(r, false));
}

base::Status NetlinkRouting::add_address(const InterfaceAddress& a) {
    return request("adding address " + describe(a), encode_interface_address(a, true));
}

base::Status NetlinkRouting::delete_address(const InterfaceAddress& a) {
    return request("deleting address " + describe(a), encode_interface_address(a, false));
}

}  // namespace xfrm
