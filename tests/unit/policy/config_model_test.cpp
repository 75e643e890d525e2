// The configuration model: reload diffs and PSK lookup.
#include "ike/policy/config.hpp"

#include <gtest/gtest.h>

namespace ike::policy {
namespace {

Connection conn(std::string name, std::chrono::seconds dpd = std::chrono::seconds(30)) {
    Connection c;
    c.name = std::move(name);
    c.ike.dpd = dpd;
    return c;
}

TEST(ConfigDiff, SortsNamesByWhatReloadDoes) {
    Config before{{conn("same"), conn("edited"), conn("gone")}, {}};
    Config after{{conn("same"), conn("edited", std::chrono::seconds(0)), conn("new")}, {}};
    Diff d = diff(before, after);
    EXPECT_EQ(d.unchanged, std::vector<std::string>{"same"});
    EXPECT_EQ(d.changed, std::vector<std::string>{"edited"});
    EXPECT_EQ(d.added, std::vector<std::string>{"new"});
    EXPECT_EQ(d.removed, std::vector<std::string>{"gone"});
    EXPECT_FALSE(d.secrets_changed);
}

TEST(ConfigDiff, NoticesAChangedSecret) {
    Config before{{}, {Secret{{}, base::SecretBytes{1}}}};
    Config after{{}, {Secret{{}, base::SecretBytes{2}}}};
    EXPECT_TRUE(diff(before, after).secrets_changed);
}

TEST(FindPsk, PrefersTheSecretListingBothIdentities) {
    Identity a = Identity::parse("@a").value(), b = Identity::parse("@b").value();
    std::vector<Secret> secrets{{{b}, base::SecretBytes{1}}, {{a, b}, base::SecretBytes{2}}};
    ASSERT_NE(find_psk(secrets, a, b), nullptr);
    EXPECT_EQ(find_psk(secrets, a, b)->psk, base::SecretBytes{2});
    EXPECT_EQ(find_psk(secrets, a, Identity::parse("@c").value()), &secrets[1]);
    EXPECT_EQ(find_psk(secrets, Identity::parse("@x").value(), Identity::parse("@y").value()), nullptr);
}

TEST(FindPsk, AnyMatchesEveryIdentity) {
    Identity a = Identity::parse("@a").value();
    std::vector<Secret> secrets{{{Identity{}}, base::SecretBytes{1}}};
    EXPECT_EQ(find_psk(secrets, a, Identity::parse("@x").value()), &secrets[0]);
    EXPECT_EQ(find_psk(secrets, a, Identity::parse("@y").value()), &secrets[0]);
}

TEST(FindPsk, NamedIdentitiesBeatAny) {
    Identity a = Identity::parse("@a").value(), b = Identity::parse("@b").value();
    std::vector<Secret> secrets{{{Identity{}}, base::SecretBytes{1}},
                                {{a, Identity{}}, base::SecretBytes{2}},
                                {{a, b}, base::SecretBytes{3}}};
    EXPECT_EQ(find_psk(secrets, a, b), &secrets[2]);
    EXPECT_EQ(find_psk(secrets, a, Identity::parse("@c").value()), &secrets[1]);
    EXPECT_EQ(find_psk(secrets, Identity::parse("@x").value(), b), &secrets[2]);
    EXPECT_EQ(find_psk(secrets, Identity::parse("@x").value(), Identity::parse("@y").value()), &secrets[0]);
}

}  // namespace
}  // namespace ike::policy
