#include "ike/wire/writer.hpp"

#include <cassert>
#include <limits>

namespace ike::wire {

void Writer::put_u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
}

void Writer::put_u32(std::uint32_t v) {
    put_u16(static_cast<std::uint16_t>(v >> 16));
    put_u16(static_cast<std::uint16_t>(v));
}

void Writer::put_u64(std::uint64_t v) {
    put_u32(static_cast<std::uint32_t>(v >> 32));
    put_u32(static_cast<std::uint32_t>(v));
}

std::size_t Writer::reserve_u16() {
    put_u16(0);
    return out_.size() - 2;
}

std::size_t Writer::reserve_u32() {
    put_u32(0);
    return out_.size() - 4;
}

void Writer::patch_length_u16(std::size_t at, std::size_t from) {
    std::size_t len = out_.size() - from;
    assert(len <= std::numeric_limits<std::uint16_t>::max());
    if (len > std::numeric_limits<std::uint16_t>::max()) len = std::numeric_limits<std::uint16_t>::max();
    out_[at] = static_cast<std::uint8_t>(len >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(len);
}

void Writer::patch_length_u32(std::size_t at, std::size_t from) {
    auto len = static_cast<std::uint32_t>(out_.size() - from);
    out_[at] = static_cast<std::uint8_t>(len >> 24);
    out_[at + 1] = static_cast<std::uint8_t>(len >> 16);
    out_[at + 2] = static_cast<std::uint8_t>(len >> 8);
    out_[at + 3] = static_cast<std::uint8_t>(len);
}

}  // namespace ike::wire
