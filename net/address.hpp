// IP addresses, prefixes and endpoints: the vocabulary shared by ike/, xfrm/ and daemon/.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace net {

enum class Family : std::uint8_t { v4 = 4, v6 = 6 };

// An IPv4 or IPv6 address in network byte order (IPv4 uses bytes[0..3]).
struct Address {
    Family family = Family::v4;
    std::array<std::uint8_t, 16> bytes{};

    static std::optional<Address> parse(std::string_view text);
    static Address v4(std::uint32_t host_order);
    static Address any(Family f) { return Address{f, {}}; }

    std::size_t size() const { return family == Family::v4 ? 4 : 16; }
    unsigned max_prefix() const { return family == Family::v4 ? 32 : 128; }
    bool is_any() const;
    std::string str() const;

    auto operator<=>(const Address&) const = default;
};

// A network: address with the host bits cleared, and a prefix length.
struct Prefix {
    Address address;
    std::uint8_t length = 0;

    // "10.1.0.0/24", "2001:db8::/32"; a bare address is a host prefix. Host bits must be zero.
    static std::optional<Prefix> parse(std::string_view text);
    static Prefix host(const Address& a) { return {a, static_cast<std::uint8_t>(a.max_prefix())}; }
    // The prefix of this length starting at `a`; nullopt if `a` has host bits set.
    static std::optional<Prefix> of(const Address& a, unsigned length);
    std::string str() const;
    bool contains(const Address& a) const;
    // First and last address covered (traffic selectors are ranges, RFC 7296 3.13.1).
    Address first() const { return address; }
    Address last() const;

    auto operator<=>(const Prefix&) const = default;
};

// Address arithmetic for address pools: `a` moved up by `n` or down by one (wrapping within
// its family), and the number of addresses from `a` to `b` (b >= a, same family), saturated
// at 2^64 - 1.
Address advance(const Address& a, std::uint64_t n);
Address previous(const Address& a);
std::uint64_t distance(const Address& a, const Address& b);

struct Endpoint {
    Address address;
    std::uint16_t port = 0;

    std::string str() const;  // "192.0.2.1:500", "[2001:db8::1]:4500"
    auto operator<=>(const Endpoint&) const = default;
};

}  // namespace net
