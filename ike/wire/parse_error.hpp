// A decoding failure as a value: which payload, where, and the Notify to answer with
// (the way Botan's TLS errors carry the Alert). Shared by the IKEv2 and IKEv1 codecs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "ike/wire/reader.hpp"

namespace ike::wire {

struct ParseError {
    std::string what;          // names the payload and the fault, e.g. "SA proposal 1: truncated"
    std::size_t offset = 0;    // byte offset in the decoded buffer where the fault was found
    std::uint16_t notify = 0;  // Notify Message Type to answer with (IKEv2 or IKEv1 numbering)
    base::Bytes notify_data;   // its Notification Data (e.g. the payload type, RFC 7296 3.2)

    bool operator==(const ParseError&) const = default;
};

template <class T>
using ParseResult = base::Result<T, ParseError>;
using ParseStatus = base::Result<void, ParseError>;

inline base::Unexpected<ParseError> reject(std::string what, std::size_t offset, std::uint16_t notify,
                                           base::Bytes notify_data = {}) {
    return {ParseError{std::move(what), offset, notify, std::move(notify_data)}};
}

// The failure recorded in `r`, named after the structure being read.
inline base::Unexpected<ParseError> reject(const Reader& r, std::string_view what, std::uint16_t notify) {
    return reject(std::string(what) + ": " + r.error(), r.offset(), notify);
}

// A structure is well formed when its reader did not fail and was consumed exactly.
template <class T>
ParseResult<T> finish(Reader& r, std::string_view what, std::uint16_t notify, T value) {
    if (!r.failed() && !r.empty()) r.fail("trailing bytes");
    if (r.failed()) return reject(r, what, notify);
    return ParseResult<T>(std::move(value));
}

}  // namespace ike::wire
