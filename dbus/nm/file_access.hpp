// Files named in vpn.data (cert, key, ca) are read by ipsecd, as root. NetworkManager lets a
// local user create a connection restricted to themselves (connection.permissions); such a
// connection must not name a file that user could not read, or the user could make this host
// authenticate with its own private key (the class of strongSwan's CVE-2025-9615 in charon-nm).
// System-wide connections (no permissions; NM lets only administrators create those) are
// unrestricted.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "dbus/nm/vpn_data.hpp"

namespace nm {

// The user names of connection.permissions ("user:NAME:" entries, NM's format); other
// entries are not users and are ignored.
std::vector<std::string> permitted_users(const std::vector<std::string>& permissions);

// Fails, naming the file and the reason, unless `user` can open every one of `paths` for
// reading: checked by a child process running as that user with its groups, not as root.
base::Status check_readable_by(const std::string& user, const std::vector<std::string>& paths);

// The files of `vpn` (cert, key, ca) checked for every user of `permissions`; nothing to
// check for a system-wide connection.
base::Status check_vpn_files(const std::vector<std::string>& permissions, const VpnData& vpn);

}  // namespace nm
