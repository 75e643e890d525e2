#include "ike/crypto/keymat.hpp"

#include <array>

#include "ike/crypto/prf.hpp"
#include "ike/crypto/prf_plus.hpp"
#include "ike/crypto/transform_keys.hpp"

namespace ike::crypto {

namespace {

std::array<std::uint8_t, 16> spi_octets(IkeSpis spis) {
    std::array<std::uint8_t, 16> out{};
    for (int i = 0; i < 8; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(spis.initiator >> (56 - 8 * i));
        out[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(spis.responder >> (56 - 8 * i));
    }
    return out;
}

// Cuts the next `n` bytes off the key stream.
base::SecretBytes take(const base::SecretBytes& stream, std::size_t& pos, std::size_t n) {
    base::SecretBytes key(stream.begin() + static_cast<std::ptrdiff_t>(pos),
                          stream.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    return key;
}

base::Result<IkeSaKeys> expand(const IkeSuite& suite, const Prf& prf, const base::SecretBytes& skeyseed,
                               base::ByteView ni, base::ByteView nr, IkeSpis spis) {
    auto lengths = key_lengths(suite.encr, suite.encr_key_bits, suite.integ);
    if (!lengths) return base::Unexpected{lengths.error()};
    if (!is_aead(suite.encr) && lengths->integ == 0)
        return base::fail("IKE SA: a non-AEAD cipher needs an integrity transform (RFC 7296 3.3.3)");
    base::Bytes seed(ni.begin(), ni.end());
    seed.insert(seed.end(), nr.begin(), nr.end());
    const auto spi = spi_octets(spis);
    seed.insert(seed.end(), spi.begin(), spi.end());
    // SK_d, SK_pi and SK_pr have the PRF's preferred key length (2.14).
    const std::size_t total = 3 * prf.size() + 2 * lengths->integ + 2 * lengths->encr;
    auto stream = prf_plus(prf, skeyseed, seed, total);
    if (!stream) return base::Unexpected{stream.error()};
    std::size_t pos = 0;
    IkeSaKeys keys;
    keys.sk_d = take(*stream, pos, prf.size());
    keys.sk_ai = take(*stream, pos, lengths->integ);
    keys.sk_ar = take(*stream, pos, lengths->integ);
    keys.sk_ei = take(*stream, pos, lengths->encr);
    keys.sk_er = take(*stream, pos, lengths->encr);
    keys.sk_pi = take(*stream, pos, prf.size());
    keys.sk_pr = take(*stream, pos, prf.size());
    return keys;
}

}  // namespace

base::Result<IkeSaKeys> derive_ike_sa_keys(const IkeSuite& suite, base::ByteView shared_secret,
                                           base::ByteView ni, base::ByteView nr, IkeSpis spis) {
    auto prf = Prf::create(suite.prf);
    if (!prf) return base::Unexpected{prf.error()};
    base::SecretBytes nonces(ni.begin(), ni.end());
    nonces.insert(nonces.end(), nr.begin(), nr.end());
    const auto skeyseed = prf->compute(nonces, {shared_secret});
    return expand(suite, *prf, skeyseed, ni, nr, spis);
}

base::Result<IkeSaKeys> derive_rekeyed_ike_sa_keys(const IkeSuite& new_suite, PrfId old_prf,
                                                   base::ByteView old_sk_d, base::ByteView shared_secret,
                                                   base::ByteView ni, base::ByteView nr, IkeSpis new_spis) {
    // 2.18: the rekeying exchange belongs to the old IKE SA, so its PRF makes SKEYSEED.
    auto prf_old = Prf::create(old_prf);
    if (!prf_old) return base::Unexpected{prf_old.error()};
    auto prf_new = Prf::create(new_suite.prf);
    if (!prf_new) return base::Unexpected{prf_new.error()};
    const auto skeyseed = prf_old->compute(old_sk_d, {shared_secret, ni, nr});
    return expand(new_suite, *prf_new, skeyseed, ni, nr, new_spis);
}

}  // namespace ike::crypto
