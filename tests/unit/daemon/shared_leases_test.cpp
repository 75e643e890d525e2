// The lease book the shards share (daemon/shared_leases.hpp): engines on several threads
// acquiring at once never get one address for two identities.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/shared_leases.hpp"

namespace {

using ike::v2::Time;

TEST(SharedLeases, ThreadsAcquiringAtOnceGetDistinctAddresses) {
    ipsecd::SharedLeases book;
    book.reconfigure({{"office", *net::Address::parse("10.3.0.0"), *net::Address::parse("10.3.255.255"), {}, {}}});
    constexpr int kThreads = 4, kEach = 500;
    std::vector<std::vector<std::string>> got(kThreads);
    std::vector<std::thread> shards;
    for (int t = 0; t < kThreads; ++t)
        shards.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i)
                got[t].push_back(book.acquire("office", std::to_string(t) + "/" + std::to_string(i), Time{})->address.str());
        });
    for (auto& s : shards) s.join();
    std::set<std::string> distinct;
    for (const auto& g : got) distinct.insert(g.begin(), g.end());
    EXPECT_EQ(distinct.size(), std::size_t{kThreads * kEach});
    EXPECT_EQ(book.leases("office").size(), std::size_t{kThreads * kEach});
}

}  // namespace
