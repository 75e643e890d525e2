#include "ike/v1/protection.hpp"

#include <botan/mem_ops.h>

#include "ike/v1/payload_bytes.hpp"
#include "ike/wire/v1/codec.hpp"

namespace ike::v1 {

using namespace wire::v1;

namespace {

base::Bytes last_block(base::ByteView ciphertext) {
    return {ciphertext.end() - crypto::Ikev1Cipher::kBlockSize, ciphertext.end()};
}

}  // namespace

std::array<std::uint8_t, 4> be32(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

base::Bytes seal(const IsakmpSa& sa, ExchangeType exchange, std::uint32_t message_id, base::Bytes& iv,
                 const std::vector<Payload>& payloads) {
    auto ciphertext = sa.cipher->encrypt(iv, encode_payloads(payloads));
    iv = last_block(ciphertext);
    const Header header{.cookie_i = sa.cky_i, .cookie_r = sa.cky_r, .exchange = exchange, .flags = flag::encryption,
                        .message_id = message_id};
    return encode(Message{.header = header,
                          .encrypted = EncryptedBody{first_payload_type(payloads), std::move(ciphertext)}});
}

base::Result<Opened> open(const IsakmpSa& sa, base::ByteView iv, const Message& m) {
    if (!m.encrypted || !sa.cipher) return base::fail("not encrypted");
    auto plaintext = sa.cipher->decrypt(iv, m.encrypted->ciphertext);
    if (!plaintext) return base::fail(plaintext.error().message);
    auto payloads = decode_payloads(m.encrypted->first_payload, *plaintext);
    if (!payloads) return base::fail("does not decrypt to payloads (" + payloads.error().what + ")");
    return Opened{std::move(*plaintext), std::move(*payloads), last_block(m.encrypted->ciphertext)};
}

base::Result<base::Bytes> phase2_iv(const IsakmpSa& sa, std::uint32_t message_id) {
    auto iv = crypto::ikev1_hash(sa.suite.hash, {sa.iv, be32(message_id)});
    if (iv) iv->resize(crypto::Ikev1Cipher::kBlockSize);
    return iv;
}

std::vector<Payload> with_hash(const IsakmpSa& sa, std::uint32_t message_id, base::ByteView extra,
                               std::vector<Payload> rest) {
    const auto rest_bytes = encode_payloads(rest);
    const auto hash = sa.prf->compute(sa.keys.skeyid_a, {be32(message_id), extra, rest_bytes});
    rest.insert(rest.begin(), Hash{Bytes(hash.begin(), hash.end())});
    return rest;
}

bool hash_equals(const Payload& received, base::ByteView expected) {
    const auto* hash = std::get_if<Hash>(&received);
    return hash && hash->data.size() == expected.size() &&
           Botan::constant_time_compare(hash->data.data(), expected.data(), expected.size());
}

base::Result<void> check_hash(const IsakmpSa& sa, std::uint32_t message_id, base::ByteView extra, const Opened& m) {
    const auto rest = after_first(m.plaintext);
    if (m.payloads.empty() || !rest) return base::fail("HASH is not the first payload");
    const auto expected = sa.prf->compute(sa.keys.skeyid_a, {be32(message_id), extra, *rest});
    if (!hash_equals(m.payloads.front(), expected)) return base::fail("HASH mismatch");
    return {};
}

}  // namespace ike::v1
