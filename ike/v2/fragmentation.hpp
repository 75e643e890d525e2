// IKE message fragmentation (RFC 7383): the plaintext of an SK payload split into Encrypted
// Fragment (SKF) payloads on send, and the peer's authenticated fragments put back together
// on receive. No crypto here: protection.cpp seals and verifies each fragment.
//
// Path limit: EngineOptions::fragment_size bounds the whole IP packet, for both families.
// Its default 1280 is the IPv6 minimum MTU (RFC 7383 2.5.1 suggests it for IPv6); for IPv4
// we use the same value rather than 576, as strongSwan does: paths below 1280 are rare and
// 576 would triple the fragment count. Configure 576 for strict IPv4 paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/secret.hpp"
#include "ike/crypto/sk_cipher.hpp"
#include "ike/wire/message.hpp"
#include "net/address.hpp"

namespace ike::v2::fragmentation {

// Bounds on one reassembly: more fragments or more plaintext than this and the message is
// rejected (our own sending refuses to exceed them too).
inline constexpr std::size_t kMaxFragments = 32;
inline constexpr std::size_t kMaxMessageBytes = 64 * 1024;

// Bound on the reassembly memory of all IKE SAs of an engine together. Every IKE SA, a
// half-open one as soon as it has keys, may hold kMaxMessageBytes for as long as its
// fragments stay incomplete (until it times out), so a peer opening many IKE SAs could
// otherwise pin memory without limit. 1 MiB holds 16 largest messages at once; real ones
// (certificate chains in IKE_AUTH) are a few KiB.
inline constexpr std::size_t kReassemblyBudget = 1024 * 1024;

// The largest IKE message (UDP payload) whose IP packet stays within `path_limit`: IP and UDP
// headers, and the non-ESP marker on port 4500 (RFC 3948 2.2), come off.
std::size_t max_message_size(std::size_t path_limit, const net::Endpoint& local, const net::Endpoint& remote,
                             std::uint16_t natt_port);

// Inner plaintext bytes per fragment so that each fragment's datagram (IKE header, SKF
// header, IV, padded ciphertext, ICV) fits `max_message`; 0 if not even one byte fits.
std::size_t fragment_capacity(const crypto::SkCipher& cipher, std::size_t max_message);

// `plain` cut into SKF payloads of at most `capacity` bytes each, numbered 1..N with the
// total N in each and the first inner payload type only in the first (RFC 7383 2.5). Each
// body holds that fragment's plaintext, to be sealed in place of it.
base::Result<std::vector<wire::EncryptedFragment>> split(wire::PayloadType first_inner, base::ByteView plain,
                                                         std::size_t capacity);

// A fragment other than the first: a retransmitted request of which it is part must not
// trigger our cached response once per fragment, only on fragment 1 (RFC 7383 2.6.1).
bool later_fragment(const wire::Message& message);

// The inner chain of a completely reassembled message, as if it came in one SK payload.
struct Reassembled {
    wire::PayloadType first_inner = wire::PayloadType::none;
    base::SecretBytes plain;
};

// The fragment bytes an engine's reassemblies may hold together; each Reassembly attached
// to it takes what it stores and gives it back when the message completes or is dropped,
// or when the Reassembly goes (its IKE SA closed or timed out).
class Budget {
public:
    explicit Budget(std::size_t limit = kReassemblyBudget) : limit_(limit) {}
    Budget(const Budget&) = delete;
    Budget& operator=(const Budget&) = delete;

    // Takes `bytes` if they fit under the limit; false, taking nothing, if not.
    bool take(std::size_t bytes);
    void give_back(std::size_t bytes);
    std::size_t used() const { return used_; }
    std::size_t limit() const { return limit_; }

private:
    std::size_t limit_;
    std::size_t used_ = 0;
};

// The fragments of one message in one direction of an IKE SA. Only authenticated
// fragments are added (RFC 7383 2.6.1: an unverified fragment must not be stored).
class Reassembly {
public:
    Reassembly() = default;
    Reassembly(Reassembly&& other) noexcept;  // takes over other's fragments and budget
    Reassembly& operator=(Reassembly&& other) noexcept;
    ~Reassembly() { clear(); }

    // From now on what this stores counts against `budget` (which must outlive it): a
    // fragment that does not fit is refused like one beyond kMaxMessageBytes. Without a
    // budget only the per-message bounds apply. Attach while empty.
    void attach(Budget& budget) { budget_ = &budget; }

    // Adds the decrypted plaintext of fragment `fragment.number` of message `message_id`.
    // The whole message once its last fragment is in; nullopt while incomplete or for a
    // duplicate or stale fragment; an error when a bound (or the budget) is exceeded: what
    // was collected of that message is then discarded, and the peer's retransmission of the
    // whole message starts it again.
    base::Result<std::optional<Reassembled>> add(std::uint32_t message_id, const wire::EncryptedFragment& fragment,
                                                 base::SecretBytes plain);
    void clear();
    std::size_t fragments() const;  // stored so far
    std::size_t bytes() const { return collected_ ? collected_->bytes : 0; }

private:
    void restart(std::uint32_t message_id, std::uint16_t total);

    // What is collected of one message; on the heap only while there is some (every IKE SA
    // has two Reassemblies, and most never see a fragment).
    struct Collected {
        std::uint32_t message_id = 0;
        wire::PayloadType first_inner = wire::PayloadType::none;
        std::size_t bytes = 0;
        std::vector<std::optional<base::SecretBytes>> parts;  // index = fragment number - 1
    };
    Budget* budget_ = nullptr;
    std::unique_ptr<Collected> collected_;  // null: nothing collected
};

}  // namespace ike::v2::fragmentation
