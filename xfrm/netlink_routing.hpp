// xfrm::Routing over rtnetlink (libmnl), one NETLINK_ROUTE request socket.
#pragma once

#include <memory>

#include "xfrm/netlink_socket.hpp"
#include "xfrm/routing.hpp"

namespace xfrm {

class NetlinkRouting final : public Routing {
public:
    static base::Result<std::unique_ptr<NetlinkRouting>> open();

    base::Result<Path> path_to(const net::Address& destination) override;
    base::Result<std::vector<net::Address>> local_addresses() override;
    base::Status add_route(const Route& r) override;
    base::Status delete_route(const Route& r) override;
    base::Status add_rule(const Rule& r) override;
    base::Status delete_rule(const Rule& r) override;
    base::Status add_address(const InterfaceAddress& a) override;
    base::Status delete_address(const InterfaceAddress& a) override;
    base::Result<std::vector<InterfaceAddress>> marked_addresses() override;
    base::Result<std::vector<Route>> routes_in(std::uint32_t table) override;

private:
    explicit NetlinkRouting(NetlinkSocket socket) : socket_(std::move(socket)) {}
    base::Status request(const std::string& context, Message msg, const NetlinkSocket::ReplyFn& on_reply = {});

    NetlinkSocket socket_;
};

}  // namespace xfrm
