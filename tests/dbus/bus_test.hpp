// Fixture of the integration tests: the shared test bed and a fresh client per test.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "dbus/paths.hpp"
#include "tests/dbus/fake_backend.hpp"
#include "tests/dbus/harness.hpp"

namespace ipsecd::bus::test {

class BusTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto& bed = Harness::get();
        ASSERT_EQ(bed.error, "") << "the D-Bus test bed is not available";
        client = std::make_unique<Client>(bed.address);
        ASSERT_TRUE(client->connected()) << "cannot connect to " << bed.address;
    }
    const std::string& address() { return Harness::get().address; }

    // The test server's control object.
    Reply control(const char* member) { return client->call("/test", "org.ipsecd1.Test", member, ""); }
    std::pair<std::uint32_t, std::uint32_t> pending() {
        auto r = control("Pending");
        std::uint32_t replies = 99, stalled = 99;
        if (r.ok()) sd_bus_message_read(r.message.get(), "uu", &replies, &stalled);
        return {replies, stalled};
    }

    std::unique_ptr<Client> client;
};

inline const std::string kSiteB = "/org/ipsecd1/connection/site_2db";
inline const std::string kSiteBIke = kSiteB + "/ike_0123456789abcdef";
inline const std::string kSiteBChild = kSiteBIke + "/child_c0ffee01";

}  // namespace ipsecd::bus::test
