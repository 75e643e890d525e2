// Data attributes in the format IKEv2 transforms (RFC 7296 3.3.5) and ISAKMP SAs (RFC 2408
// 3.3) share: a 16-bit word whose top bit (AF) selects TV (2-byte value inline) or TLV.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "ike/wire/reader.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire {

struct DataAttribute {
    std::uint16_t type = 0;     // without the AF bit
    bool is_tv = true;          // AF=1: the value is tv_value; AF=0: tlv_value
    std::uint16_t tv_value = 0;
    base::Bytes tlv_value;

    static DataAttribute tv(std::uint16_t type, std::uint16_t value) { return {type, true, value, {}}; }
    static DataAttribute tlv(std::uint16_t type, base::Bytes value) { return {type, false, 0, std::move(value)}; }
    bool operator==(const DataAttribute&) const = default;
};

// Reads attributes until `r` is exhausted; more than `max_count` fails the reader.
std::vector<DataAttribute> read_attributes(Reader& r, std::size_t max_count);
void write_attributes(Writer& w, const std::vector<DataAttribute>& attributes);

}  // namespace ike::wire
