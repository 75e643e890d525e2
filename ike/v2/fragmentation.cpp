#include "ike/v2/fragmentation.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "ike/wire/limits.hpp"

namespace ike::v2::fragmentation {

namespace {
constexpr std::size_t kUdpHeader = 8;
constexpr std::size_t kNonEspMarker = 4;
// Generic payload header plus Fragment Number and Total Fragments (RFC 7383 2.5).
constexpr std::size_t kSkfHeader = 8;
}  // namespace

std::size_t max_message_size(std::size_t path_limit, const net::Endpoint& local, const net::Endpoint& remote,
                             std::uint16_t natt_port) {
    const std::size_t ip_header = remote.address.family == net::Family::v4 ? 20 : 40;
    const bool marker = local.port == natt_port || remote.port == natt_port;
    const std::size_t overhead = ip_header + kUdpHeader + (marker ? kNonEspMarker : 0);
    return path_limit > overhead ? path_limit - overhead : 0;
}

std::size_t fragment_capacity(const crypto::SkCipher& cipher, std::size_t max_message) {
    const std::size_t fixed = wire::limits::kHeaderSize + kSkfHeader + cipher.iv_size() + cipher.icv_size();
    if (max_message <= fixed) return 0;
    // The padded plaintext is a multiple of the block size and ends in the pad length octet.
    const std::size_t padded = (max_message - fixed) / cipher.block_size() * cipher.block_size();
    return padded > 1 ? padded - 1 : 0;
}

base::Result<std::vector<wire::EncryptedFragment>> split(wire::PayloadType first_inner, base::ByteView plain,
                                                         std::size_t capacity) {
    if (capacity == 0) return base::fail("fragment size too small for any payload");
    const std::size_t total = std::max<std::size_t>(1, (plain.size() + capacity - 1) / capacity);
    if (total > kMaxFragments)
        return base::fail("message of " + std::to_string(plain.size()) + " bytes needs " + std::to_string(total) +
                          " fragments, more than " + std::to_string(kMaxFragments));
    std::vector<wire::EncryptedFragment> out;
    out.reserve(total);
    for (std::size_t i = 0; i < total; ++i) {
        const base::ByteView chunk = plain.subspan(i * capacity, std::min(capacity, plain.size() - i * capacity));
        // RFC 7383 2.5: Next Payload names the first inner payload in fragment 1, else zero.
        out.push_back({i == 0 ? first_inner : wire::PayloadType::none, static_cast<std::uint16_t>(i + 1),
                       static_cast<std::uint16_t>(total), base::Bytes(chunk.begin(), chunk.end())});
    }
    return out;
}

bool later_fragment(const wire::Message& message) {
    if (message.payloads.empty()) return false;
    const auto* f = std::get_if<wire::EncryptedFragment>(&message.payloads.back());
    return f && f->number != 1;
}

base::Result<std::optional<Reassembled>> Reassembly::add(std::uint32_t message_id,
                                                         const wire::EncryptedFragment& fragment,
                                                         base::SecretBytes plain) {
    using Outcome = std::optional<Reassembled>;
    if (fragment.number == 0 || fragment.number > fragment.total) return base::fail("fragment number out of range");
    if (fragment.total > kMaxFragments)
        return base::fail("fragment " + std::to_string(fragment.number) + " of " + std::to_string(fragment.total) +
                          ": more than " + std::to_string(kMaxFragments) + " fragments");
    // RFC 7383 2.6: fragments of another message replace what was collected (the engine only
    // lets through the message ID it currently expects); so does a larger Total Fragments,
    // the same message re-fragmented smaller on retransmission. A smaller total is stale.
    if (!collected_ || message_id != collected_->message_id || fragment.total > collected_->parts.size())
        restart(message_id, fragment.total);
    else if (fragment.total < collected_->parts.size())
        return Outcome();
    Collected& c = *collected_;
    auto& slot = c.parts[fragment.number - 1u];
    if (slot) return Outcome();  // duplicate
    if (c.bytes + plain.size() > kMaxMessageBytes) {
        clear();
        return base::fail("fragmented message exceeds " + std::to_string(kMaxMessageBytes) + " bytes");
    }
    if (budget_ && !budget_->take(plain.size())) {
        clear();
        return base::fail("reassembly memory of all IKE SAs (" + std::to_string(budget_->limit()) +
                          " bytes) in use, fragment refused");
    }
    if (fragment.number == 1) c.first_inner = fragment.first_inner;
    c.bytes += plain.size();
    slot = std::move(plain);
    if (fragments() < c.parts.size()) return Outcome();
    Reassembled whole{c.first_inner, {}};
    whole.plain.reserve(c.bytes);
    for (const auto& part : c.parts) whole.plain.insert(whole.plain.end(), part->begin(), part->end());
    clear();
    return Outcome(std::move(whole));
}

bool Budget::take(std::size_t bytes) {
    if (bytes > limit_ - used_) return false;
    used_ += bytes;
    return true;
}

void Budget::give_back(std::size_t bytes) { used_ -= bytes; }

Reassembly::Reassembly(Reassembly&& other) noexcept { *this = std::move(other); }

Reassembly& Reassembly::operator=(Reassembly&& other) noexcept {
    if (this == &other) return *this;
    clear();
    budget_ = other.budget_;
    collected_ = std::move(other.collected_);  // its bytes are now ours to give back
    return *this;
}

void Reassembly::restart(std::uint32_t message_id, std::uint16_t total) {
    clear();
    collected_ = std::make_unique<Collected>();
    collected_->message_id = message_id;
    collected_->parts.resize(total);
}

void Reassembly::clear() {
    if (budget_ && collected_) budget_->give_back(collected_->bytes);
    collected_.reset();
}

std::size_t Reassembly::fragments() const {
    if (!collected_) return 0;
    const auto& parts = collected_->parts;
    return static_cast<std::size_t>(std::count_if(parts.begin(), parts.end(), [](const auto& p) { return p.has_value(); }));
}

}  // namespace ike::v2::fragmentation
