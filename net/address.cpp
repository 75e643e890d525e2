#include "net/address.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace net {

std::optional<Address> Address::parse(std::string_view text) {
    if (text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    std::string s(text);
    Address a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
        a.family = Family::v4;
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
        a.family = Family::v6;
        return a;
    }
    return std::nullopt;
}

Address Address::v4(std::uint32_t h) {
    Address a;
    a.bytes[0] = static_cast<std::uint8_t>(h >> 24);
    a.bytes[1] = static_cast<std::uint8_t>(h >> 16);
    a.bytes[2] = static_cast<std::uint8_t>(h >> 8);
    a.bytes[3] = static_cast<std::uint8_t>(h);
    return a;
}

bool Address::is_any() const {
    for (std::size_t i = 0; i < size(); ++i)
        if (bytes[i] != 0) return false;
    return true;
}

std::string Address::str() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family == Family::v4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
    return buf;
}

static bool bit(const Address& a, unsigned i) { return a.bytes[i / 8] & (0x80 >> (i % 8)); }

std::optional<Prefix> Prefix::of(const Address& a, unsigned length) {
    if (length > a.max_prefix()) return std::nullopt;
    for (unsigned i = length; i < a.max_prefix(); ++i)
        if (bit(a, i)) return std::nullopt;
    return Prefix{a, static_cast<std::uint8_t>(length)};
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
    auto slash = text.find('/');
    auto addr = Address::parse(text.substr(0, slash));
    if (!addr) return std::nullopt;
    unsigned len = addr->max_prefix();
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
        if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty())
            return std::nullopt;
    }
    return of(*addr, len);
}

std::string Prefix::str() const { return address.str() + "/" + std::to_string(length); }

bool Prefix::contains(const Address& a) const {
    if (a.family != address.family) return false;
    for (unsigned i = 0; i < length; ++i)
        if (bit(a, i) != bit(address, i)) return false;
    return true;
}

Address Prefix::last() const {
    Address a = address;
    for (unsigned i = length; i < a.max_prefix(); ++i)
        a.bytes[i / 8] = static_cast<std::uint8_t>(a.bytes[i / 8] | (0x80 >> (i % 8)));
    return a;
}

Address advance(const Address& a, std::uint64_t n) {
    Address out = a;
    unsigned carry = 0;
    for (std::size_t i = a.size(); i-- > 0 && (n != 0 || carry != 0); n >>= 8) {
        const unsigned sum = out.bytes[i] + static_cast<unsigned>(n & 0xff) + carry;
        out.bytes[i] = static_cast<std::uint8_t>(sum);
        carry = sum >> 8;
    }
    return out;
}

Address previous(const Address& a) {
    Address out = a;
    for (std::size_t i = a.size(); i-- > 0;)
        if (out.bytes[i]-- != 0) break;
    return out;
}

std::uint64_t distance(const Address& a, const Address& b) {
    std::uint64_t d = 0;
    int borrow = 0;
    std::uint64_t scale = 1;
    for (std::size_t i = a.size(); i-- > 0;) {
        int diff = b.bytes[i] - a.bytes[i] - borrow;
        borrow = diff < 0;
        if (borrow) diff += 256;
        const std::size_t byte = a.size() - 1 - i;
        if (byte < 8) d += static_cast<std::uint64_t>(diff) * scale;
        else if (diff != 0) return ~std::uint64_t{0};
        scale <<= 8;
    }
    return d;
}

std::string Endpoint::str() const {
    auto p = std::to_string(port);
    return address.family == Family::v4 ? address.str() + ":" + p : "[" + address.str() + "]:" + p;
}

}  // namespace net
