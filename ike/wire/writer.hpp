// The only way the codec writes bytes: appends in network byte order, and fills in a length
// field once the structure it measures is complete.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace ike::wire {

class Writer {
public:
    // Room for a typical IKE message from the start: appending byte by byte would
    // reallocate and copy it some nine times on its way to a few hundred bytes.
    Writer() { out_.reserve(kTypicalSize); }

    void put_u8(std::uint8_t v) { out_.push_back(v); }
    void put_u16(std::uint16_t v);
    void put_u32(std::uint32_t v);
    void put_u64(std::uint64_t v);
    void put_bytes(base::ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }

    // A 16/32-bit placeholder to patch later; returns its position.
    std::size_t reserve_u16();
    std::size_t reserve_u32();
    // Writes the number of bytes from `from` to the end at the placeholder `at`. A structure
    // longer than its length field can express is a caller bug (asserted), never truncated
    // silently in release: the value saturates and the peer rejects it.
    void patch_length_u16(std::size_t at, std::size_t from);
    void patch_length_u32(std::size_t at, std::size_t from);

    std::size_t size() const { return out_.size(); }
    // Exactly as long as what was written: messages are kept (the response cache, the signed
    // octets of IKE_SA_INIT, RFC 7296 2.15).
    base::Bytes take() {
        out_.shrink_to_fit();
        return std::move(out_);
    }

private:
    static constexpr std::size_t kTypicalSize = 512;
    base::Bytes out_;
};

}  // namespace ike::wire
