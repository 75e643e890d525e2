#include "dbus/nm/ipsecd_errors.hpp"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(IpsecdErrors, AuthenticationFailureIsLoginFailed) {
    EXPECT_EQ(failure_for_ipsecd_error("org.ipsecd1.Error.AuthenticationFailed"), Failure::login_failed);
}

TEST(IpsecdErrors, OtherIpsecdErrorsAreConnectFailed) {
    EXPECT_EQ(failure_for_ipsecd_error("org.ipsecd1.Error.Timeout"), Failure::connect_failed);
    EXPECT_EQ(failure_for_ipsecd_error("org.ipsecd1.Error.NoProposalChosen"), Failure::connect_failed);
}

// Up fails when the IKE SA stands but the peer refused a child (issue 11: never "connected"
// without the CHILD SA): the activation fails as connect-failed.
TEST(IpsecdErrors, RefusedOrFailedChildIsConnectFailed) {
    EXPECT_EQ(failure_for_ipsecd_error("org.ipsecd1.Error.ChildRefused"), Failure::connect_failed);
    EXPECT_EQ(failure_for_ipsecd_error("org.ipsecd1.Error.ChildFailed"), Failure::connect_failed);
}

TEST(IpsecdErrors, BusErrorsAreConnectFailed) {
    EXPECT_EQ(failure_for_ipsecd_error("org.freedesktop.DBus.Error.ServiceUnknown"), Failure::connect_failed);
    EXPECT_EQ(failure_for_ipsecd_error("org.freedesktop.DBus.Error.AuthFailed"), Failure::connect_failed);
}

}  // namespace
}  // namespace nm
