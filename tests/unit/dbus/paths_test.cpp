#include <gtest/gtest.h>

#include "dbus/paths.hpp"

using namespace ipsecd::bus;

TEST(ObjectPath, EscapesConnectionNameWithPathEncode) {
    EXPECT_EQ(connection_path("site-b"), "/org/ipsecd1/connection/site_2db");
    EXPECT_EQ(connection_path("road.warrior_1"), "/org/ipsecd1/connection/road_2ewarrior_5f1");
}

TEST(ObjectPath, NamesSasBySpiBelowTheirConnection) {
    EXPECT_EQ(ike_sa_path("a", 0x0123456789abcdefULL),
              "/org/ipsecd1/connection/a/ike_0123456789abcdef");
    EXPECT_EQ(child_sa_path("a", 1, 0xc0ffee01),
              "/org/ipsecd1/connection/a/ike_0000000000000001/child_c0ffee01");
}

TEST(ObjectPath, ParsesWhatItBuilds) {
    EXPECT_EQ(parse_path(connection_path("site-b")), (ObjectRef{"site-b", {}, {}}));
    EXPECT_EQ(parse_path(ike_sa_path("x.y", 42)), (ObjectRef{"x.y", 42, {}}));
    EXPECT_EQ(parse_path(child_sa_path("x", 7, 0xffffffff)), (ObjectRef{"x", 7, 0xffffffffu}));
}

TEST(ObjectPath, RejectsPathsOutsideTheConnectionTree) {
    EXPECT_FALSE(parse_path("/org/ipsecd1"));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection"));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connectionX/a"));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/a/"));
}

TEST(ObjectPath, RejectsNonCanonicalSpellings) {
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/_61"));  // "a" must be spelled "a"
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/a/ike_1"));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/a/ike_0123456789ABCDEF"));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/a/ike_0000000000000001/child_1"));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/a/ike_0000000000000001/child_00000001/x"));
}

TEST(ObjectPath, NamesAnSaOfNoIkeSaBelowItsConnection) {
    EXPECT_EQ(child_sa_path("a", 0x1001u), "/org/ipsecd1/connection/a/child_00001001");
    EXPECT_EQ(parse_path(child_sa_path("a", 0x1001u)), (ObjectRef{"a", {}, 0x1001u}));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/a/child_1001"));
    EXPECT_FALSE(parse_path("/org/ipsecd1/connection/a/child_00001001/x"));
}
