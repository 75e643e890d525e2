#include "ike/crypto/sk_cipher.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include "ike/crypto/sk/modes.hpp"
#include "ike/crypto/transform_keys.hpp"

namespace ike::crypto {

namespace {

struct Integ {
    const char* mac;
    std::size_t icv;  // RFC 4868 2.3 truncation: half the hash output
};

Integ integ_algorithm(IntegId id) {
    switch (id) {
        case IntegId::hmac_sha1_96: return {"HMAC(SHA-1)", 12};
        case IntegId::hmac_sha2_256_128: return {"HMAC(SHA-256)", 16};
        case IntegId::hmac_sha2_384_192: return {"HMAC(SHA-384)", 24};
        case IntegId::hmac_sha2_512_256: return {"HMAC(SHA-512)", 32};
        case IntegId::none: break;
    }
    return {nullptr, 0};
}

std::unique_ptr<SkCipher> make(const SkTransform& t, base::ByteView encr_key, base::ByteView integ_key) {
    const std::string aes = "AES-" + std::to_string(t.key_bits);
    switch (t.encr) {
        case EncrId::aes_gcm_8: return sk::make_aead(aes + "/GCM(8)", encr_key, 8);
        case EncrId::aes_gcm_12: return sk::make_aead(aes + "/GCM(12)", encr_key, 12);
        case EncrId::aes_gcm_16: return sk::make_aead(aes + "/GCM(16)", encr_key, 16);
        case EncrId::chacha20_poly1305: return sk::make_aead("ChaCha20Poly1305", encr_key, 16);
        case EncrId::aes_cbc: {
            const auto integ = integ_algorithm(t.integ);
            if (integ.mac == nullptr) return nullptr;
            return sk::make_cbc_hmac(aes + "/CBC/NoPadding", encr_key, integ.mac, integ_key, integ.icv);
        }
        case EncrId::aes_ctr:
        case EncrId::null_auth_aes_gmac: break;
    }
    return nullptr;
}

}  // namespace

base::Result<std::unique_ptr<SkCipher>> SkCipher::create(const SkTransform& t, base::ByteView encr_key,
                                                         base::ByteView integ_key) {
    const std::string what = "SK cipher " + std::to_string(static_cast<unsigned>(t.encr)) + "/" +
                             std::to_string(static_cast<unsigned>(t.integ));
    auto lengths = key_lengths(t.encr, t.key_bits, t.integ);
    if (!lengths) return base::fail(what + ": " + lengths.error().message);
    if (encr_key.size() != lengths->encr || integ_key.size() != lengths->integ)
        return base::fail(what + ": key lengths do not match the transforms");
    try {
        if (auto cipher = make(t, encr_key, integ_key)) return cipher;
    } catch (const std::exception& e) {
        return base::fail(what + ": " + e.what());
    }
    return base::fail(what + ": not supported for the SK payload");
}

std::size_t SkCipher::padded_size(std::size_t inner_size) const {
    const std::size_t b = block_size();
    return (inner_size + 1 + b - 1) / b * b;
}

std::size_t SkCipher::sealed_size(std::size_t inner_size) const {
    return iv_size() + padded_size(inner_size) + icv_size();
}

base::Result<base::Bytes> SkCipher::seal(base::ByteView aad, base::ByteView inner, Rng& rng) {
    // RFC 7296 3.14: padding MAY hold any value; zeros, then the pad length octet.
    base::SecretBytes padded(padded_size(inner.size()), 0);
    std::copy(inner.begin(), inner.end(), padded.begin());
    padded.back() = static_cast<std::uint8_t>(padded.size() - inner.size() - 1);
    base::Bytes out;
    out.reserve(iv_size() + padded.size() + icv_size());
    out.resize(iv_size());
    rng.fill(out);
    seal_padded(aad, padded, out);
    return out;
}

base::Result<base::SecretBytes> SkCipher::open(base::ByteView aad, base::ByteView body) {
    auto plain = open_padded(aad, body);
    if (!plain) return plain;
    if (plain->empty() || std::size_t{plain->back()} + 1 > plain->size())
        return base::fail("SK payload: pad length exceeds the decrypted data");
    plain->resize(plain->size() - plain->back() - 1);
    return plain;
}

}  // namespace ike::crypto
