#include "ike/crypto/sk_cipher.hpp"

#include "tests/unit/crypto/test_support.hpp"

namespace ike::crypto {
namespace {

using test::concat;
using test::hex;
using test::hex_of;
using test::ReplayRng;

std::unique_ptr<SkCipher> cipher(const SkTransform& t, base::ByteView encr, base::ByteView integ = {}) {
    return SkCipher::create(t, encr, integ).value();
}

// GCM specification (McGrew & Viega) test cases 3, 4 and 16 with salt = cafebabe and the
// explicit IV = facedbaddecaf888, as RFC 4106/5282 split the 12-byte nonce.
const base::Bytes kGcmKey128 = hex("feffe9928665731c6d6a8f9467308308");
const base::Bytes kGcmSaltIv = hex("cafebabe");
const base::Bytes kGcmIv = hex("facedbaddecaf888");
const base::Bytes kGcmAad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
const char* const kGcmPlain =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de6"
    "57ba637b39";

// The vector's last plaintext octet (0x39) reads as a pad length of 57, so open() returns
// the first 60 - 57 - 1 = 2 octets after authenticating the whole message.
TEST(SkCipher, AesGcm128OpensGcmSpecTestCase4) {
    auto c = cipher({EncrId::aes_gcm_16, 128, IntegId::none}, concat({kGcmKey128, kGcmSaltIv}));
    const auto body = concat({kGcmIv,
                              hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a"
                                  "5aac84aa051ba30b396a0aac973d58e091"),
                              hex("5bc94fbc3221a5db94fae95ae7121a47")});
    EXPECT_EQ(hex_of(c->open(kGcmAad, body).value()), std::string(kGcmPlain).substr(0, 4));
}

TEST(SkCipher, AesGcm256OpensGcmSpecTestCase16) {
    auto c = cipher({EncrId::aes_gcm_16, 256, IntegId::none}, concat({kGcmKey128, kGcmKey128, kGcmSaltIv}));
    const auto body = concat({kGcmIv,
                              hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b"
                                  "1056828838c5f61e6393ba7a0abcc9f662"),
                              hex("76fc6ece0f4e1768cddf8853bb2d551b")});
    EXPECT_EQ(hex_of(c->open(kGcmAad, body).value()), std::string(kGcmPlain).substr(0, 4));
}

// Test case 3 authenticates, but its last octet (0x55 = 85) is a pad length longer than the data.
TEST(SkCipher, RejectsPadLengthBeyondPlaintext) {
    auto c = cipher({EncrId::aes_gcm_16, 128, IntegId::none}, concat({kGcmKey128, kGcmSaltIv}));
    const auto body = concat({kGcmIv,
                              hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a"
                                  "5aac84aa051ba30b396a0aac973d58e091473f5985"),
                              hex("4d5c2af327cd64a62cf35abd2ba6fab4")});
    EXPECT_FALSE(c->open({}, body).ok());
}

// RFC 8439 2.8.2 (the AEAD example RFC 7634 builds on): salt = 07000000, IV = 4041..47.
TEST(SkCipher, ChaCha20Poly1305OpensRfc8439Example) {
    base::Bytes key;
    for (int b = 0x80; b <= 0x9f; ++b) key.push_back(static_cast<std::uint8_t>(b));
    auto c = cipher({EncrId::chacha20_poly1305, 0, IntegId::none}, concat({key, hex("07000000")}));
    const auto body = concat(
        {hex("4041424344454647"),
         hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a"
             "9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de"
             "576d26586cec64b6116"),
         hex("1ae10b594f09e26a7e902ecbd0600691")});
    const std::string plain =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would "
        "be it.";
    // The final '.' (46) reads as the pad length.
    const auto opened = c->open(hex("50515253c0c1c2c3c4c5c6c7"), body).value();
    EXPECT_EQ(std::string(opened.begin(), opened.end()), plain.substr(0, plain.size() - 47));
}

struct Suite {
    const char* name;
    SkTransform transform;
    std::size_t encr_len, integ_len, iv, icv, block;
};

class EverySkCipher : public ::testing::TestWithParam<Suite> {
protected:
    std::unique_ptr<SkCipher> make() const {
        const auto& s = GetParam();
        return cipher(s.transform, base::Bytes(s.encr_len, 0x42), base::Bytes(s.integ_len, 0x24));
    }
    const base::Bytes aad = hex("00112233445566778899aabbccddeeff2e202508000000010000005c2b000040");
    const base::Bytes inner = hex("2900000c01000000c0000201290000080000400000000008000040");
};

TEST_P(EverySkCipher, ReportsSizes) {
    auto c = make();
    EXPECT_EQ(c->iv_size(), GetParam().iv);
    EXPECT_EQ(c->icv_size(), GetParam().icv);
    EXPECT_EQ(c->block_size(), GetParam().block);
}

TEST_P(EverySkCipher, SealThenOpenReturnsInnerPayloads) {
    auto c = make();
    DeterministicRng rng(1);
    const auto body = c->seal(aad, inner, rng).value();
    EXPECT_EQ(body.size(), c->sealed_size(inner.size()));
    EXPECT_EQ(c->open(aad, body).value(), base::SecretBytes(inner.begin(), inner.end()));
}

TEST_P(EverySkCipher, PadsToBlockSizeWithPadLengthOctet) {
    auto c = make();
    const std::size_t b = c->block_size();
    EXPECT_EQ(c->padded_size(0) % b, 0u);
    EXPECT_GE(c->padded_size(0), 1u);
    EXPECT_EQ(c->padded_size(b - 1), b);
    EXPECT_EQ(c->padded_size(b), 2 * b);
}

TEST_P(EverySkCipher, RejectsTamperedIcv) {
    auto c = make();
    DeterministicRng rng(2);
    auto body = c->seal(aad, inner, rng).value();
    body.back() ^= 0x01;
    EXPECT_FALSE(c->open(aad, body).ok());
}

TEST_P(EverySkCipher, RejectsTamperedCiphertext) {
    auto c = make();
    DeterministicRng rng(3);
    auto body = c->seal(aad, inner, rng).value();
    body[c->iv_size()] ^= 0x80;
    EXPECT_FALSE(c->open(aad, body).ok());
}

TEST_P(EverySkCipher, RejectsTamperedHeader) {
    auto c = make();
    DeterministicRng rng(4);
    const auto body = c->seal(aad, inner, rng).value();
    auto other = aad;
    other[17] ^= 0x01;  // the exchange type / version octets
    EXPECT_FALSE(c->open(other, body).ok());
}

TEST_P(EverySkCipher, RejectsTruncatedBody) {
    auto c = make();
    EXPECT_FALSE(c->open(aad, base::Bytes(c->iv_size() + c->icv_size())).ok());
    EXPECT_FALSE(c->open(aad, {}).ok());
}

TEST_P(EverySkCipher, DrawsIvFromRng) {
    auto c = make();
    ReplayRng rng(hex("0102030405060708090a0b0c0d0e0f10"));
    const auto body = c->seal(aad, inner, rng).value();
    EXPECT_EQ(hex_of(base::ByteView(body).first(c->iv_size())),
              std::string("0102030405060708090a0b0c0d0e0f10").substr(0, 2 * c->iv_size()));
}

TEST_P(EverySkCipher, RejectsWrongKeyLength) {
    const auto& s = GetParam();
    EXPECT_FALSE(SkCipher::create(s.transform, base::Bytes(s.encr_len + 1), base::Bytes(s.integ_len)).ok());
}

INSTANTIATE_TEST_SUITE_P(
    SkCipher, EverySkCipher,
    ::testing::Values(Suite{"gcm128", {EncrId::aes_gcm_16, 128, IntegId::none}, 20, 0, 8, 16, 1},
                      Suite{"gcm256", {EncrId::aes_gcm_16, 256, IntegId::none}, 36, 0, 8, 16, 1},
                      Suite{"gcm256icv8", {EncrId::aes_gcm_8, 256, IntegId::none}, 36, 0, 8, 8, 1},
                      Suite{"chacha", {EncrId::chacha20_poly1305, 0, IntegId::none}, 36, 0, 8, 16, 1},
                      Suite{"cbc128sha256", {EncrId::aes_cbc, 128, IntegId::hmac_sha2_256_128}, 16, 32, 16, 16, 16},
                      Suite{"cbc256sha384", {EncrId::aes_cbc, 256, IntegId::hmac_sha2_384_192}, 32, 48, 16, 24, 16},
                      Suite{"cbc256sha512", {EncrId::aes_cbc, 256, IntegId::hmac_sha2_512_256}, 32, 64, 16, 32, 16}),
    [](const auto& p) { return std::string(p.param.name); });

// RFC 7296 3.14 / RFC 4868 2.3: ICV = first 16 octets of HMAC-SHA-256 over header..ciphertext.
TEST(SkCipher, CbcIcvIsTruncatedHmacOverAadIvAndCiphertext) {
    const base::Bytes integ_key(32, 0x24);
    auto c = cipher({EncrId::aes_cbc, 128, IntegId::hmac_sha2_256_128}, base::Bytes(16, 0x42), integ_key);
    DeterministicRng rng(5);
    const base::Bytes aad(32, 0xaa), inner(40, 0x01);
    const auto body = c->seal(aad, inner, rng).value();
    const auto covered = base::ByteView(body).first(body.size() - 16);
    const auto mac = test::hand_hmac("SHA-256", integ_key, concat({aad, covered}));
    EXPECT_EQ(hex_of(base::ByteView(body).last(16)), hex_of(base::ByteView(mac).first(16)));
}

TEST(SkCipher, RejectsAesCtrForSkPayload) {
    EXPECT_FALSE(SkCipher::create({EncrId::aes_ctr, 128, IntegId::hmac_sha2_256_128}, base::Bytes(20),
                                  base::Bytes(32))
                     .ok());
}

}  // namespace
}  // namespace ike::crypto
