// vpn.data + vpn.secrets -> the YAML text Manager.AddConnection takes (the file schema of
// docs/DESIGN.md Part 2, plus `transient_owner: true` so ipsecd drops the connection if this
// plugin dies). Pure and unit-tested: every value is a double-quoted, escaped YAML scalar,
// so a hostile vpn.data value stays one string and cannot add keys.
#pragma once

#include <string>
#include <string_view>

#include "dbus/nm/vpn_data.hpp"

namespace nm {

// `text` as a double-quoted YAML scalar (YAML 1.2 section 5.7 escapes for '"', '\\' and every
// control character; other bytes, UTF-8 included, pass through).
std::string yaml_quote(std::string_view text);

// A valid ipsecd connection name ([A-Za-z0-9_.-]+) for an NM connection: "nm-" + its UUID,
// any other character replaced by '_'.
std::string connection_name(std::string_view nm_uuid);

// The AddConnection document for one connection named `name` with one CHILD SA "nm"; a
// key-password (auth pubkey) becomes a `secrets:` {key, password} entry for vpn.data's key.
std::string connection_yaml(const VpnData& vpn, std::string_view name, const StringMap& secrets);

}  // namespace nm
