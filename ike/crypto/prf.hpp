// The negotiated PRF (RFC 7296 3.3.2 transform type 2): HMAC-SHA2 per RFC 4868, and
// HMAC-SHA1 for IKEv1 (RFC 2409 uses the HMAC of the negotiated hash).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/iana.hpp"

namespace ike::crypto {

class Prf {
public:
    static base::Result<Prf> create(PrfId id);

    PrfId id() const { return id_; }
    // Output length; also the preferred key length (RFC 7296 2.14: SK_d, SK_pi, SK_pr).
    std::size_t size() const { return size_; }
    // prf(key, part1 | part2 | ...), without building the concatenation.
    base::SecretBytes compute(base::ByteView key, std::initializer_list<base::ByteView> data) const;
    // T1 | T2 | ... truncated to `length`, Tn = prf(key, Tn-1 | seed | n), keyed once for all
    // blocks: prf+ (RFC 7296 2.13), which refuses lengths beyond 255 blocks (here: cut there).
    base::SecretBytes chain(base::ByteView key, base::ByteView seed, std::size_t length) const;

private:
    Prf(PrfId id, const char* mac_name, std::size_t size) : id_(id), mac_name_(mac_name), size_(size) {}
    PrfId id_;
    const char* mac_name_;  // a literal of create(): every IKE SA holds a Prf (issue 13, bytes per SA)
    std::size_t size_;
};

}  // namespace ike::crypto
