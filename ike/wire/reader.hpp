// The only way the codec reads bytes: a bounds-checked cursor in the spirit of Botan's
// TLS_Data_Reader. A read past the end or a length outside its allowed range never touches
// memory out of bounds: it returns zeros/empty, leaves the cursor in place and makes the
// reader "failed" (sticky), so a decoder checks once per structure instead of per field.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace ike::wire {

class Reader {
public:
    // base_offset: where `data` starts in the datagram, so errors report absolute offsets.
    explicit Reader(base::ByteView data, std::size_t base_offset = 0);

    std::uint8_t get_u8();
    std::uint16_t get_u16();  // network byte order
    std::uint32_t get_u32();
    std::uint64_t get_u64();
    base::ByteView get_bytes(std::size_t len);
    // `len` bytes, which must also lie within [min, max] (lengths read off the wire).
    base::ByteView get_range(std::size_t len, std::size_t min, std::size_t max);
    base::ByteView get_rest();
    // The next `len` bytes as their own reader (a nested structure), skipping past them.
    Reader sub_reader(std::size_t len);
    void skip(std::size_t len) { (void)get_bytes(len); }

    std::size_t remaining() const { return failed_ ? 0 : data_.size() - pos_; }
    bool empty() const { return remaining() == 0; }
    std::size_t offset() const { return base_ + pos_; }  // absolute offset of the cursor

    bool failed() const { return failed_; }
    const char* error() const { return error_; }  // "truncated" or "length out of range"
    // Marks the reader failed with a decoder's own reason (first failure wins).
    void fail(const char* reason);

private:
    bool take(std::size_t len);

    base::ByteView data_;
    std::size_t base_ = 0;
    std::size_t pos_ = 0;
    bool failed_ = false;
    const char* error_ = "";
};

}  // namespace ike::wire
