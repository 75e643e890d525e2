#include "ike/wire/data_attribute.hpp"


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
            out.push_back(DataAttribute::tv(type, r.get_u16()));
        } else {
            auto value = r.get_bytes(r.get_u16());
            out.push_back(DataAttribute::tlv(type, base::Bytes(value.begin(), value.end())));
        }
    }
    return out;
}

void write_attributes(Writer& w, const std::vector<DataAttribute>& attributes) {
    for (const auto& a : attributes) {
        if (a.is_tv) {
            w.put_u16(static_cast<std::uint16_t>(a.type | kFormatTv));
            w.put_u16(a.tv_value);
        } else {
            w.put_u16(static_cast<std::uint16_t>(a.type & ~kFormatTv));
            auto at = w.reserve_u16();
            w.put_bytes(a.tlv_value);
            w.patch_length_u16(at, at + 2);
        }
    }
}

}  // namespace ike::wire
