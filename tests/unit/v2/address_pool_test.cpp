// The leases of an address pool (ike/v2/address_pool.hpp): in order, the same address back to
// the same identity, exhaustion, and reuse of a released lease only after its grace.
#include <gtest/gtest.h>

#include "ike/v2/address_pool.hpp"
#include "ike/v2/lease_book.hpp"

using namespace ike;
using namespace ike::v2;

namespace {

policy::Pool office(const char* first, const char* last) {
    return {"office", *net::Address::parse(first), *net::Address::parse(last), {}, {}};
}

AddressPool pool(const char* first, const char* last) { return AddressPool(office(first, last)); }

std::string str(const std::optional<net::Address>& a) { return a ? a->str() : "none"; }

const Time t0{};

TEST(AddressPool, HandsOutAddressesInOrder) {
    auto p = pool("10.3.0.1", "10.3.0.254");
    EXPECT_EQ(p.size(), 254u);
    EXPECT_EQ(str(p.acquire("alice", t0)), "10.3.0.1");
    EXPECT_EQ(str(p.acquire("bob", t0)), "10.3.0.2");
}

TEST(AddressPool, AnIdentityGetsItsAddressBackAfterRelease) {
    auto p = pool("10.3.0.1", "10.3.0.254");
    p.acquire("alice", t0);
    p.acquire("bob", t0);
    p.release("alice", t0);
    p.acquire("carol", t0);
    EXPECT_EQ(str(p.acquire("alice", t0 + kLeaseGrace * 10)), "10.3.0.1");
}

TEST(AddressPool, AnExhaustedPoolHasNoAddress) {
    auto p = pool("10.3.0.1", "10.3.0.2");
    p.acquire("alice", t0);
    p.acquire("bob", t0);
    EXPECT_EQ(str(p.acquire("carol", t0)), "none");
}

TEST(AddressPool, AReleasedLeaseGoesToAnotherIdentityOnlyAfterItsGrace) {
    auto p = pool("10.3.0.1", "10.3.0.1");
    p.acquire("alice", t0);
    p.release("alice", t0);
    EXPECT_EQ(str(p.acquire("bob", t0 + kLeaseGrace - Duration{1})), "none");
    EXPECT_EQ(str(p.acquire("bob", t0 + kLeaseGrace)), "10.3.0.1");
    ASSERT_EQ(p.leases().size(), 1u);
    EXPECT_EQ(p.leases()[0].identity, "bob");
}

TEST(AddressPool, ALeaseHeldTwiceIsReleasedWithTheLastHolder) {
    auto p = pool("10.3.0.1", "10.3.0.1");
    p.acquire("alice", t0);
    p.acquire("alice", t0);  // a rekey's successor
    p.release("alice", t0);
    EXPECT_TRUE(p.leases()[0].online);
    p.release("alice", t0);
    EXPECT_FALSE(p.leases()[0].online);
}

TEST(AddressPool, IPv6RangesCountTheirAddresses) {
    auto p = pool("2001:db8::ff", "2001:db8::101");
    EXPECT_EQ(p.size(), 3u);
    p.acquire("a", t0);
    EXPECT_EQ(str(p.acquire("b", t0)), "2001:db8::100");
}

// The book of several pools (lease_book.hpp): a reload that replaces a pool starts a new
// generation, and what was leased from the old one is neither held nor released in it.
TEST(LeaseBook, AReleaseOfAReplacedPoolsLeaseLeavesTheNewPoolsLease) {
    LocalLeaseBook book;
    book.reconfigure({office("10.3.0.1", "10.3.0.9")});
    const auto old = book.acquire("office", "alice", t0);
    book.reconfigure({office("10.3.0.1", "10.3.0.5")});
    const auto fresh = book.acquire("office", "alice", t0);
    ASSERT_TRUE(old && fresh);
    EXPECT_NE(old->generation, fresh->generation);
    book.release("office", old->generation, "alice", t0);
    EXPECT_TRUE(book.leases("office").at(0).online);
}

TEST(LeaseBook, TheSameReloadAppliedTwiceKeepsTheLeases) {
    LocalLeaseBook book;
    book.reconfigure({office("10.3.0.1", "10.3.0.9")});
    book.acquire("office", "alice", t0);
    book.reconfigure({office("10.3.0.1", "10.3.0.5")});
    const auto leased = book.acquire("office", "bob", t0);
    book.reconfigure({office("10.3.0.1", "10.3.0.5")});
    ASSERT_EQ(book.leases("office").size(), 1u);
    EXPECT_EQ(book.leases("office")[0].identity, "bob");
    EXPECT_EQ(book.acquire("office", "bob", t0)->generation, leased->generation);
}

}  // namespace
