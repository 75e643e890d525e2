// MS-CHAPv2 (RFC 2759) and its MPPE keys (RFC 3079), as EAP-MSCHAPv2 uses them inside
// IKEv2 (RFC 7296 2.16). Pure functions of the password and the exchanged values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"

namespace ike::eap {

using Challenge = std::array<std::uint8_t, 16>;
using NtResponse = std::array<std::uint8_t, 24>;
using ChallengeHashValue = std::array<std::uint8_t, 8>;

// RFC 2759 8.3: MD4 of the password in UTF-16LE (the password is UTF-8 text; error if not).
base::Result<base::SecretBytes> nt_password_hash(base::ByteView password);

// RFC 2759 8.2: the first 8 octets of SHA1(PeerChallenge | AuthenticatorChallenge | UserName),
// the user name without a "DOMAIN\" prefix.
ChallengeHashValue challenge_hash(const Challenge& peer, const Challenge& authenticator, std::string_view user_name);

// RFC 2759 8.1, 8.5: the 24-octet NT-Response: ChallengeHash encrypted with DES under three
// 7-octet keys cut from the password hash padded to 21 octets.
NtResponse nt_response(const Challenge& authenticator, const Challenge& peer, std::string_view user_name,
                       base::ByteView password_hash);

// RFC 2759 8.7: "S=" and 40 upper-case hex digits, the authenticator's proof.
std::string authenticator_response(base::ByteView password_hash, const NtResponse& response, const Challenge& peer,
                                   const Challenge& authenticator, std::string_view user_name);

// RFC 3079 3.4 with 128-bit keys: the master key and the asymmetric start keys.
base::SecretBytes master_key(base::ByteView password_hash, const NtResponse& response);
// The key the client sends with (the server receives with), and the opposite one.
base::SecretBytes client_send_key(base::ByteView master);
base::SecretBytes client_receive_key(base::ByteView master);

// The 64-octet EAP MSK: the server's receive key, its send key and 32 zero octets, the
// layout of Windows and strongSwan (the same on both ends).
base::SecretBytes msk(base::ByteView password_hash, const NtResponse& response);

}  // namespace ike::eap
