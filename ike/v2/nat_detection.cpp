#include "ike/v2/nat_detection.hpp"

#include <botan/hash.h>

#include <memory>

namespace ike::v2 {

namespace {
void put_u64(Botan::HashFunction& h, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) h.update(static_cast<std::uint8_t>(v >> shift));
}

// One SHA-1 per thread, reset by each final(): creating it by name for each of the four
// hashes of an IKE_SA_INIT was 1.3% of a responder's CPU (perf, issue 13). SHA-1 is always
// built into Botan, so create_or_throw() cannot throw here.
Botan::HashFunction& sha1() {
    thread_local const std::unique_ptr<Botan::HashFunction> h = Botan::HashFunction::create_or_throw("SHA-1");
    return *h;
}
}  // namespace

base::Bytes nat_hash(const crypto::IkeSpis& spis, const net::Endpoint& endpoint) {
    Botan::HashFunction& h = sha1();
    put_u64(h, spis.initiator);
    put_u64(h, spis.responder);
    h.update(endpoint.address.bytes.data(), endpoint.address.size());
    h.update(static_cast<std::uint8_t>(endpoint.port >> 8));
    h.update(static_cast<std::uint8_t>(endpoint.port));
    const auto digest = h.final();
    return base::Bytes(digest.begin(), digest.end());
}

}  // namespace ike::v2
