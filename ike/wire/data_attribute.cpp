#include "ike/wire/data_attribute.hpp"

#include <limits>

namespace ike::wire {

namespace {
constexpr std::uint16_t kFormatTv = 0x8000;  // AF bit
}

std::vector<DataAttribute> read_attributes(Reader& r, std::size_t max_count) {
    std::vector<DataAttribute> out;
    while (!r.empty()) {
        if (out.size() == max_count) {
            r.fail("too many attributes");
            break;
        }
        std::uint16_t word = r.get_u16();
        auto type = static_cast<std::uint16_t>(word & ~kFormatTv);
        if (word & kFormatTv) {
            out.push_back({type, r.get_u16()});
        } else {
            std::uint16_t len = r.get_u16();
            auto value = r.get_bytes(len);
            out.push_back({type, base::Bytes(value.begin(), value.end())});
        }
    }
    return out;
}

void write_attributes(Writer& w, const std::vector<DataAttribute>& attributes) {
    for (const auto& a : attributes) {
        if (const auto* tv = std::get_if<std::uint16_t>(&a.value)) {
            w.put_u16(static_cast<std::uint16_t>(a.type | kFormatTv));
            w.put_u16(*tv);
        } else {
            const auto& tlv = std::get<base::Bytes>(a.value);
            w.put_u16(static_cast<std::uint16_t>(a.type & ~kFormatTv));
            auto at = w.reserve_u16();
            w.put_bytes(tlv);
            w.patch_length_u16(at, at + 2);
        }
    }
}

}  // namespace ike::wire
