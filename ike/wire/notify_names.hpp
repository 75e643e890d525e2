// IKEv2 notify message types by their RFC 7296 3.10.1 (and IANA) names, for people.
#pragma once

#include <cstdint>
#include <string>

namespace ike::wire {

// "TS_UNACCEPTABLE"; "notify 12345" for a type without a name here.
std::string notify_name(std::uint16_t type);

}  // namespace ike::wire
