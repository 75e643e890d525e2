#include "ike/v1/payload_bytes.hpp"

namespace ike::v1 {

namespace {

struct Entry {
    std::size_t offset, length;
    std::uint8_t next;
};

// The generic payload header at `offset` (RFC 2408 3.2), if it fits the chain.
std::optional<Entry> entry_at(base::ByteView chain, std::size_t offset) {
    if (chain.size() - offset < 4) return std::nullopt;
    const std::size_t length = std::size_t{chain[offset + 2]} << 8 | chain[offset + 3];
    if (length < 4 || length > chain.size() - offset) return std::nullopt;
    return Entry{offset, length, chain[offset]};
}

}  // namespace

std::optional<base::ByteView> raw_body(base::ByteView chain, wire::v1::PayloadType first, wire::v1::PayloadType type) {
    auto current = static_cast<std::uint8_t>(first);
    std::size_t offset = 0;
    while (current != 0 && offset < chain.size()) {
        const auto e = entry_at(chain, offset);
        if (!e) return std::nullopt;
        if (current == static_cast<std::uint8_t>(type)) return chain.subspan(e->offset + 4, e->length - 4);
        current = e->next;
        offset += e->length;
    }
    return std::nullopt;
}

std::optional<base::ByteView> after_first(base::ByteView chain) {
    auto e = entry_at(chain, 0);
    if (!e) return std::nullopt;
    const std::size_t start = e->length;
    std::size_t offset = start;
    while (e->next != 0) {
        e = entry_at(chain, offset);
        if (!e) return std::nullopt;
        offset += e->length;
    }
    return chain.subspan(start, offset - start);
}

}  // namespace ike::v1
