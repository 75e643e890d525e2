// The daemon's random source (issue 13: a system call per nonce, SPI, IV and private value was
// a visible share of a handshake's CPU). A fast-key-erasure generator (Bernstein, 2017; the
// design of OpenBSD's arc4random and of Linux's own CRNG): each ChaCha20 run under the current
// key yields the next key and a block of output; the block is wiped as it is served and the
// old key and cipher state are wiped at once, so memory never reveals an output already given
// (backtracking resistance). The key comes from `kernel` and has `kernel` mixed into it again
// after every `reseed_after` bytes served, which bounds what a state compromise predicts.
// RFC 7296 asks for unpredictable nonces and SPIs (2.10, 2.6) and fresh DH values (2.12): a
// 256-bit key from the kernel's CSPRNG gives that. Not thread-safe (the engines run on one
// thread) and not fork-safe: ipsecd never draws in a child process.
#pragma once

#include <cstddef>
#include <memory>

#include "base/secret.hpp"
#include "ike/crypto/rng.hpp"

namespace Botan {
class StreamCipher;
}

namespace ike::crypto {

class FastKeyErasureRng final : public Rng {
public:
    static constexpr std::size_t kReseedAfter = 64 * 1024;
    explicit FastKeyErasureRng(Rng& kernel, std::size_t reseed_after = kReseedAfter);
    ~FastKeyErasureRng() override;
    void fill(std::span<std::uint8_t> out) override;

private:
    void refill();
    Rng& kernel_;
    const std::size_t reseed_after_;
    std::size_t served_since_reseed_ = 0;
    std::unique_ptr<Botan::StreamCipher> chacha_;
    base::SecretBytes key_;
    base::SecretBytes block_;  // output not served yet: block_[next_..]
    std::size_t next_ = 0;
};

}  // namespace ike::crypto
