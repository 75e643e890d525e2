// IKE identities (RFC 7296 3.5) as written in the configuration: "192.0.2.1", "@gw.example",
// "user@example.org", "C=CH, O=Example, CN=gw", or "%any" (accept any peer identity).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "net/address.hpp"

namespace ike::policy {

// Values are the IANA ID Types (RFC 7296 3.5) except `any`, which is never sent.
enum class IdKind : std::uint8_t { any = 0, ipv4 = 1, fqdn = 2, rfc822 = 3, ipv6 = 5, dn = 9 };

struct Identity {
    IdKind kind = IdKind::any;
    // fqdn without the '@', the e-mail address, the DN text as written, or the address text.
    std::string value;
    std::optional<net::Address> address;  // set for ipv4/ipv6

    // Rules: "%any"; an IP address; "@name" is an FQDN; "local@domain" an RFC 822 address;
    // text with '=' a DN; any other plain name an FQDN.
    static base::Result<Identity> parse(std::string_view text);
    static Identity of_address(const net::Address& a);
    // The configuration form (parse(str()) == *this).
    std::string str() const;
    // Whether a peer presenting `other` satisfies this (configured) identity.
    bool matches(const Identity& other) const { return kind == IdKind::any || *this == other; }

    bool operator==(const Identity&) const = default;
};

}  // namespace ike::policy
