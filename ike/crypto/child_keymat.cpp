#include "ike/crypto/child_keymat.hpp"

#include "ike/crypto/prf_plus.hpp"

namespace ike::crypto {

base::Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, base::ByteView sk_d, KeyLengths lengths,
                                               base::ByteView ni, base::ByteView nr,
                                               base::ByteView pfs_shared_secret) {
    base::SecretBytes seed(pfs_shared_secret.begin(), pfs_shared_secret.end());
    seed.insert(seed.end(), ni.begin(), ni.end());
    seed.insert(seed.end(), nr.begin(), nr.end());
    auto stream = prf_plus(prf, sk_d, seed, 2 * (lengths.encr + lengths.integ));
    if (!stream) return base::Unexpected{stream.error()};
    // 2.17: all initiator-to-responder keys first; within a direction encryption before
    // integrity.
    auto at = [&](std::size_t from, std::size_t n) {
        return base::SecretBytes(stream->begin() + static_cast<std::ptrdiff_t>(from),
                                 stream->begin() + static_cast<std::ptrdiff_t>(from + n));
    };
    const std::size_t half = lengths.encr + lengths.integ;
    return ChildSaKeys{at(0, lengths.encr), at(lengths.encr, lengths.integ), at(half, lengths.encr),
                       at(half + lengths.encr, lengths.integ)};
}

}  // namespace ike::crypto
