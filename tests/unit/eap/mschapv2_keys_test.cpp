// RFC 2759 section 9.2 and RFC 3079 section 3.5.3 known answers, through our API.
#include <gtest/gtest.h>

#include <botan/hash.h>

#include "ike/eap/mschapv2_keys.hpp"

namespace ike::eap {
namespace {

base::Bytes hex(std::string_view h) {
    base::Bytes out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
        if (h[i] == ' ') { --i; continue; }
        out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> arr(std::string_view h) {
    const auto b = hex(h);
    std::array<std::uint8_t, N> a{};
    std::copy_n(b.begin(), N, a.begin());
    return a;
}

const auto kAuthChallenge = arr<16>("5B5D7C7D7B3F2F3E3C2C602132262628");
const auto kPeerChallenge = arr<16>("21402324255E262A28295F2B3A337C7E");
constexpr std::string_view kUser = "User";
const base::Bytes kPassword{'c', 'l', 'i', 'e', 'n', 't', 'P', 'a', 's', 's'};

base::Bytes bytes(const base::SecretBytes& s) { return {s.begin(), s.end()}; }

base::Bytes md4(const base::Bytes& in) {
    auto h = Botan::HashFunction::create_or_throw("MD4");
    return bytes(h->process(in));
}

TEST(MsChapV2Keys, PasswordHashIsMd4OfTheUnicodePassword) {
    EXPECT_EQ(bytes(*nt_password_hash(kPassword)), hex("44EBBA8D5312B8D611474411F56989AE"));
}

TEST(MsChapV2Keys, ChallengeHashOfRfc2759Vectors) {
    const auto c = challenge_hash(kPeerChallenge, kAuthChallenge, kUser);
    EXPECT_EQ(base::Bytes(c.begin(), c.end()), hex("D02E4386BCE91226"));
}

TEST(MsChapV2Keys, ChallengeHashIgnoresTheDomainOfTheUserName) {
    EXPECT_EQ(challenge_hash(kPeerChallenge, kAuthChallenge, "CORP\\User"),
              challenge_hash(kPeerChallenge, kAuthChallenge, kUser));
}

TEST(MsChapV2Keys, NtResponseOfRfc2759Vectors) {
    const auto r = nt_response(kAuthChallenge, kPeerChallenge, kUser, *nt_password_hash(kPassword));
    EXPECT_EQ(base::Bytes(r.begin(), r.end()), hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"));
}

TEST(MsChapV2Keys, AuthenticatorResponseOfRfc2759Vectors) {
    const auto hash = *nt_password_hash(kPassword);
    const auto r = nt_response(kAuthChallenge, kPeerChallenge, kUser, hash);
    EXPECT_EQ(authenticator_response(hash, r, kPeerChallenge, kAuthChallenge, kUser),
              "S=407A5589115FD0D6209F510FE9C04566932CDA56");
}

TEST(MsChapV2Keys, MasterAndSendKeysOfRfc3079Vectors) {
    const auto hash = *nt_password_hash(kPassword);
    const auto r = nt_response(kAuthChallenge, kPeerChallenge, kUser, hash);
    const auto master = master_key(hash, r);
    EXPECT_EQ(bytes(master), hex("FDECE3717A8C838CB388E527AE3CDD31"));
    EXPECT_EQ(bytes(client_receive_key(master)), hex("8B7CDC149B993A1BA118CB153F56DCCB"));
}

TEST(MsChapV2Keys, MskIsBothStartKeysThenZeros) {
    const auto hash = *nt_password_hash(kPassword);
    const auto r = nt_response(kAuthChallenge, kPeerChallenge, kUser, hash);
    const auto master = master_key(hash, r);
    auto expected = bytes(client_send_key(master));
    const auto second = bytes(client_receive_key(master));
    expected.insert(expected.end(), second.begin(), second.end());
    expected.resize(64, 0);
    EXPECT_EQ(bytes(msk(hash, r)), expected);
}

TEST(MsChapV2Keys, NonAsciiPasswordsAreHashedAsTheirUtf16) {
    // U+00E9 and U+1F600 (a surrogate pair) as UTF-8, against the MD4 of their UTF-16LE.
    const base::Bytes utf8{0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80};
    EXPECT_EQ(bytes(*nt_password_hash(utf8)), md4({0xE9, 0x00, 0x3D, 0xD8, 0x00, 0xDE}));
}

TEST(MsChapV2Keys, APasswordThatIsNotUtf8IsRefused) {
    EXPECT_FALSE(nt_password_hash(base::Bytes{0xC3}).ok());
    EXPECT_FALSE(nt_password_hash(base::Bytes{0xED, 0xA0, 0x80}).ok());  // a UTF-16 surrogate
}

}  // namespace
}  // namespace ike::eap
