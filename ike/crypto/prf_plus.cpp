#include "ike/crypto/prf_plus.hpp"

#include <string>

namespace ike::crypto {

base::Result<base::SecretBytes> prf_plus(const Prf& prf, base::ByteView key, base::ByteView seed,
                                         std::size_t length) {
    // RFC 7296 2.13: "prf+ ... is not defined beyond 255 times the size of the prf output".
    constexpr std::size_t kMaxBlocks = 255;
    if (length > kMaxBlocks * prf.size())
        return base::fail("prf+: " + std::to_string(length) + " bytes requested, limit is " +
                          std::to_string(kMaxBlocks * prf.size()));
    return prf.chain(key, seed, length);
}

}  // namespace ike::crypto
