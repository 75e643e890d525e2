// ECP groups 19, 20, 21 (RFC 5903): the public value is x | y without the SEC1 0x04 prefix,
// the shared secret is the x coordinate alone (RFC 5903 7, 9).
#include <botan/ec_group.h>
#include <botan/ecdh.h>

#include "ike/crypto/ke/agreement.hpp"
#include "ike/crypto/ke/families.hpp"

namespace ike::crypto::ke {

namespace {

constexpr std::uint8_t kUncompressed = 0x04;

class Ecp final : public BlindedAgreement {
public:
    Ecp(KeGroup group, const char* botan_group, Botan::RandomNumberGenerator& rng,
         base::ByteView private_value)
        : BlindedAgreement(group, rng),
          key_(rng, Botan::EC_Group(botan_group), private_scalar(private_value)) {
        const auto sec1 = key_.public_value(Botan::PointGFp::UNCOMPRESSED);
        public_.assign(sec1.begin() + 1, sec1.end());
    }

    base::Result<base::SecretBytes> compute(base::ByteView peer) const override {
        if (!has_public_size(peer)) return reject("peer public value has the wrong length");
        const auto& curve = key_.domain();
        const std::size_t half = peer.size() / 2;
        const Botan::BigInt x(peer.data(), half);
        const Botan::BigInt y(peer.data() + half, half);
        // RFC 6989 2.3 / RFC 7296 5.12: coordinates in [0, p), the point on the curve and not
        // the point at infinity.
        if (x >= curve.get_p() || y >= curve.get_p()) return reject("peer public value coordinate not below p");
        const auto point = curve.point(x, y);
        if (point.is_zero()) return reject("peer public value is the point at infinity");
        if (!point.on_the_curve()) return reject("peer public value not on the curve");
        base::Bytes sec1{kUncompressed};
        sec1.insert(sec1.end(), peer.begin(), peer.end());
        return agree(key_, sec1);
    }

private:
    Botan::ECDH_PrivateKey key_;
};

}  // namespace

std::unique_ptr<KeyExchange> make_ecp(KeGroup group, const char* botan_group, Botan::RandomNumberGenerator& rng,
                                       base::ByteView private_value) {
    return std::make_unique<Ecp>(group, botan_group, rng, private_value);
}

}  // namespace ike::crypto::ke
