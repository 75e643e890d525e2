// Phase-1 identities in ID payloads (RFC 2407 4.6.2): protocol and port 0, the ID types
// shared with IKEv2's numbering (IPV4_ADDR 1, FQDN 2, USER_FQDN 3, IPV6_ADDR 5, DER_ASN1_DN 9).
#pragma once

#include "base/result.hpp"
#include "ike/policy/identity.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::v1 {

// A DN travels as DER and reads back as readable text.
base::Result<wire::v1::Identification> id_payload(const policy::Identity& id);
base::Result<policy::Identity> identity_of(const wire::v1::Identification& id);
// Whether the presented ID (`parsed` = identity_of(presented)) satisfies the configured one;
// DNs compare as X.509 names.
bool id_matches(const policy::Identity& expected, const wire::v1::Identification& presented,
                const policy::Identity& parsed);

// Quick Mode's client IDs (RFC 2409 5.5, RFC 2407 4.6.2): a host prefix as ID_IPV4_ADDR or
// ID_IPV6_ADDR, a subnet as ID_IPV4_ADDR_SUBNET or ID_IPV6_ADDR_SUBNET; protocol and port 0.
wire::v1::Identification ts_payload(const net::Prefix& prefix);
// A received client ID as a prefix: addresses, subnets with a contiguous mask; any
// protocol or port restriction, and ranges, are refused.
base::Result<net::Prefix> prefix_of(const wire::v1::Identification& id);

// The ID payload body as HASH_I/HASH_R cover it: type | protocol | port | data.
base::Bytes id_body(const wire::v1::Identification& id);

}  // namespace ike::v1
