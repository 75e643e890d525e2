#include "ike/v2/protection.hpp"

#include <string>
#include <utility>

#include "ike/v2/fragmentation.hpp"
#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"
#include "ike/wire/limits.hpp"

namespace ike::v2 {

namespace {
constexpr std::size_t kSkHeader = 4;  // generic payload header of the SK payload

// Our direction's cipher (sealing) or the peer's (opening), RFC 7296 2.14: SK_ei/SK_ai
// protect what the original initiator sends.
base::Result<std::unique_ptr<crypto::SkCipher>> cipher(const IkeSa& sa, bool ours) {
    if (!sa.sk) return base::fail("no keys yet");
    const bool initiator_keys = ours == sa.initiator;
    const auto& k = sa.keys;
    return crypto::SkCipher::create(*sa.sk, initiator_keys ? k.sk_ei : k.sk_er,
                                    initiator_keys ? k.sk_ai : k.sk_ar);
}

// One datagram: `header`, then `encrypted` (an SK or SKF payload, body ignored) carrying
// `plain` sealed.
base::Result<base::Bytes> seal_one(crypto::SkCipher& c, crypto::Rng& rng, const wire::Header& header,
                                   wire::Payload encrypted, base::ByteView plain) {
    const wire::Message m{header, {std::move(encrypted)}};
    auto prefix = wire::encrypted_prefix(m, c.sealed_size(plain.size()));
    if (!prefix) return base::fail(prefix.error().message);
    auto body = c.seal(*prefix, plain, rng);
    if (!body) return base::fail(body.error().message);
    base::Bytes datagram;
    datagram.reserve(prefix->size() + body->size());  // kept in full (ResponseCache, PendingRequest)
    datagram.insert(datagram.end(), prefix->begin(), prefix->end());
    datagram.insert(datagram.end(), body->begin(), body->end());
    return datagram;
}

// The plaintext of the SK or SKF payload `body` that ends `datagram`, its ICV verified.
base::Result<base::SecretBytes> open_one(crypto::SkCipher& c, base::ByteView datagram, const base::Bytes& body) {
    // The encrypted payload ends the datagram (3.14): what precedes its body is the
    // associated data.
    return c.open(datagram.first(datagram.size() - body.size()), body);
}

base::Result<std::optional<Payloads>> decode_inner(wire::PayloadType first, base::ByteView plain) {
    auto inner = wire::decode_payloads(first, plain);
    if (!inner) return base::fail("inner payloads: " + inner.error().what);
    return std::optional<Payloads>(std::move(*inner));
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

base::Result<Datagrams> seal(Core& core, IkeSa& sa, const wire::Header& header, const Payloads& inner) {
    auto c = cipher(sa, true);
    if (!c) return base::fail(c.error().message);
    const base::Bytes plain = wire::encode_payloads(inner);
    const wire::PayloadType first = wire::first_payload_type(inner);
    const std::size_t limit = fragmentation::max_message_size(core.options.fragment_size, sa.local, sa.remote,
                                                                  core.options.natt_port);
    // RFC 7383 2.5: fragments only once both sides announced support (recorded from
    // IKE_SA_INIT, which is never fragmented) and only when one datagram would not fit.
    if (!sa.peer_fragmentation || wire::limits::kHeaderSize + kSkHeader + (*c)->sealed_size(plain.size()) <= limit) {
        auto datagram = seal_one(**c, core.rng, header, wire::Encrypted{first, {}}, plain);
        if (!datagram) return base::fail(datagram.error().message);
        return Datagrams{std::move(*datagram)};
    }
    auto fragments = fragmentation::split(first, plain, fragmentation::fragment_capacity(**c, limit));
    if (!fragments) return base::fail(fragments.error().message);
    Datagrams out;
    for (auto& f : *fragments) {
        const base::Bytes part = std::exchange(f.body, {});
        auto datagram = seal_one(**c, core.rng, header, std::move(f), part);  // 2.5: each sealed on its own
        if (!datagram) return base::fail(datagram.error().message);
        out.push_back(std::move(*datagram));
    }
    return out;
}

base::Result<std::optional<Payloads>> open(IkeSa& sa, base::ByteView datagram, const wire::Message& message) {
    auto c = cipher(sa, false);
    if (!c) return base::fail(c.error().message);
    if (message.payloads.empty()) return base::fail("no SK payload");
    const bool response = (message.header.flags & wire::flag::response) != 0;
    auto& reassembly = response ? sa.response_fragments : sa.request_fragments;
    if (const auto* sk = std::get_if<wire::Encrypted>(&message.payloads.back())) {
        auto plain = open_one(**c, datagram, sk->body);
        if (!plain) return base::fail(plain.error().message);
        reassembly.clear();  // the message came whole after all
        return decode_inner(sk->first_inner, *plain);
    }
    const auto* skf = std::get_if<wire::EncryptedFragment>(&message.payloads.back());
    if (!skf) return base::fail("no SK payload");
    // Accepted whether or not we fragment ourselves. RFC 7383 2.6.1: each fragment is
    // verified before it is stored, so a forged one cannot disturb the reassembly.
    const std::string which = "fragment " + std::to_string(skf->number) + "/" + std::to_string(skf->total);
    auto plain = open_one(**c, datagram, skf->body);
    if (!plain) return base::fail(which + ": " + plain.error().message);
    auto whole = reassembly.add(message.header.message_id, *skf, std::move(*plain));
    if (!whole) return base::fail(which + ": " + whole.error().message);
    if (!*whole) return std::optional<Payloads>();
    return decode_inner((*whole)->first_inner, (*whole)->plain);
}

void send_request(Core& core, IkeSa& sa, InFlight request, wire::ExchangeType exchange,
                  const Payloads& inner) {
    const std::uint32_t id = sa.ids.next_request;
    auto datagrams = seal(core, sa, header_for(sa, exchange, false, id), inner);
    if (!datagrams) {
        core.log(LogLevel::error, &sa, "cannot protect request: " + datagrams.error().message);
        return;
    }
    ++sa.ids.next_request;
    sa.request = std::move(request);
    // Fragments of an earlier response still incomplete are of no use any more.
    sa.response_fragments.clear();
    sa.pending.start(id, std::move(*datagrams), core.now, core.options.retransmit);
    core.send_message(sa, header_for(sa, exchange, false, id), inner, sa.pending.datagrams());
}

namespace {
void respond(Core& core, IkeSa& sa, wire::ExchangeType exchange, std::uint32_t message_id, const Payloads& inner) {
    auto datagrams = seal(core, sa, header_for(sa, exchange, true, message_id), inner);
    if (!datagrams) {
        core.log(LogLevel::error, &sa, "cannot protect response: " + datagrams.error().message);
        return;
    }
    sa.responses.store(message_id, std::move(*datagrams));
    core.send_message(sa, header_for(sa, exchange, true, message_id), inner, *sa.responses.lookup(message_id));
}
}  // namespace

void send_response(Core& core, IkeSa& sa, wire::ExchangeType exchange, std::uint32_t message_id,
                   const Payloads& inner) {
    if (!core.options.rewrite_response) return respond(core, sa, exchange, message_id, inner);
    Payloads rewritten = inner;
    core.options.rewrite_response(exchange, rewritten);
    respond(core, sa, exchange, message_id, rewritten);
}

}  // namespace ike::v2
