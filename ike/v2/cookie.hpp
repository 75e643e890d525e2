// Stateless cookies (RFC 7296 2.6): under load the responder answers IKE_SA_INIT with a
// COOKIE it can recompute, and commits no state or DH work until the initiator echoes it.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "net/address.hpp"

namespace ike::v2 {

// Hash(Ni | IPi | SPIi | secret), as 2.6 suggests.
base::Bytes make_cookie(base::ByteView secret, base::ByteView ni, const net::Address& initiator,
                        std::uint64_t spi_i);

}  // namespace ike::v2
