// Datagram mutations both engine fuzz targets apply: a forged body behind a real header
// (its SPIs or cookies and message ID, so it reaches an SA's own handler) or random bytes,
// and bit flips with a truncation.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace fuzz {

inline constexpr std::size_t kHeaderSize = 28;  // RFC 7296 3.1 and RFC 2408 3.1 alike

inline base::Bytes forged_bytes(FuzzedDataProvider& in, const base::Bytes* last) {
    base::Bytes bytes;
    if (last && last->size() >= kHeaderSize && in.ConsumeBool()) {
        bytes.assign(last->begin(), last->begin() + kHeaderSize);
        auto body = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 1500));
        bytes.insert(bytes.end(), body.begin(), body.end());
        const auto length = static_cast<std::uint32_t>(bytes.size());
        for (int i = 0; i < 4; ++i) bytes[24 + i] = static_cast<std::uint8_t>(length >> (8 * (3 - i)));
    } else {
        auto random = in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 1500));
        bytes.assign(random.begin(), random.end());
    }
    return bytes;
}

inline void corrupt(FuzzedDataProvider& in, base::Bytes& bytes) {
    const unsigned flips = in.ConsumeIntegralInRange(1, 4);
    for (unsigned i = 0; i < flips && !bytes.empty(); ++i)
        bytes[in.ConsumeIntegralInRange<std::size_t>(0, bytes.size() - 1)] ^= in.ConsumeIntegral<std::uint8_t>() | 1;
    if (in.ConsumeBool() && !bytes.empty()) bytes.resize(in.ConsumeIntegralInRange<std::size_t>(0, bytes.size()));
}

}  // namespace fuzz
