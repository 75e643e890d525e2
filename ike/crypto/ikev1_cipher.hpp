// IKEv1 payload encryption (RFC 2409 Appendix B, RFC 3602 for AES): CBC over the payloads
// and their padding, with the IV chained by the caller from the previous message's last
// ciphertext block. There is no integrity check: HASH payloads authenticate the exchanges.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"

namespace Botan {
class Cipher_Mode;
}

namespace ike::crypto {

class Ikev1Cipher {
public:
    // AES-CBC with a 128, 192 or 256-bit key (the phase-1 cipher ipsecd supports).
    static base::Result<Ikev1Cipher> create_aes_cbc(base::ByteView key);
    Ikev1Cipher(Ikev1Cipher&&) noexcept;
    Ikev1Cipher& operator=(Ikev1Cipher&&) noexcept;
    ~Ikev1Cipher();

    static constexpr std::size_t kBlockSize = 16;

    // Appendix B: pads to whole blocks (zeros, the last octet the count of the others;
    // there is always padding), then encrypts under `iv`.
    base::Bytes encrypt(base::ByteView iv, base::ByteView payloads) const;
    // Decrypts whole blocks under `iv`; the padding stays (the payload chain's lengths end it).
    base::Result<base::SecretBytes> decrypt(base::ByteView iv, base::ByteView ciphertext) const;

private:
    Ikev1Cipher(std::unique_ptr<Botan::Cipher_Mode> encrypt, std::unique_ptr<Botan::Cipher_Mode> decrypt);
    std::unique_ptr<Botan::Cipher_Mode> encrypt_, decrypt_;
};

// The negotiated hash itself (not its HMAC) over the concatenation, for the IVs of
// Appendix B: hash(g^xi | g^xr) in phase 1, hash(last block | M-ID) for a phase-2 exchange.
// hash_attribute is the IKEv1 Hash Algorithm (2 SHA-1, 4-6 SHA2-256/384/512).
base::Result<base::Bytes> ikev1_hash(std::uint16_t hash_attribute, std::initializer_list<base::ByteView> data);

}  // namespace ike::crypto
