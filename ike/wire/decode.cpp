#include "ike/wire/decode.hpp"

#include <string>
#include <variant>

#include "ike/wire/fixed_header.hpp"
#include "ike/wire/limits.hpp"
#include "ike/wire/payload_chain.hpp"
#include "ike/wire/payload_decode.hpp"
#include "ike/wire/payload_header.hpp"

namespace ike::wire {

namespace {

constexpr std::uint16_t kSyntax = notify::invalid_syntax;

bool is_encrypted(PayloadType t) { return t == PayloadType::sk || t == PayloadType::skf; }

bool is_encrypted(const Payload& p) {
    return std::holds_alternative<Encrypted>(p) || std::holds_alternative<EncryptedFragment>(p);
}

// One payload of a chain. An unknown one is kept as it came unless critical; SK and SKF
// only belong to the outer chain (`outer`).
ParseResult<Payload> decode_one(PayloadType type, const PayloadHeader& h, Reader& body, std::size_t start,
                                bool outer) {
    if (!is_known_payload(type)) {
        // RFC 7296 3.2: an unrecognised payload with the critical bit set rejects the
        // message with UNSUPPORTED_CRITICAL_PAYLOAD carrying the one-octet type.
        if (h.flags & kCriticalBit)
            return reject("unsupported critical payload " + std::to_string(unsigned(type)), start,
                          notify::unsupported_critical_payload, {static_cast<std::uint8_t>(type)});
        auto raw = body.get_rest();
        return Payload{UnknownPayload{static_cast<std::uint8_t>(type), false, Bytes(raw.begin(), raw.end())}};
    }
    if (is_encrypted(type) && !outer)
        return reject(std::string(payload_name(type)) + " inside encrypted payload", start, kSyntax);
    return decode_body(type, static_cast<PayloadType>(h.next), body);
}

// The outer chain may end with SK or SKF, whose Next Payload starts the inner chain
// instead (RFC 7296 3.14); either chain fills its buffer exactly.
ParseResult<std::vector<Payload>> decode_chain(Reader& r, PayloadType first, bool outer) {
    auto out = read_chain<Payload>(
        r, first, kSyntax, [](PayloadType t) { return payload_name(t); },
        [outer](PayloadType type, const PayloadHeader& h, Reader& body, std::size_t start) {
            return decode_one(type, h, body, start, outer);
        },
        [](PayloadType t) { return is_encrypted(t); });
    if (!out || r.empty()) return out;
    // RFC 7296 3.14 / RFC 7383 2.5: the encrypted payload MUST be the last one.
    if (!out->empty() && is_encrypted(out->back()))
        return reject(std::string(payload_name(static_cast<PayloadType>(payload_type(out->back())))) +
                          " is not the last payload",
                      r.offset(), kSyntax);
    return reject("bytes after the last payload", r.offset(), kSyntax);
}

}  // namespace

ParseResult<WireHeader> decode_header(base::ByteView datagram) {
    Reader r(datagram);
    WireHeader w;
    const HeaderTail tail = read_fixed_header(r, w.header);
    w.first_payload = static_cast<PayloadType>(tail.first_payload);
    w.length = tail.length;
    if (r.failed()) return reject(r, "header", kSyntax);
    return w;
}

ParseStatus check_header(const WireHeader& w, std::size_t datagram_size) {
    const Header& h = w.header;
    // RFC 7296 3.1: versions above 2 MUST be rejected with INVALID_MAJOR_VERSION; IKEv1 (1)
    // belongs to the other codec.
    if (h.major_version != kMajorVersion) return reject("header: major version not 2", 17, notify::invalid_major_version);
    if (w.length != datagram_size) return reject("header: Length differs from datagram size", 24, kSyntax);
    if (w.length > limits::kMaxMessageSize) return reject("header: message too large", 24, kSyntax);
    // RFC 7296 3.1: the initiator's SPI MUST NOT be zero.
    if (h.spi_i == 0) return reject("header: initiator SPI is zero", 0, kSyntax);
    bool init_request = h.exchange == ExchangeType::ike_sa_init && !(h.flags & flag::response);
    // RFC 7296 3.1: the responder's SPI MUST be zero in the first message of IKE_SA_INIT.
    if (init_request && h.spi_r != 0) return reject("header: responder SPI in IKE_SA_INIT request", 8, kSyntax);
    // RFC 7296 2.2: the Message ID of IKE_SA_INIT messages is zero.
    if (h.exchange == ExchangeType::ike_sa_init && h.message_id != 0)
        return reject("header: IKE_SA_INIT with non-zero Message ID", 20, notify::invalid_message_id);
    return {};
}

ParseResult<Message> decode_message(base::ByteView datagram) {
    auto w = decode_header(datagram);
    if (!w) return base::Unexpected{w.error()};
    if (auto ok = check_header(*w, datagram.size()); !ok) return base::Unexpected{ok.error()};
    Reader r(datagram.subspan(limits::kHeaderSize), limits::kHeaderSize);
    auto payloads = decode_chain(r, w->first_payload, true);
    if (!payloads) return base::Unexpected{payloads.error()};
    return Message{w->header, std::move(*payloads)};
}

ParseResult<std::vector<Payload>> decode_payloads(PayloadType first, base::ByteView plaintext) {
    Reader r(plaintext);
    return decode_chain(r, first, false);
}

}  // namespace ike::wire
