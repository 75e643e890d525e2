// prf+ (RFC 7296 2.13): the key stream every IKEv2 key is taken from.
#pragma once

#include <cstddef>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/crypto/prf.hpp"

namespace ike::crypto {

// T1 | T2 | ... truncated to `length`, Tn = prf(key, Tn-1 | seed | n). Fails beyond 255
// blocks, where the one-octet counter would wrap.
base::Result<base::SecretBytes> prf_plus(const Prf& prf, base::ByteView key, base::ByteView seed,
                                         std::size_t length);

}  // namespace ike::crypto
