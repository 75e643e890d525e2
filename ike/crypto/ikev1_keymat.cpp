#include "ike/crypto/ikev1_keymat.hpp"

#include <array>
#include <string>
#include <utility>

namespace ike::crypto {

namespace {

std::array<std::uint8_t, 8> be64(std::uint64_t v) {
    std::array<std::uint8_t, 8> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
    return out;
}

// Appends prf outputs, each keyed by `key` over (previous output | suffix), until `length`.
base::SecretBytes chain(const Prf& prf, base::ByteView key, base::SecretBytes first, base::ByteView suffix,
                        std::size_t length) {
    base::SecretBytes out = first;
    base::SecretBytes block = std::move(first);
    while (out.size() < length) {
        block = prf.compute(key, {block, suffix});
        out.insert(out.end(), block.begin(), block.end());
    }
    out.resize(length);
    return out;
}

}  // namespace

base::Result<PrfId> ikev1_prf_for_hash(std::uint16_t hash_attribute) {
    switch (hash_attribute) {
        case 2: return PrfId::hmac_sha1;
        case 4: return PrfId::hmac_sha2_256;
        case 5: return PrfId::hmac_sha2_384;
        case 6: return PrfId::hmac_sha2_512;
        default: return base::fail("IKEv1 hash algorithm " + std::to_string(hash_attribute) + ": not supported");
    }
}

base::SecretBytes ikev1_skeyid_psk(const Prf& prf, base::ByteView psk, base::ByteView ni_b, base::ByteView nr_b) {
    return prf.compute(psk, {ni_b, nr_b});
}

base::SecretBytes ikev1_skeyid_sig(const Prf& prf, base::ByteView ni_b, base::ByteView nr_b, base::ByteView g_xy) {
    base::SecretBytes nonces(ni_b.begin(), ni_b.end());
    nonces.insert(nonces.end(), nr_b.begin(), nr_b.end());
    return prf.compute(nonces, {g_xy});
}

Ikev1Keys ikev1_derive_keys(const Prf& prf, base::SecretBytes skeyid, base::ByteView g_xy, Ikev1Cookies cookies) {
    const auto cky_i = be64(cookies.initiator);
    const auto cky_r = be64(cookies.responder);
    const std::uint8_t zero[1] = {0}, one[1] = {1}, two[1] = {2};
    Ikev1Keys keys;
    keys.skeyid_d = prf.compute(skeyid, {g_xy, cky_i, cky_r, zero});
    keys.skeyid_a = prf.compute(skeyid, {keys.skeyid_d, g_xy, cky_i, cky_r, one});
    keys.skeyid_e = prf.compute(skeyid, {keys.skeyid_a, g_xy, cky_i, cky_r, two});
    keys.skeyid = std::move(skeyid);
    return keys;
}

base::SecretBytes ikev1_hash_i(const Prf& prf, base::ByteView skeyid, base::ByteView g_xi, base::ByteView g_xr,
                               Ikev1Cookies cookies, base::ByteView sai_b, base::ByteView idii_b) {
    return prf.compute(skeyid, {g_xi, g_xr, be64(cookies.initiator), be64(cookies.responder), sai_b, idii_b});
}

base::SecretBytes ikev1_hash_r(const Prf& prf, base::ByteView skeyid, base::ByteView g_xi, base::ByteView g_xr,
                               Ikev1Cookies cookies, base::ByteView sai_b, base::ByteView idir_b) {
    return prf.compute(skeyid, {g_xr, g_xi, be64(cookies.responder), be64(cookies.initiator), sai_b, idir_b});
}

base::SecretBytes ikev1_encryption_key(const Prf& prf, base::ByteView skeyid_e, std::size_t key_size) {
    if (skeyid_e.size() >= key_size) return base::SecretBytes(skeyid_e.begin(), skeyid_e.begin() + static_cast<std::ptrdiff_t>(key_size));
    const std::uint8_t zero[1] = {0};
    return chain(prf, skeyid_e, prf.compute(skeyid_e, {zero}), {}, key_size);
}

base::SecretBytes ikev1_quick_mode_keymat(const Prf& prf, base::ByteView skeyid_d, base::ByteView g_qm_xy,
                                          std::uint8_t protocol, std::uint32_t spi, base::ByteView ni_b,
                                          base::ByteView nr_b, std::size_t length) {
    base::SecretBytes input(g_qm_xy.begin(), g_qm_xy.end());
    input.push_back(protocol);
    for (int shift = 24; shift >= 0; shift -= 8) input.push_back(static_cast<std::uint8_t>(spi >> shift));
    input.insert(input.end(), ni_b.begin(), ni_b.end());
    input.insert(input.end(), nr_b.begin(), nr_b.end());
    return chain(prf, skeyid_d, prf.compute(skeyid_d, {input}), input, length);
}

}  // namespace ike::crypto
