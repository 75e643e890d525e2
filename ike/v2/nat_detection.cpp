#include "ike/v2/nat_detection.hpp"

#include <botan/hash.h>

namespace ike::v2 {

namespace {
void put_u64(Botan::HashFunction& h, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) h.update(static_cast<std::uint8_t>(v >> shift));
}
}  // namespace

base::Bytes nat_hash(const crypto::IkeSpis& spis, const net::Endpoint& endpoint) {
    // SHA-1 is always built into Botan, so create() cannot fail or throw here.
    auto h = Botan::HashFunction::create_or_throw("SHA-1");
    put_u64(*h, spis.initiator);
    put_u64(*h, spis.responder);
    h->update(endpoint.address.bytes.data(), endpoint.address.size());
    h->update(static_cast<std::uint8_t>(endpoint.port >> 8));
    h->update(static_cast<std::uint8_t>(endpoint.port));
    const auto digest = h->final();
    return base::Bytes(digest.begin(), digest.end());
}

}  // namespace ike::v2
