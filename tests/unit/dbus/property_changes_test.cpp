// Which IkeSa properties a new state signals with PropertiesChanged (dbus/objects.hpp).
#include <gtest/gtest.h>

#include "dbus/objects.hpp"

namespace ipsecd::bus {
namespace {

std::vector<std::string> names(const PropertyNames& p) { return {p.begin(), p.end()}; }

TEST(IkeSaChanges, NewDnsServersAndDomainsAreSignalled) {
    ike::engine::IkeSaStatus before, after;
    after.dns = {*net::Address::parse("10.2.0.53")};
    after.dns_domains = {"corp.example"};
    EXPECT_EQ(names(ike_sa_changes(before, after)), (std::vector<std::string>{"Dns", "DnsDomains"}));
}

TEST(IkeSaChanges, TheSameDnsIsNotSignalledAgain) {
    ike::engine::IkeSaStatus sa;
    sa.dns = {*net::Address::parse("10.2.0.53")};
    sa.dns_domains = {"corp.example"};
    EXPECT_TRUE(ike_sa_changes(sa, sa).empty());
}

}  // namespace
}  // namespace ipsecd::bus
