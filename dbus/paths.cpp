#include "dbus/paths.hpp"

#include <charconv>
#include <cstdlib>
#include <memory>

#include <systemd/sd-bus.h>

namespace ipsecd::bus {

namespace {

constexpr std::string_view kIkePrefix = "ike_";
constexpr std::string_view kChildPrefix = "child_";

struct FreeDeleter {
    void operator()(char* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

// Lower-case, zero-padded to `digits` (no printf: a path per property of every signal).
std::string hex(std::uint64_t value, int digits) {
    std::string out(static_cast<std::size_t>(digits), '0');
    for (auto i = out.rbegin(); i != out.rend() && value; ++i, value >>= 4) *i = "0123456789abcdef"[value & 15];
    return out;
}

// "ike_0123456789abcdef" -> the number; exact width, lower-case hex only.
template <class T>
std::optional<T> parse_hex_segment(std::string_view segment, std::string_view prefix) {
    constexpr std::size_t digits = sizeof(T) * 2;
    if (segment.size() != prefix.size() + digits || !segment.starts_with(prefix)) return std::nullopt;
    auto text = segment.substr(prefix.size());
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::string connection_path(std::string_view name) {
    char* out = nullptr;
    // sd_bus_path_encode escapes every byte outside [A-Za-z0-9] as _XX, and "" as "_".
    if (sd_bus_path_encode(kConnectionPrefix, std::string(name).c_str(), &out) < 0) return {};
    return CString(out).get();
}

std::string ike_sa_path(std::string_view connection, std::uint64_t local_spi) {
    return connection_path(connection) + "/" + std::string(kIkePrefix) + hex(local_spi, 16);
}

std::string child_sa_path(std::string_view connection, std::uint64_t ike_local_spi,
                          std::uint32_t spi_in) {
    return child_sa_path_below(ike_sa_path(connection, ike_local_spi), spi_in);
}

std::string child_sa_path(std::string_view connection, std::uint32_t spi_in) {
    return child_sa_path_below(connection_path(connection), spi_in);
}

std::string child_sa_path_below(std::string_view parent, std::uint32_t spi_in) {
    std::string path(parent);
    path += '/';
    path += kChildPrefix;
    return path += hex(spi_in, 8);
}

std::string parent_path(std::string_view path) { return std::string(path.substr(0, path.rfind('/'))); }

std::optional<ObjectRef> parse_path(std::string_view path) {
    std::string_view prefix = kConnectionPrefix;
    if (!path.starts_with(prefix) || path.size() <= prefix.size() + 1 ||
        path[prefix.size()] != '/' || path.back() == '/')
        return std::nullopt;
    auto rest = path.substr(prefix.size() + 1);
    auto next_segment = [&rest]() {
        auto slash = rest.find('/');
        auto segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        return segment;
    };
    auto encoded = next_segment();
    char* name = nullptr;
    auto whole = std::string(prefix) + "/" + std::string(encoded);
    if (sd_bus_path_decode(whole.c_str(), kConnectionPrefix, &name) <= 0) return std::nullopt;
    ObjectRef ref{CString(name).get(), std::nullopt, std::nullopt};
    // Reject non-canonical spellings so every object has exactly one path.
    if (connection_path(ref.connection) != whole) return std::nullopt;
    if (rest.empty()) return ref;
    auto segment = next_segment();
    if (segment.starts_with(kChildPrefix)) {  // an SA of no IKE SA
        ref.child_spi = parse_hex_segment<std::uint32_t>(segment, kChildPrefix);
        if (!ref.child_spi || !rest.empty()) return std::nullopt;
        return ref;
    }
    ref.ike_spi = parse_hex_segment<std::uint64_t>(segment, kIkePrefix);
    if (!ref.ike_spi) return std::nullopt;
    if (rest.empty()) return ref;
    ref.child_spi = parse_hex_segment<std::uint32_t>(next_segment(), kChildPrefix);
    if (!ref.child_spi || !rest.empty()) return std::nullopt;
    return ref;
}

}  // namespace ipsecd::bus
