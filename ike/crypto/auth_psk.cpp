#include "ike/crypto/auth_psk.hpp"

#include <botan/mem_ops.h>

#include <string_view>

namespace ike::crypto {

namespace {

// 2.15: the 17 ASCII characters, without a terminating NUL.
constexpr std::string_view kKeyPad = "Key Pad for IKEv2";

}  // namespace

base::SecretBytes psk_auth(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets) {
    const base::ByteView pad(reinterpret_cast<const std::uint8_t*>(kKeyPad.data()), kKeyPad.size());
    const auto padded_key = prf.compute(shared_secret, {pad});
    return prf.compute(padded_key, {signed_octets});
}

bool psk_auth_matches(const Prf& prf, base::ByteView shared_secret, base::ByteView signed_octets,
                      base::ByteView received_auth) {
    const auto expected = psk_auth(prf, shared_secret, signed_octets);
    return received_auth.size() == expected.size() &&
           Botan::constant_time_compare(expected.data(), received_auth.data(), expected.size());
}

}  // namespace ike::crypto
