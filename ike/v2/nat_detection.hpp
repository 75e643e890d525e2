// NAT detection (RFC 7296 2.23): each side hashes the addresses it believes in; a mismatch
// on arrival shows which side a NAT rewrote.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "ike/crypto/keymat.hpp"
#include "net/address.hpp"

namespace ike::v2 {

// SHA-1(SPIi | SPIr | IP address | port), the data of NAT_DETECTION_*_IP notifies.
base::Bytes nat_hash(const crypto::IkeSpis& spis, const net::Endpoint& endpoint);

}  // namespace ike::v2
