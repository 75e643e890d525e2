#include "ike/eap/mschapv2_keys.hpp"

#include <botan/block_cipher.h>
#include <botan/hash.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace ike::eap {

namespace {

base::ByteView text(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// RFC 2759 8.2: a user name sent as "DOMAIN\user" is hashed without the domain.
std::string_view without_domain(std::string_view name) {
    const auto slash = name.rfind('\\');
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

base::SecretBytes digest(std::string_view algorithm, std::initializer_list<base::ByteView> parts) {
    auto h = Botan::HashFunction::create_or_throw(std::string(algorithm));
    for (auto p : parts) h->update(p.data(), p.size());
    return h->final();
}

// RFC 2759 8.6: a 7-octet key spread over the 8 octets DES takes (parity bits left zero,
// DES ignores them).
std::array<std::uint8_t, 8> des_key(const std::uint8_t* k) {
    std::array<std::uint8_t, 8> out{};
    out[0] = k[0];
    for (int i = 1; i < 7; ++i) out[i] = static_cast<std::uint8_t>((k[i - 1] << (8 - i)) | (k[i] >> i));
    out[7] = static_cast<std::uint8_t>(k[6] << 1);
    for (auto& b : out) b &= 0xFE;
    return out;
}

// Appends one UTF-16LE code unit.
void put_unit(base::SecretBytes& out, std::uint32_t u) {
    out.push_back(static_cast<std::uint8_t>(u & 0xFF));
    out.push_back(static_cast<std::uint8_t>(u >> 8));
}

// UTF-8 to UTF-16LE (RFC 2759 8.3 hashes the Unicode password); nullopt on bad UTF-8.
std::optional<base::SecretBytes> utf16le(base::ByteView s) {
    base::SecretBytes out;
    for (std::size_t i = 0; i < s.size();) {
        const std::uint8_t b = s[i];
        const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return std::nullopt;
        std::uint32_t cp = n == 1 ? b : b & (0x7F >> n);
        for (std::size_t k = 1; k < n; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        if (cp >= 0x10000) {
            put_unit(out, 0xD800 + ((cp - 0x10000) >> 10));
            put_unit(out, 0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            put_unit(out, cp);
        }
        i += n;
    }
    return out;
}

// RFC 3079 3.4 GetAsymmetricStartKey, 16-octet keys.
base::SecretBytes start_key(base::ByteView master, std::string_view magic) {
    const std::array<std::uint8_t, 40> pad1{};
    std::array<std::uint8_t, 40> pad2;
    pad2.fill(0xF2);
    auto d = digest("SHA-1", {master.first(16), pad1, text(magic), pad2});
    d.resize(16);
    return d;
}

constexpr std::string_view kMagic2 =
    "On the client side, this is the send key; on the server side, it is the receive key.";
constexpr std::string_view kMagic3 =
    "On the client side, this is the receive key; on the server side, it is the send key.";

}  // namespace

base::Result<base::SecretBytes> nt_password_hash(base::ByteView password) {
    auto unicode = utf16le(password);
    if (!unicode) return base::fail("the password is not UTF-8 text");
    return digest("MD4", {*unicode});
}

ChallengeHashValue challenge_hash(const Challenge& peer, const Challenge& authenticator, std::string_view user_name) {
    const auto d = digest("SHA-1", {peer, authenticator, text(without_domain(user_name))});
    ChallengeHashValue out;
    std::copy_n(d.begin(), out.size(), out.begin());
    return out;
}

NtResponse nt_response(const Challenge& authenticator, const Challenge& peer, std::string_view user_name,
                       base::ByteView password_hash) {
    const auto challenge = challenge_hash(peer, authenticator, user_name);
    std::array<std::uint8_t, 21> padded{};
    std::copy_n(password_hash.begin(), std::min<std::size_t>(password_hash.size(), 16), padded.begin());
    auto des = Botan::BlockCipher::create_or_throw("DES");
    NtResponse out;
    for (int i = 0; i < 3; ++i) {
        const auto key = des_key(padded.data() + 7 * i);
        des->set_key(key.data(), key.size());
        des->encrypt(challenge.data(), out.data() + 8 * i);
    }
    Botan::secure_scrub_memory(padded.data(), padded.size());
    return out;
}

std::string authenticator_response(base::ByteView password_hash, const NtResponse& response, const Challenge& peer,
                                   const Challenge& authenticator, std::string_view user_name) {
    constexpr std::string_view kMagic1 = "Magic server to client signing constant";
    constexpr std::string_view kMagic2Pad = "Pad to make it do more than one iteration";
    const auto hash_hash = digest("MD4", {password_hash});
    const auto d1 = digest("SHA-1", {hash_hash, response, text(kMagic1)});
    const auto challenge = challenge_hash(peer, authenticator, user_name);
    const auto d2 = digest("SHA-1", {d1, challenge, text(kMagic2Pad)});
    std::string hex = base::to_hex(d2);
    std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return std::toupper(c); });
    return "S=" + hex;
}

base::SecretBytes master_key(base::ByteView password_hash, const NtResponse& response) {
    constexpr std::string_view kMagic1 = "This is the MPPE Master Key";
    const auto hash_hash = digest("MD4", {password_hash});
    auto d = digest("SHA-1", {hash_hash, response, text(kMagic1)});
    d.resize(16);
    return d;
}

base::SecretBytes client_send_key(base::ByteView master) { return start_key(master, kMagic2); }
base::SecretBytes client_receive_key(base::ByteView master) { return start_key(master, kMagic3); }

base::SecretBytes msk(base::ByteView password_hash, const NtResponse& response) {
    const auto master = master_key(password_hash, response);
    auto out = client_send_key(master);  // the server's receive key
    const auto second = client_receive_key(master);
    out.insert(out.end(), second.begin(), second.end());
    out.resize(64, 0);
    return out;
}

}  // namespace ike::eap
