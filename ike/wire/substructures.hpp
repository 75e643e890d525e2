// Runs of substructures inside an SA payload (proposals, transforms: RFC 7296 3.3.1-3.3.2,
// RFC 2408 3.5-3.6). Each sits behind a generic header whose first octet is `more` when
// another follows and 0 after the last; both IKE versions lay them out this way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ike/wire/parse_error.hpp"
#include "ike/wire/payload_header.hpp"

namespace ike::wire {

// Reads exactly `count` substructures (transforms, whose number the proposal states), or,
// without a count, until the 0 marker (proposals); never more than `max`. read_one(body,
// read_so_far) returns ParseResult<T>.
template <class T, class ReadOne>
ParseResult<std::vector<T>> read_substructures(Reader& r, std::optional<std::size_t> count, std::size_t max,
                                               std::uint8_t more, std::string_view what, std::uint16_t notify,
                                               ReadOne&& read_one) {
    std::vector<T> out;
    PayloadHeader h{.next = more};
    while (count ? out.size() < *count : h.next == more) {
        if (out.size() == max) r.fail("too many substructures");
        Reader body = read_payload_header(r, h);
        if (!r.failed() && count && h.next != (out.size() + 1 == *count ? 0 : more)) r.fail("count mismatch");
        if (!r.failed() && !count && h.next != 0 && h.next != more) r.fail("bad Last Substruc");
        if (r.failed()) return reject(r, what, notify);
        auto item = read_one(body, static_cast<const std::vector<T>&>(out));
        if (!item) return base::Unexpected{item.error()};
        out.push_back(std::move(*item));
    }
    return out;
}

template <class T, class WriteOne>
void write_substructures(Writer& w, const std::vector<T>& items, std::uint8_t more, WriteOne&& write_one) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto start = begin_payload(w, i + 1 < items.size() ? more : 0, 0);
        write_one(items[i]);
        end_payload(w, start);
    }
}

}  // namespace ike::wire
