#include "ike/v2/cookie.hpp"

#include <botan/hash.h>

namespace ike::v2 {

base::Bytes make_cookie(base::ByteView secret, base::ByteView ni, const net::Address& initiator,
                        std::uint64_t spi_i) {
    auto h = Botan::HashFunction::create_or_throw("SHA-256");  // built in: cannot throw
    h->update(ni.data(), ni.size());
    h->update(initiator.bytes.data(), initiator.size());
    for (int shift = 56; shift >= 0; shift -= 8) h->update(static_cast<std::uint8_t>(spi_i >> shift));
    h->update(secret.data(), secret.size());
    const auto digest = h->final();
    return base::Bytes(digest.begin(), digest.end());
}

}  // namespace ike::v2
