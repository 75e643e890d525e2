#include <botan/aead.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "ike/crypto/sk/modes.hpp"

namespace ike::crypto::sk {

namespace {

constexpr std::size_t kSalt = 4;  // RFC 5282 7.1, RFC 7634 2
constexpr std::size_t kIv = 8;    // RFC 5282 3.1, RFC 7634 2

// Botan's AEAD object for `mode` and `direction`, one per thread, created when first asked
// for; throws, as SkCipher::create expects of an unsupported mode, when Botan has no `mode`.
// Creating one by name for each message was 5% of a responder's CPU (perf, issue 13).
Botan::AEAD_Mode& shared_mode(const std::string& mode, Botan::Cipher_Dir direction) {
    thread_local std::map<std::pair<std::string, Botan::Cipher_Dir>, std::unique_ptr<Botan::AEAD_Mode>> modes;
    auto& m = modes[{mode, direction}];
    if (!m) m = Botan::AEAD_Mode::create_or_throw(mode, direction);
    return *m;
}

// The thread's object keyed for one operation, and cleared after it (its key schedule
// zeroised) whether the operation succeeded or threw.
class Keyed {
public:
    Keyed(const std::string& mode, Botan::Cipher_Dir direction, base::ByteView key)
        : mode_(shared_mode(mode, direction)) {
        mode_.set_key(key.data(), key.size());
    }
    ~Keyed() { mode_.clear(); }
    Keyed(const Keyed&) = delete;
    Keyed& operator=(const Keyed&) = delete;
    Botan::AEAD_Mode* operator->() { return &mode_; }

private:
    Botan::AEAD_Mode& mode_;
};

class Aead final : public SkCipher {
public:
    Aead(const std::string& mode, base::ByteView key_with_salt, std::size_t icv)
        : mode_(mode), key_(key_with_salt.begin(), key_with_salt.end() - kSalt), icv_(icv) {
        shared_mode(mode_, Botan::ENCRYPTION);  // throws if Botan lacks the mode
        shared_mode(mode_, Botan::DECRYPTION);
        std::copy(key_with_salt.end() - kSalt, key_with_salt.end(), salt_.begin());
    }

    std::size_t iv_size() const override { return kIv; }
    std::size_t icv_size() const override { return icv_; }
    std::size_t block_size() const override { return 1; }  // counter-mode ciphers need no alignment

protected:
    void seal_padded(base::ByteView aad, base::SecretBytes& padded, base::Bytes& out) override {
        const auto n = nonce(out);
        Keyed encrypt(mode_, Botan::ENCRYPTION, key_);
        encrypt->set_associated_data(aad.data(), aad.size());
        encrypt->start(n.data(), n.size());
        encrypt->finish(padded);
        out.insert(out.end(), padded.begin(), padded.end());
    }

    base::Result<base::SecretBytes> open_padded(base::ByteView aad, base::ByteView body) override {
        if (body.size() < kIv + icv_ + 1) return base::fail("SK payload: shorter than IV, pad length and ICV");
        Botan::secure_vector<std::uint8_t> buf(body.begin() + kIv, body.end());
        try {
            Keyed decrypt(mode_, Botan::DECRYPTION, key_);
            decrypt->set_associated_data(aad.data(), aad.size());
            const auto n = nonce(body.first(kIv));
            decrypt->start(n.data(), n.size());
            decrypt->finish(buf);
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

    std::string mode_;
    base::SecretBytes key_;
    std::array<std::uint8_t, kSalt> salt_{};
    std::size_t icv_;
};

}  // namespace

std::unique_ptr<SkCipher> make_aead(const std::string& botan_mode, base::ByteView key_with_salt, std::size_t icv) {
    return std::make_unique<Aead>(botan_mode, key_with_salt, icv);
}

}  // namespace ike::crypto::sk
