#include "dbus/nm/secrets.hpp"

#include <gtest/gtest.h>

namespace nm {
namespace {

using Names = std::vector<std::string>;

VpnData psk() { return *parse_vpn_data({{"remote", "r"}}); }
VpnData pubkey() { return *parse_vpn_data({{"remote", "r"}, {"auth", "pubkey"}, {"cert", "c"}, {"key", "k"}}); }

TEST(Secrets, PskIsNeededByDefault) {
    EXPECT_EQ(needed_secrets(psk(), {}), Names{"psk"});
}

TEST(Secrets, NotRequiredFlagDropsPsk) {
    EXPECT_EQ(needed_secrets(psk(), {{"psk-flags", "4"}}), Names{});
}

TEST(Secrets, KeyPasswordIsNeededOnlyWhenAUserSuppliesIt) {
    EXPECT_EQ(needed_secrets(pubkey(), {}), Names{});
    EXPECT_EQ(needed_secrets(pubkey(), {{"key-password-flags", "1"}}), Names{"key-password"});
    EXPECT_EQ(needed_secrets(pubkey(), {{"key-password-flags", "2"}}), Names{"key-password"});
}

TEST(Secrets, StoredPskIsNotMissing) {
    EXPECT_EQ(missing_secrets(psk(), {}, {{"psk", "s"}}), Names{});
}

TEST(Secrets, EmptyPskIsMissing) {
    EXPECT_EQ(missing_secrets(psk(), {}, {{"psk", ""}}), Names{"psk"});
}

TEST(Secrets, NmStoredMissingPskMakesNeedSecretsAskForTheVpnSetting) {
    EXPECT_EQ(need_secrets_reply(psk(), {{"psk-flags", "0"}}, {}), "vpn");
    EXPECT_EQ(secrets_for_hints(psk(), {{"psk-flags", "0"}}, {}), Names{});
}

TEST(Secrets, AgentOwnedMissingPskIsAskedThroughHints) {
    EXPECT_EQ(need_secrets_reply(psk(), {{"psk-flags", "1"}}, {}), "");
    EXPECT_EQ(secrets_for_hints(psk(), {{"psk-flags", "1"}}, {}), Names{"psk"});
}

TEST(Secrets, NotSavedMissingPskIsAskedThroughHints) {
    EXPECT_EQ(need_secrets_reply(psk(), {{"psk-flags", "2"}}, {}), "");
    EXPECT_EQ(secrets_for_hints(psk(), {{"psk-flags", "2"}}, {}), Names{"psk"});
}

TEST(Secrets, PresentSecretNeedsNothing) {
    EXPECT_EQ(need_secrets_reply(psk(), {{"psk-flags", "1"}}, {{"psk", "s"}}), "");
    EXPECT_EQ(secrets_for_hints(psk(), {{"psk-flags", "1"}}, {{"psk", "s"}}), Names{});
}

TEST(Secrets, MalformedFlagsCountAsNmStored) {
    EXPECT_EQ(need_secrets_reply(psk(), {{"psk-flags", "x1"}}, {}), "vpn");
}


VpnData eap() {
    return *parse_vpn_data({{"remote", "r"}, {"auth", "eap-mschapv2"}, {"eap-id", "carol"}, {"ca", "ca"}});
}

TEST(Secrets, EapMschapv2NeedsThePasswordLikeAPsk) {
    EXPECT_EQ(needed_secrets(eap(), {}), Names{"password"});
    EXPECT_EQ(needed_secrets(eap(), {{"password-flags", "4"}}), Names{});
    EXPECT_EQ(need_secrets_reply(eap(), {}, {}), "vpn");
    EXPECT_EQ(missing_secrets(eap(), {}, {{"password", "p"}}), Names{});
}

TEST(Secrets, AnAgentOwnedPasswordIsAskedThroughHints) {
    EXPECT_EQ(need_secrets_reply(eap(), {{"password-flags", "1"}}, {}), "");
    EXPECT_EQ(secrets_for_hints(eap(), {{"password-flags", "1"}}, {}), Names{"password"});
}

}  // namespace
}  // namespace nm
