#include "ike/crypto/ikev1_cipher.hpp"

#include <botan/cipher_mode.h>
#include <botan/hash.h>

#include <string>

namespace ike::crypto {

Ikev1Cipher::Ikev1Cipher(std::unique_ptr<Botan::Cipher_Mode> encrypt, std::unique_ptr<Botan::Cipher_Mode> decrypt)
    : encrypt_(std::move(encrypt)), decrypt_(std::move(decrypt)) {}
Ikev1Cipher::Ikev1Cipher(Ikev1Cipher&&) noexcept = default;
Ikev1Cipher& Ikev1Cipher::operator=(Ikev1Cipher&&) noexcept = default;
Ikev1Cipher::~Ikev1Cipher() = default;

base::Result<Ikev1Cipher> Ikev1Cipher::create_aes_cbc(base::ByteView key) {
    if (key.size() != 16 && key.size() != 24 && key.size() != 32)
        return base::fail("AES-CBC key of " + std::to_string(key.size()) + " bytes");
    const std::string mode = "AES-" + std::to_string(key.size() * 8) + "/CBC/NoPadding";
    auto enc = Botan::Cipher_Mode::create_or_throw(mode, Botan::ENCRYPTION);
    auto dec = Botan::Cipher_Mode::create_or_throw(mode, Botan::DECRYPTION);
    enc->set_key(key.data(), key.size());
    dec->set_key(key.data(), key.size());
    return Ikev1Cipher(std::move(enc), std::move(dec));
}

base::Bytes Ikev1Cipher::encrypt(base::ByteView iv, base::ByteView payloads) const {
    const std::size_t pad = kBlockSize - payloads.size() % kBlockSize;  // 1..16, counting the last octet
    Botan::secure_vector<std::uint8_t> buf(payloads.begin(), payloads.end());
    buf.resize(payloads.size() + pad, 0);
    buf.back() = static_cast<std::uint8_t>(pad - 1);
    encrypt_->start(iv.data(), iv.size());
    encrypt_->finish(buf);
    return base::Bytes(buf.begin(), buf.end());
}

base::Result<base::SecretBytes> Ikev1Cipher::decrypt(base::ByteView iv, base::ByteView ciphertext) const {
    if (ciphertext.empty() || ciphertext.size() % kBlockSize != 0)
        return base::fail("encrypted body is not whole cipher blocks");
    Botan::secure_vector<std::uint8_t> buf(ciphertext.begin(), ciphertext.end());
    decrypt_->start(iv.data(), iv.size());
    decrypt_->finish(buf);
    return buf;
}

base::Result<base::Bytes> ikev1_hash(std::uint16_t hash_attribute, std::initializer_list<base::ByteView> data) {
    const char* name = hash_attribute == 2   ? "SHA-1"
                       : hash_attribute == 4 ? "SHA-256"
                       : hash_attribute == 5 ? "SHA-384"
                       : hash_attribute == 6 ? "SHA-512"
                                             : nullptr;
    if (!name) return base::fail("IKEv1 hash algorithm " + std::to_string(hash_attribute) + ": not supported");
    auto hash = Botan::HashFunction::create_or_throw(name);
    for (auto part : data) hash->update(part.data(), part.size());
    const auto out = hash->final();
    return base::Bytes(out.begin(), out.end());
}

}  // namespace ike::crypto
