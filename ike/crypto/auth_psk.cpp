#include "ike/crypto/auth_psk.hpp"

#include <botan/mem_ops.h>

#include <string_view>

namespace ike::crypto {

namespace {

// 2.15: the 17 ASCII characters, without a terminating NUL.
constexpr std::string_view kKeyPad = "Key Pad for IKEv2";

}  // namespace

base::SecretBytes psk_key_pad(const Prf& prf, base::ByteView shared_secret) {
    const base::ByteView pad(reinterpret_cast<const std::uint8_t*>(kKeyPad.data()), kKeyPad.size());
    return prf.compute(shared_secret, {pad});
}

base::SecretBytes padded_auth(const Prf& prf, base::ByteView key_pad, base::ByteView signed_octets) {
    return prf.compute(key_pad, {signed_octets});
}

bool padded_auth_matches(const Prf& prf, base::ByteView key_pad, base::ByteView signed_octets,
                         base::ByteView received_auth) {
    const auto expected = padded_auth(prf, key_pad, signed_octets);
    return received_auth.size() == expected.size() &&
           Botan::constant_time_compare(expected.data(), received_auth.data(), expected.size());
}

base::SecretBytes psk_auth(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets) {
    return padded_auth(prf, psk_key_pad(prf, shared_secret), signed_octets);
}

bool psk_auth_matches(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets,
                      base::ByteView received_auth) {
    return padded_auth_matches(prf, psk_key_pad(prf, shared_secret), signed_octets, received_auth);
}

}  // namespace ike::crypto
