// Sane bounds on what one IKEv2 message may contain, checked while decoding so that a hostile
// datagram can never cost unbounded work or memory. Generous for any real peer.
#pragma once

#include <cstddef>

namespace ike::wire::limits {

inline constexpr std::size_t kHeaderSize = 28;               // RFC 7296 3.1
inline constexpr std::size_t kMaxMessageSize = 65535;         // a UDP datagram
inline constexpr std::size_t kMaxPayloads = 64;               // per chain (outer or inner)
inline constexpr std::size_t kMaxProposals = 32;
inline constexpr std::size_t kMaxTransforms = 64;             // per proposal
inline constexpr std::size_t kMaxAttributes = 8;              // per transform
inline constexpr std::size_t kMaxTrafficSelectors = 32;       // per TS payload
inline constexpr std::size_t kMaxConfigAttributes = 64;
inline constexpr std::size_t kMinNonce = 16;                  // RFC 7296 3.9
inline constexpr std::size_t kMaxNonce = 256;
inline constexpr std::size_t kMaxSpiSize = 8;

}  // namespace ike::wire::limits
