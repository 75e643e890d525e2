// The SA payload as the codec carries it, converted to and from the wire-neutral picture
// the negotiation in ike/policy works on.
#pragma once

#include <vector>

#include "ike/policy/negotiation.hpp"
#include "ike/wire/message.hpp"

namespace ike::v2 {

std::vector<policy::OfferedProposal> to_offered(const wire::SecurityAssociation& sa);
wire::SecurityAssociation to_wire(const std::vector<policy::OfferedProposal>& proposals);

}  // namespace ike::v2
