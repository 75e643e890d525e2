// rtnetlink requests and replies for xfrm::Routing (routing.hpp): routes, rules, addresses,
// the route lookup and the address dump. Pure, like the XFRM messages: testable byte for byte.
#pragma once

#include <linux/netlink.h>

#include <optional>

#include "base/result.hpp"
#include "xfrm/netlink_message.hpp"
#include "xfrm/routing.hpp"

namespace xfrm {

// RTM_NEWROUTE (create, or replace the route to the same destination in the table) or
// RTM_DELROUTE, acknowledged.
base::Result<Message> encode_route(const Route& r, bool add);
// RTM_NEWRULE (refused with EEXIST when identical) or RTM_DELRULE, acknowledged.
Message encode_rule(const Rule& r, bool add);
// RTM_GETROUTE for one destination; the kernel answers with one RTM_NEWROUTE.
Message encode_path_request(const net::Address& destination);
base::Result<Path> decode_path(const nlmsghdr& nlh);
// RTM_NEWADDR (refused with EEXIST when the interface has it) or RTM_DELADDR, acknowledged.
Message encode_interface_address(const InterfaceAddress& a, bool add);
// RTM_GETADDR dump of both families.
Message encode_addresses_request();
// The address of one RTM_NEWADDR message.
base::Result<net::Address> decode_address(const nlmsghdr& nlh);
// The interface address of one RTM_NEWADDR message if it carries kAddressProto.
base::Result<std::optional<InterfaceAddress>> decode_marked_address(const nlmsghdr& nlh);
// RTM_GETROUTE dump of both families, every table.
Message encode_routes_request();
// One RTM_NEWROUTE of the dump: nullopt unless a unicast route in `table`.
base::Result<std::optional<Route>> decode_route(const nlmsghdr& nlh, std::uint32_t table);

}  // namespace xfrm
