// Phase-1 identities in ID payloads (RFC 2407 4.6.2): protocol and port 0, the ID types
// shared with IKEv2's numbering (IPV4_ADDR 1, FQDN 2, USER_FQDN 3, IPV6_ADDR 5).
#pragma once

#include "base/result.hpp"
#include "ike/policy/identity.hpp"
#include "ike/wire/v1/message.hpp"

namespace ike::v1 {

// DER distinguished names are not supported yet (they come with certificates).
base::Result<wire::v1::Identification> id_payload(const policy::Identity& id);
base::Result<policy::Identity> identity_of(const wire::v1::Identification& id);

// The ID payload body as HASH_I/HASH_R cover it: type | protocol | port | data.
base::Bytes id_body(const wire::v1::Identification& id);

}  // namespace ike::v1
