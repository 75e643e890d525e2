// The only way the codec writes bytes: appends in network byte order, and fills in a length
// field once the structure it measures is complete.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace ike::wire {

class Writer {
public:
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
    base::Bytes take() { return std::move(out_); }

private:
    base::Bytes out_;
};

}  // namespace ike::wire
