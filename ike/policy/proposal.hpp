// The proposal model: what a connection offers or accepts for an IKE, ESP or AH SA, written in
// strongSwan's proposal syntax ("aes256gcm16-prfsha256-x25519", "aes128-sha256-modp2048",
// "aes256gcm16-ecp256-esn") because users already know it.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "ike/iana.hpp"

namespace ike::policy {

// One transform (RFC 7296 3.3.2) as configured: type, IANA id, and the Key Length attribute in
// bits (0 = the transform carries no Key Length attribute).
struct Transform {
    TransformType type = TransformType::encr;
    std::uint16_t id = 0;
    std::uint16_t key_length = 0;

    auto operator<=>(const Transform&) const = default;
};

// One proposal: a protocol and, per transform type, the acceptable transforms in order of
// preference. A proposal of a negotiated SA holds exactly one transform per type present.
struct Proposal {
    ProtocolId protocol = ProtocolId::ike;
    std::vector<Transform> transforms;

    // The transforms of one type, in order.
    std::vector<Transform> of(TransformType type) const;
    // The first transform of a type, if any (the negotiated one, for a negotiated proposal).
    const Transform* first(TransformType type) const;
    bool has(TransformType type) const { return first(type) != nullptr; }
    // True when the encryption transform(s) are AEAD (AES-GCM, ChaCha20-Poly1305).
    bool is_aead() const;

    bool operator==(const Proposal&) const = default;
};

// Parses one proposal in strongSwan syntax for the given protocol (ESP and AH proposals may
// carry a KE group for PFS). Keywords: aes128 aes256 aes128gcm16 aes256gcm16 chacha20poly1305,
// sha256 sha384 sha512, prfsha256 prfsha384 prfsha512, modp2048 modp3072 modp4096 ecp256
// ecp384 ecp521 x25519, esn noesn. For IKE without AEAD and without an explicit prf, the PRFs
// follow the integrity hashes (sha256 -> prfsha256), as strongSwan does. ESP/AH without
// esn/noesn negotiate no ESN. Errors name the offending keyword.
base::Result<Proposal> parse_proposal(std::string_view text, ProtocolId protocol);

// Canonical text in the same syntax: encryption, integrity, prf, KE, then ESN keywords
// ("noesn" is left out when it is the only ESN choice). parse_proposal(to_string(p)) == p.
// For a negotiated proposal this is its short name for status: "aes256gcm16-prfsha256-x25519"
// for IKE, "aes256gcm16" for ESP.
std::string to_string(const Proposal& proposal);

// Keyword of one transform ("aes256gcm16", "prfsha256", "x25519"), or "<type>:<id>" when the
// transform has no keyword (a peer's choice we do not name).
std::string keyword(const Transform& transform);

// The transform one keyword stands for ("aes256gcm16", "sha256", ...), if it is one of ours.
std::optional<Transform> transform_for(std::string_view keyword);

// Defaults where a connection names no proposals: RFC 8247 (IKE) and RFC 8221 (ESP, AH)
// algorithms only, AEAD first, X25519 and ECP groups before MODP; no PFS group for ESP/AH.
std::vector<Proposal> default_proposals(ProtocolId protocol);

}  // namespace ike::policy
