// Which vpn.secrets an ipsecd connection needs, and who must supply them, after NM's
// `<name>-flags` convention in vpn.data (NMSettingSecretFlags: 0 = NM stores it,
// 1 = agent-owned, 2 = not saved (ask every time), 4 = not required). Pure.
#pragma once

#include <string>
#include <vector>

#include "dbus/nm/vpn_data.hpp"

namespace nm {

// The secrets this connection uses: "psk" for auth psk, "key-password" for pubkey,
// "password" (the EAP identity's) for eap-mschapv2. key-password is needed only when its flags
// say a user supplies it (the key file may be unencrypted), psk and password always unless
// flagged not-required.
std::vector<std::string> needed_secrets(const VpnData& vpn, const StringMap& data);

// Needed secrets that are absent or empty in `secrets`.
std::vector<std::string> missing_secrets(const VpnData& vpn, const StringMap& data,
                                         const StringMap& secrets);

// Missing secrets that an agent answers only when asked by name (SecretsRequired hints from
// ConnectInteractive): the agent-owned and not-saved ones. nmcli has no auth dialog for
// ipsecd, so these are never announced through NeedSecrets.
std::vector<std::string> secrets_for_hints(const VpnData& vpn, const StringMap& data,
                                           const StringMap& secrets);

// NeedSecrets' reply: "vpn" when a secret NM itself should hold is missing (NM then asks its
// agents for the setting, and fails the activation with no-secrets if none can), else "".
std::string need_secrets_reply(const VpnData& vpn, const StringMap& data,
                               const StringMap& secrets);

}  // namespace nm
