#include <gtest/gtest.h>

#include "dbus/errors.hpp"

using namespace ipsecd::bus;

TEST(BusError, NamesFollowTheContract) {
    EXPECT_EQ(error_name(Reason::no_such_connection), "org.ipsecd1.Error.NoSuchConnection");
    EXPECT_EQ(error_name(Reason::invalid_config), "org.ipsecd1.Error.InvalidConfig");
    EXPECT_EQ(error_name(Reason::not_transient), "org.ipsecd1.Error.NotTransient");
    EXPECT_EQ(error_name(Reason::already_exists), "org.ipsecd1.Error.AlreadyExists");
    EXPECT_EQ(error_name(Reason::child_refused), "org.ipsecd1.Error.ChildRefused");
    EXPECT_EQ(error_name(Reason::child_failed), "org.ipsecd1.Error.ChildFailed");
    EXPECT_EQ(error_name(Reason::host_unresolved), "org.ipsecd1.Error.HostUnresolved");
    EXPECT_EQ(error_name(Reason::child_unacceptable), "org.ipsecd1.Error.ChildUnacceptable");
    EXPECT_EQ(error_name(Reason::failed), "org.ipsecd1.Error.Failed");
}

TEST(BusError, SetErrorCarriesNameAndMessage) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    EXPECT_LT(set_error(&e, {Reason::not_transient, "x is from a file"}), 0);
    EXPECT_STREQ(e.name, "org.ipsecd1.Error.NotTransient");
    EXPECT_STREQ(e.message, "x is from a file");
    sd_bus_error_free(&e);
}
