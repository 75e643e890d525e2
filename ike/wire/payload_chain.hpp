// The payload chain both IKE versions use (RFC 7296 3.2, RFC 2408 3.2): each payload's
// generic header names the type of the next one, 0 after the last.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "ike/wire/limits.hpp"
#include "ike/wire/parse_error.hpp"
#include "ike/wire/payload_header.hpp"

namespace ike::wire {

// The payloads of most messages: IKE_SA_INIT carries SA, KE, Nonce and four notifies.
inline constexpr std::size_t kTypicalPayloads = 8;

// Walks the chain from `first` until Next Payload 0, at most limits::kMaxPayloads payloads.
// decode_one(type, header, body, start) decodes one payload (`start`: the offset of its
// generic header); a payload for which ends_chain(type) holds ends the chain whatever its
// Next Payload says (IKEv2's SK and SKF, whose Next Payload starts the inner chain). Bytes
// left after the chain are the caller's business. `name(type)` names a payload in errors.
template <class Payload, class Type, class Name, class DecodeOne, class EndsChain>
ParseResult<std::vector<Payload>> read_chain(Reader& r, Type first, std::uint16_t notify, Name&& name,
                                             DecodeOne&& decode_one, EndsChain&& ends_chain) {
    std::vector<Payload> out;
    out.reserve(kTypicalPayloads);  // one allocation for most messages, not one per doubling
    for (Type type = first; type != Type::none;) {
        if (out.size() == limits::kMaxPayloads) return reject("too many payloads", r.offset(), notify);
        const std::size_t start = r.offset();
        PayloadHeader h;
        Reader body = read_payload_header(r, h);
        if (r.failed()) return reject(r, name(type), notify);
        auto p = decode_one(type, h, body, start);
        if (!p) return base::Unexpected{p.error()};
        out.push_back(std::move(*p));
        type = ends_chain(type) ? Type::none : static_cast<Type>(h.next);
    }
    return out;
}

// Writes `payloads` as a chain. header(payload, after) gives the payload's Next Payload and
// flags, `after` being the payload that follows it (nullptr for the last: Next Payload 0,
// except IKEv2's SK and SKF, which name their first inner payload); write_body(payload)
// writes its body.
template <class Payload, class HeaderOf, class WriteBody>
void write_payload_chain(Writer& w, std::span<const Payload> payloads, HeaderOf&& header, WriteBody&& write_body) {
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        const PayloadHeader h = header(payloads[i], i + 1 < payloads.size() ? &payloads[i + 1] : nullptr);
        const std::size_t start = begin_payload(w, h.next, h.flags);
        write_body(payloads[i]);
        end_payload(w, start);
    }
}

}  // namespace ike::wire
