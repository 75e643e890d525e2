#include <botan/cipher_mode.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>

#include "ike/crypto/sk/modes.hpp"

namespace ike::crypto::sk {

namespace {

class CbcHmac final : public SkCipher {
public:
    CbcHmac(const std::string& mode, base::ByteView encr_key, const std::string& mac, base::ByteView integ_key,
            std::size_t icv)
        : encrypt_(Botan::Cipher_Mode::create_or_throw(mode, Botan::ENCRYPTION)),
          decrypt_(Botan::Cipher_Mode::create_or_throw(mode, Botan::DECRYPTION)),
          mac_(Botan::MessageAuthenticationCode::create_or_throw(mac)),
          block_(encrypt_->default_nonce_length()),  // CBC: the IV is one block
          icv_(icv) {
        encrypt_->set_key(encr_key.data(), encr_key.size());
        decrypt_->set_key(encr_key.data(), encr_key.size());
        mac_->set_key(integ_key.data(), integ_key.size());
    }

    // RFC 3602 3: the IV is one cipher block.
    std::size_t iv_size() const override { return block_; }
    std::size_t icv_size() const override { return icv_; }
    std::size_t block_size() const override { return block_; }

protected:
    void seal_padded(base::ByteView aad, base::SecretBytes& padded, base::Bytes& out) override {
        encrypt_->start(out.data(), out.size());
        encrypt_->finish(padded);
        out.insert(out.end(), padded.begin(), padded.end());
        const auto icv = icv_over(aad, out);
        out.insert(out.end(), icv.begin(), icv.begin() + static_cast<std::ptrdiff_t>(icv_));
    }

    base::Result<base::SecretBytes> open_padded(base::ByteView aad, base::ByteView body) override {
        if (body.size() < 2 * block_ + icv_ || (body.size() - icv_) % block_ != 0)
            return base::fail("SK payload: ciphertext is not whole cipher blocks");
        const auto protected_part = body.first(body.size() - icv_);
        const auto expected = icv_over(aad, protected_part);
        // RFC 7296 3.14: the ICV covers the IKE header through the ciphertext; check it
        // before decrypting anything.
        if (!Botan::constant_time_compare(expected.data(), body.data() + protected_part.size(), icv_))
            return base::fail("SK payload: ICV mismatch");
        Botan::secure_vector<std::uint8_t> buf(protected_part.begin() + static_cast<std::ptrdiff_t>(block_),
                                               protected_part.end());
        decrypt_->start(body.data(), block_);
        decrypt_->finish(buf);
        return buf;
    }

private:
    Botan::secure_vector<std::uint8_t> icv_over(base::ByteView aad, base::ByteView iv_and_ciphertext) {
        mac_->update(aad.data(), aad.size());
        mac_->update(iv_and_ciphertext.data(), iv_and_ciphertext.size());
        return mac_->final();
    }

    std::unique_ptr<Botan::Cipher_Mode> encrypt_, decrypt_;
    std::unique_ptr<Botan::MessageAuthenticationCode> mac_;
    std::size_t block_;
    std::size_t icv_;
};

}  // namespace

std::unique_ptr<SkCipher> make_cbc_hmac(const std::string& botan_mode, base::ByteView encr_key,
                                        const std::string& botan_mac, base::ByteView integ_key, std::size_t icv) {
    return std::make_unique<CbcHmac>(botan_mode, encr_key, botan_mac, integ_key, icv);
}

}  // namespace ike::crypto::sk
