#include "ike/crypto/fast_key_erasure_rng.hpp"

#include <botan/mem_ops.h>
#include <botan/stream_cipher.h>

#include <algorithm>

namespace ike::crypto {

namespace {

constexpr std::size_t kKeyLength = 32;     // ChaCha20
constexpr std::size_t kBlockLength = 512;  // 8 ChaCha20 blocks per run: the next key, 480 bytes served

}  // namespace

FastKeyErasureRng::FastKeyErasureRng(Rng& kernel, std::size_t reseed_after)
    : kernel_(kernel),
      reseed_after_(reseed_after),
      chacha_(Botan::StreamCipher::create_or_throw("ChaCha(20)")),
      key_(kKeyLength),
      block_(kBlockLength),
      next_(kBlockLength) {
    kernel_.fill(key_);
}

FastKeyErasureRng::~FastKeyErasureRng() = default;

void FastKeyErasureRng::fill(std::span<std::uint8_t> out) {
    while (!out.empty()) {
        if (next_ == block_.size()) refill();
        const std::size_t n = std::min(out.size(), block_.size() - next_);
        std::copy_n(block_.begin() + static_cast<std::ptrdiff_t>(next_), n, out.begin());
        Botan::secure_scrub_memory(block_.data() + next_, n);
        next_ += n;
        served_since_reseed_ += n;
        out = out.subspan(n);
    }
}

// The run's first 32 bytes are the next key; the cipher forgets the key it ran under.
void FastKeyErasureRng::refill() {
    if (served_since_reseed_ >= reseed_after_) {
        base::SecretBytes fresh(kKeyLength);
        kernel_.fill(fresh);
        Botan::xor_buf(key_.data(), fresh.data(), kKeyLength);
        served_since_reseed_ = 0;
    }
    chacha_->set_key(key_);
    chacha_->set_iv(nullptr, 0);
    chacha_->write_keystream(block_.data(), block_.size());
    chacha_->clear();
    std::copy_n(block_.begin(), kKeyLength, key_.begin());
    Botan::secure_scrub_memory(block_.data(), kKeyLength);
    next_ = kKeyLength;
}

}  // namespace ike::crypto
