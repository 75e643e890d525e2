// The whole configuration (all files, or one AddConnection text) and what a reload changes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ike/policy/connection.hpp"

namespace ike::policy {

struct Config {
    std::vector<Connection> connections;  // names unique
    std::vector<Secret> secrets;
    std::vector<EapSecret> eap_secrets;
    std::vector<KeyPassword> key_passwords;  // read by the daemon only (it loads the keys)
    std::vector<Pool> pools;                 // names unique, ranges disjoint

    const Connection* find(const std::string& name) const;
    const Pool* find_pool(const std::string& name) const;
    bool operator==(const Config&) const = default;
};

// Connection names by what a reload does with them (each list in the order of its config).
struct Diff {
    std::vector<std::string> added;
    std::vector<std::string> removed;
    std::vector<std::string> changed;
    std::vector<std::string> unchanged;
    bool secrets_changed = false;
};
Diff diff(const Config& before, const Config& after);

// The password of an EAP identity (compared exactly); nullptr if none.
const base::SecretBytes* find_eap_password(const std::vector<EapSecret>& secrets, std::string_view id);

// The PSK for an IKE SA between two identities: the secret listing both wins, then one
// listing the remote identity, then one listing the local one, then one listing "%any"
// (which matches any identity; among equals, with it beats without); nullptr if none.
const Secret* find_psk(const std::vector<Secret>& secrets, const Identity& local,
                       const Identity& remote);

}  // namespace ike::policy
