// The Connection object's RemoteAddress (DESIGN Part 2, "D-Bus"): remote.address as
// configured; for a host name, the address it resolved to while an IKE SA is established.
#include <gtest/gtest.h>

#include "dbus/backend.hpp"

using namespace ipsecd::bus;

namespace {
ConnectionSnapshot snapshot(const std::string& remote, const std::string& ike_state = "") {
    ConnectionSnapshot c;
    c.remote_address = remote;
    if (!ike_state.empty()) {
        ike::engine::IkeSaStatus sa;
        sa.state = ike_state;
        sa.remote = {*net::Address::parse("192.0.2.2"), 500};
        c.status.ike_sas.push_back(sa);
    }
    return c;
}
}  // namespace

TEST(RemoteAddress, IsTheConfiguredAddressOrAny) {
    EXPECT_EQ(remote_address(snapshot("192.0.2.9", "established")), "192.0.2.9");
    EXPECT_EQ(remote_address(snapshot("%any", "established")), "%any");
}

TEST(RemoteAddress, OfAHostNameIsWhereItsEstablishedIkeSaGoes) {
    EXPECT_EQ(remote_address(snapshot("vpn.example.org", "established")), "192.0.2.2");
}

TEST(RemoteAddress, OfAHostNameWithoutAnEstablishedIkeSaIsTheName) {
    EXPECT_EQ(remote_address(snapshot("vpn.example.org")), "vpn.example.org");
    EXPECT_EQ(remote_address(snapshot("vpn.example.org", "connecting")), "vpn.example.org");
}
