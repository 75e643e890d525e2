// Internal to ike/crypto: the two shapes of SK protection behind SkCipher. Constructors
// throw Botan exceptions; SkCipher::create catches them.
#pragma once

#include <memory>
#include <string>

#include "ike/crypto/sk_cipher.hpp"

namespace ike::crypto::sk {

// RFC 5282 / RFC 7634: nonce = salt (last 4 key bytes) | 8-byte explicit IV.
std::unique_ptr<SkCipher> make_aead(const std::string& botan_mode, base::ByteView key_with_salt, std::size_t icv);

// RFC 7296 3.14 with a block cipher in CBC mode; ICV = truncated HMAC over aad | IV | ciphertext.
std::unique_ptr<SkCipher> make_cbc_hmac(const std::string& botan_mode, base::ByteView encr_key,
                                        const std::string& botan_mac, base::ByteView integ_key, std::size_t icv);

}  // namespace ike::crypto::sk
