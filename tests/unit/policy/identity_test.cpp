#include "ike/policy/identity.hpp"

#include <gtest/gtest.h>

namespace ike::policy {
namespace {

TEST(Identity, ParsesEachKind) {
    EXPECT_EQ(Identity::parse("192.0.2.1")->kind, IdKind::ipv4);
    EXPECT_EQ(Identity::parse("2001:db8::1")->kind, IdKind::ipv6);
    EXPECT_EQ(Identity::parse("@gw.example")->kind, IdKind::fqdn);
    EXPECT_EQ(Identity::parse("@gw.example")->value, "gw.example");
    EXPECT_EQ(Identity::parse("gw.example")->kind, IdKind::fqdn);
    EXPECT_EQ(Identity::parse("alice@example.org")->kind, IdKind::rfc822);
    EXPECT_EQ(Identity::parse("C=CH, O=Example, CN=gw")->kind, IdKind::dn);
    EXPECT_EQ(Identity::parse("%any")->kind, IdKind::any);
}

TEST(Identity, PrintsTheConfigurationForm) {
    for (const char* text : {"192.0.2.1", "@gw.example", "alice@example.org", "CN=gw", "%any"})
        EXPECT_EQ(Identity::parse(text)->str(), text);
}

TEST(Identity, RejectsEmptyAndBareAt) {
    EXPECT_FALSE(Identity::parse("").ok());
    EXPECT_FALSE(Identity::parse("@").ok());
    EXPECT_FALSE(Identity::parse("alice@").ok());
}

TEST(Identity, AnyMatchesEveryPeer) {
    EXPECT_TRUE(Identity{}.matches(Identity::parse("@x").value()));
    EXPECT_FALSE(Identity::parse("@y")->matches(Identity::parse("@x").value()));
}

}  // namespace
}  // namespace ike::policy
