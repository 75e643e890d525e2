// How an ipsecd D-Bus error (org.ipsecd1.Error.<Reason>) maps to NM's failure reason. Pure.
#pragma once

#include <string_view>

#include "dbus/nm/nm_protocol.hpp"

namespace nm {

// login-failed for authentication errors (a reason starting with "Auth", e.g.
// org.ipsecd1.Error.AuthenticationFailed), connect-failed for everything else, including
// errors that are not ipsecd's (the bus's ServiceUnknown, NoReply, ...).
Failure failure_for_ipsecd_error(std::string_view error_name);

}  // namespace nm
