// Configuration values with their own syntax: names, identities, prefixes, proposals, file
// paths and secrets. Each reports its problem at the value's position and returns nullopt.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/secret.hpp"
#include "daemon/config/reader.hpp"
#include "ike/iana.hpp"
#include "ike/policy/connection.hpp"
#include "ike/policy/identity.hpp"
#include "ike/policy/proposal.hpp"
#include "net/address.hpp"

namespace ipsecd::config {

// Connection and CHILD SA names: [A-Za-z0-9_.-]+ (they end up in D-Bus object paths).
bool valid_name(std::string_view name);
// A DNS host name (RFC 1123 2.1), not a mistyped address.
bool valid_hostname(std::string_view h);

// tunnel | transport
std::optional<ike::policy::Mode> read_mode(Reader& r, const Field& f);
// esp | ah
std::optional<ike::ProtocolId> read_protocol(Reader& r, const Field& f);
std::optional<ike::policy::Identity> read_identity(Reader& r, const Field& f);
std::optional<std::vector<net::Prefix>> read_prefixes(Reader& r, const Field& f);
std::optional<std::vector<ike::policy::Proposal>> read_proposals(Reader& r, const Field& f,
                                                                 ike::ProtocolId protocol);
// A file path, made absolute against base_dir, that must exist; is_private adds the
// permission check for files holding secrets.
std::optional<std::string> checked_path(Reader& r, const Item& item, const std::string& key,
                                        const std::filesystem::path& base_dir, bool is_private);
// checked_path, for a file the configuration loads (Reader::named_file records where).
std::optional<std::string> read_path(Reader& r, const Item& item, const std::string& key,
                                     const std::filesystem::path& base_dir, bool is_private);
// "0x…" is hex; anything else is the text's bytes unless hex_only.
std::optional<base::SecretBytes> read_secret(Reader& r, const Field& f, bool hex_only);

}  // namespace ipsecd::config
