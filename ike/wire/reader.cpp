#include "ike/wire/reader.hpp"

namespace ike::wire {

Reader::Reader(base::ByteView data, std::size_t base_offset) : data_(data), base_(base_offset) {}

void Reader::fail(const char* reason) {
    if (failed_) return;
    failed_ = true;
    error_ = reason;
}

bool Reader::take(std::size_t len) {
    if (failed_) return false;
    if (len > data_.size() - pos_) {
        fail("truncated");
        return false;
    }
    return true;
}

std::uint8_t Reader::get_u8() {
    if (!take(1)) return 0;
    return data_[pos_++];
}

std::uint16_t Reader::get_u16() {
    if (!take(2)) return 0;
    auto v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
}

std::uint32_t Reader::get_u32() {
    std::uint32_t hi = get_u16();
    return hi << 16 | get_u16();
}

std::uint64_t Reader::get_u64() {
    std::uint64_t hi = get_u32();
    return hi << 32 | get_u32();
}

base::ByteView Reader::get_bytes(std::size_t len) {
    if (!take(len)) return {};
    auto v = data_.subspan(pos_, len);
    pos_ += len;
    return v;
}

base::ByteView Reader::get_range(std::size_t len, std::size_t min, std::size_t max) {
    if (!failed_ && (len < min || len > max)) fail("length out of range");
    return get_bytes(len);
}

base::ByteView Reader::get_rest() { return get_bytes(remaining()); }

Reader Reader::sub_reader(std::size_t len) {
    std::size_t start = offset();
    Reader sub(get_bytes(len), start);
    if (failed_) sub.fail(error_);
    return sub;
}

}  // namespace ike::wire
