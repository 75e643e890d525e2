#include "ike/v2/protection.hpp"

#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"

namespace ike::v2 {

namespace {
// Our direction's cipher (sealing) or the peer's (opening), RFC 7296 2.14: SK_ei/SK_ai
// protect what the original initiator sends.
base::Result<std::unique_ptr<crypto::SkCipher>> cipher(const IkeSa& sa, bool ours) {
    if (!sa.sk) return base::fail("no keys yet");
    const bool initiator_keys = ours == sa.initiator;
    const auto& k = sa.keys;
    return crypto::SkCipher::create(*sa.sk, initiator_keys ? k.sk_ei : k.sk_er,
                                    initiator_keys ? k.sk_ai : k.sk_ar);
}
}  // namespace

wire::Header header_for(const IkeSa& sa, wire::ExchangeType exchange, bool response,
                        std::uint32_t message_id) {
    wire::Header h;
    h.spi_i = sa.spis.initiator;
    h.spi_r = sa.spis.responder;
    h.exchange = exchange;
    // RFC 7296 3.1: I is set by the original initiator, R in responses.
    h.flags = static_cast<std::uint8_t>((sa.initiator ? wire::flag::initiator : 0) |
                                        (response ? wire::flag::response : 0));
    h.message_id = message_id;
    return h;
}

base::Result<base::Bytes> seal(Core& core, IkeSa& sa, const wire::Header& header,
                               const Payloads& inner) {
    auto c = cipher(sa, true);
    if (!c) return base::fail(c.error().message);
    const base::Bytes plain = wire::encode_payloads(inner);
    wire::Message m{header, {wire::Encrypted{wire::first_payload_type(inner), {}}}};
    const std::size_t body_size = (*c)->sealed_size(plain.size());
    auto prefix = wire::encrypted_prefix(m, body_size);
    if (!prefix) return base::fail(prefix.error().message);
    auto body = (*c)->seal(*prefix, plain, core.rng);
    if (!body) return base::fail(body.error().message);
    base::Bytes datagram = std::move(*prefix);
    datagram.insert(datagram.end(), body->begin(), body->end());
    return datagram;
}

base::Result<Payloads> open(IkeSa& sa, base::ByteView datagram, const wire::Message& message) {
    auto c = cipher(sa, false);
    if (!c) return base::fail(c.error().message);
    if (message.payloads.empty()) return base::fail("no SK payload");
    const auto* sk = std::get_if<wire::Encrypted>(&message.payloads.back());
    if (!sk) return base::fail("no SK payload");
    // The SK payload ends the datagram (3.14): what precedes its body is the associated data.
    const base::ByteView aad = datagram.first(datagram.size() - sk->body.size());
    auto plain = (*c)->open(aad, sk->body);
    if (!plain) return base::fail(plain.error().message);
    auto inner = wire::decode_payloads(sk->first_inner, *plain);
    if (!inner) return base::fail("inner payloads: " + inner.error().what);
    return std::move(*inner);
}

void send_request(Core& core, IkeSa& sa, Request request, wire::ExchangeType exchange,
                  const Payloads& inner) {
    const std::uint32_t id = sa.ids.next_request;
    auto datagram = seal(core, sa, header_for(sa, exchange, false, id), inner);
    if (!datagram) {
        core.log(LogLevel::error, &sa, "cannot protect request: " + datagram.error().message);
        return;
    }
    ++sa.ids.next_request;
    sa.request = request;
    sa.pending.start(id, {std::move(*datagram)}, core.now, core.options.retransmit);
    core.send(sa, sa.pending.datagrams());
}

void send_response(Core& core, IkeSa& sa, wire::ExchangeType exchange, std::uint32_t message_id,
                   const Payloads& inner) {
    auto datagram = seal(core, sa, header_for(sa, exchange, true, message_id), inner);
    if (!datagram) {
        core.log(LogLevel::error, &sa, "cannot protect response: " + datagram.error().message);
        return;
    }
    sa.responses.store(message_id, {std::move(*datagram)});
    core.send(sa, *sa.responses.lookup(message_id));
}

}  // namespace ike::v2
