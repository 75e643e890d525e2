// Remote access over the Configuration payload (RFC 7296 2.19, 3.15): the gateway leases
// virtual IPs from its connection's pools and hands out DNS servers and domains (RFC 8598);
// the road warrior asks for them. The CHILD SAs' selectors follow (allowed_selectors).
#pragma once

#include <optional>

#include "ike/v2/core.hpp"
#include "ike/v2/payloads.hpp"

namespace ike::v2 {

// Road warrior: the CFG_REQUEST for the connection's `vips`; nullopt without any.
std::optional<wire::Configuration> config_request(const IkeSa& sa);

// Road warrior: records the CFG_REPLY's addresses, DNS servers and domains in `sa`. False
// (logged) when the connection asked for addresses and none came.
bool take_config_reply(Core& core, IkeSa& sa, const Payloads& response);

// Gateway: what answers the peer's IKE_AUTH request on a connection with pools: a CFG_REPLY
// (leases recorded in `sa`), or the error notify refusing it (INTERNAL_ADDRESS_FAILURE when no
// address is left, FAILED_CP_REQUIRED when the peer asked for none), logged. Neither for a
// connection without pools.
struct ConfigAnswer {
    std::optional<wire::Configuration> reply;
    std::optional<wire::Notify> refusal;
};
ConfigAnswer answer_config_request(Core& core, IkeSa& sa, const Payloads& request);

// The selectors a CHILD SA of `child` on `sa` may have, from our point of view: the leased
// virtual IPs as the remote side on a gateway, the received ones as the local side on a road
// warrior (any address of the asked families until they are known, RFC 7296 2.9), else the
// configured subnets or dynamic (or_dynamic).
Selectors allowed_selectors(const IkeSa& sa, const policy::Child& child);

// A live IKE SA taking over `sa`'s leases (a rekey's successor): one more holder each.
void hold_leases(Core& core, const IkeSa& sa);
// `sa` is gone: its leases are released (kept for its identity, see AddressPool).
void release_leases(Core& core, const IkeSa& sa);

}  // namespace ike::v2
