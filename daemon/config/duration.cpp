#include "daemon/config/duration.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace ipsecd::config {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    struct Unit {
        char suffix;
        std::int64_t seconds;
    };
    constexpr std::array<Unit, 4> kUnits{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};
    constexpr std::int64_t kMax = 10LL * 365 * 86400;  // ten years is beyond any lifetime
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    std::size_t next_unit = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p != end) {
        std::int64_t n = 0;
        auto [after, ec] = std::from_chars(p, end, n);
        if (ec != std::errc{} || n < 0 || n > kMax) return std::nullopt;
        p = after;
        if (p == end) {
            if (next_unit != 0) return std::nullopt;  // "1h30" is ambiguous
            total = n;
            break;
        }
        while (next_unit < kUnits.size() && kUnits[next_unit].suffix != *p) ++next_unit;
        if (next_unit == kUnits.size()) return std::nullopt;
        total += n * kUnits[next_unit++].seconds;
        if (total > kMax) return std::nullopt;
        ++p;
    }
    return std::chrono::seconds(total);
}

}  // namespace ipsecd::config
