#include <botan/aead.h>

#include <array>
#include <set>
#include <string>

#include "ike/crypto/sk/modes.hpp"

namespace ike::crypto::sk {

namespace {

constexpr std::size_t kSalt = 4;  // RFC 5282 7.1, RFC 7634 2
constexpr std::size_t kIv = 8;    // RFC 5282 3.1, RFC 7634 2

// Throws, as SkCipher::create expects of an unsupported mode, when Botan has no `mode`; asks
// Botan once per mode and thread.
void check_supported(const std::string& mode) {
    thread_local std::set<std::string, std::less<>> supported;
    if (supported.contains(mode)) return;
    Botan::AEAD_Mode::create_or_throw(mode, Botan::ENCRYPTION);
    Botan::AEAD_Mode::create_or_throw(mode, Botan::DECRYPTION);
    supported.insert(mode);
}

// Each direction's Botan object is made (and keyed) when first used: an SkCipher is built per
// message (ike/v2/ike_sa.hpp), which seals or opens, and making both was 5% of a responder's
// CPU (perf, issue 13).
class Aead final : public SkCipher {
public:
    Aead(const std::string& mode, base::ByteView key_with_salt, std::size_t icv)
        : mode_(mode), key_(key_with_salt.begin(), key_with_salt.end() - kSalt), icv_(icv) {
        check_supported(mode_);
        std::copy(key_with_salt.end() - kSalt, key_with_salt.end(), salt_.begin());
    }

    std::size_t iv_size() const override { return kIv; }
    std::size_t icv_size() const override { return icv_; }
    std::size_t block_size() const override { return 1; }  // counter-mode ciphers need no alignment

protected:
    void seal_padded(base::ByteView aad, base::SecretBytes& padded, base::Bytes& out) override {
        const auto n = nonce(out);
        keyed(encrypt_, Botan::ENCRYPTION);
        encrypt_->set_associated_data(aad.data(), aad.size());
        encrypt_->start(n.data(), n.size());
        encrypt_->finish(padded);
        out.insert(out.end(), padded.begin(), padded.end());
    }

    base::Result<base::SecretBytes> open_padded(base::ByteView aad, base::ByteView body) override {
        if (body.size() < kIv + icv_ + 1) return base::fail("SK payload: shorter than IV, pad length and ICV");
        Botan::secure_vector<std::uint8_t> buf(body.begin() + kIv, body.end());
        try {
            keyed(decrypt_, Botan::DECRYPTION);
            decrypt_->set_associated_data(aad.data(), aad.size());
            const auto n = nonce(body.first(kIv));
            decrypt_->start(n.data(), n.size());
            decrypt_->finish(buf);
        } catch (const std::exception&) {
            return base::fail("SK payload: ICV mismatch");
        }
        return buf;
    }

private:
    std::array<std::uint8_t, kSalt + kIv> nonce(base::ByteView iv) const {
        std::array<std::uint8_t, kSalt + kIv> n{};
        std::copy(salt_.begin(), salt_.end(), n.begin());
        std::copy(iv.begin(), iv.end(), n.begin() + kSalt);
        return n;
    }

    void keyed(std::unique_ptr<Botan::AEAD_Mode>& m, Botan::Cipher_Dir direction) const {
        if (m) return;
        m = Botan::AEAD_Mode::create_or_throw(mode_, direction);
        m->set_key(key_.data(), key_.size());
    }

    std::string mode_;
    base::SecretBytes key_;
    std::unique_ptr<Botan::AEAD_Mode> encrypt_, decrypt_;
    std::array<std::uint8_t, kSalt> salt_{};
    std::size_t icv_;
};

}  // namespace

std::unique_ptr<SkCipher> make_aead(const std::string& botan_mode, base::ByteView key_with_salt, std::size_t icv) {
    return std::make_unique<Aead>(botan_mode, key_with_salt, icv);
}

}  // namespace ike::crypto::sk
