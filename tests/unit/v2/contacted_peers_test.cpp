// ContactedPeers: whom an IKE_AUTH sends INITIAL_CONTACT (RFC 7296 2.4), in memory bounded by
// the IKE SAs held plus a fixed number of peers without one.
#include <gtest/gtest.h>

#include "ike/v2/contacted_peers.hpp"

namespace ike::v2 {
namespace {

TEST(ContactedPeers, APeerIsContactedOnceAnIkeSaWithItIsEstablished) {
    LocalContactedPeers peers;
    EXPECT_FALSE(peers.contains("@bob.example"));
    peers.established("@bob.example");
    EXPECT_TRUE(peers.contains("@bob.example"));
}

TEST(ContactedPeers, APeerWithAnIkeSaIsNeverForgotten) {
    LocalContactedPeers peers;
    peers.established("@bob.example");
    peers.established("@bob.example");  // a second IKE SA (or a rekey's successor)
    peers.closed("@bob.example");
    for (std::size_t i = 0; i <= LocalContactedPeers::kRemembered; ++i) {
        peers.established("peer" + std::to_string(i));
        peers.closed("peer" + std::to_string(i));
    }
    EXPECT_TRUE(peers.contains("@bob.example"));
}

TEST(ContactedPeers, APeerWhoseLastIkeSaWentIsRememberedAmongTheMostRecentOnly) {
    LocalContactedPeers peers;
    peers.established("@bob.example");
    peers.closed("@bob.example");
    for (std::size_t i = 0; i + 1 < LocalContactedPeers::kRemembered; ++i) {
        peers.established("peer" + std::to_string(i));
        peers.closed("peer" + std::to_string(i));
    }
    EXPECT_TRUE(peers.contains("@bob.example"));
    peers.established("one more");
    peers.closed("one more");
    EXPECT_FALSE(peers.contains("@bob.example"));
    EXPECT_EQ(peers.size(), LocalContactedPeers::kRemembered);
}

TEST(ContactedPeers, APeerEstablishedAgainIsNoLongerAmongThoseGone) {
    LocalContactedPeers peers;
    peers.established("@bob.example");
    peers.closed("@bob.example");
    peers.established("@bob.example");
    for (std::size_t i = 0; i <= LocalContactedPeers::kRemembered; ++i) {
        peers.established("peer" + std::to_string(i));
        peers.closed("peer" + std::to_string(i));
    }
    EXPECT_TRUE(peers.contains("@bob.example"));
    EXPECT_EQ(peers.size(), LocalContactedPeers::kRemembered + 1);
}

}  // namespace
}  // namespace ike::v2
