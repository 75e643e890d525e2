// A PSK's key pads (RFC 7296 2.15) stay with the secret they were computed from.
#include <gtest/gtest.h>

#include "ike/policy/connection.hpp"

namespace ike::policy {
namespace {

Secret secret_with_pad(std::uint8_t psk) {
    Secret s{{}, base::SecretBytes{psk}};
    s.key_pads.keep(PrfId::hmac_sha2_256, base::SecretBytes{0xaa});
    return s;
}

TEST(KeyPads, AKeptPadIsFoundForItsPrfOnly) {
    const auto s = secret_with_pad(1);
    ASSERT_NE(s.key_pads.find(PrfId::hmac_sha2_256), nullptr);
    EXPECT_EQ(*s.key_pads.find(PrfId::hmac_sha2_256), base::SecretBytes{0xaa});
    EXPECT_EQ(s.key_pads.find(PrfId::hmac_sha2_384), nullptr);
}

TEST(KeyPads, ACopiedSecretStartsWithoutPads) {
    const auto s = secret_with_pad(1);
    const Secret copy = s;
    EXPECT_EQ(copy.key_pads.find(PrfId::hmac_sha2_256), nullptr);
}

TEST(KeyPads, AnAssignedSecretLosesThePadsOfTheOldOne) {
    auto s = secret_with_pad(1);
    s = Secret{{}, base::SecretBytes{2}};
    EXPECT_EQ(s.key_pads.find(PrfId::hmac_sha2_256), nullptr);
}

TEST(KeyPads, AreNotPartOfTheSecretsValue) {
    EXPECT_EQ(secret_with_pad(1), (Secret{{}, base::SecretBytes{1}}));
}

}  // namespace
}  // namespace ike::policy
