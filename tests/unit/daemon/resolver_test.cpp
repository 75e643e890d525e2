// The daemon's resolver (daemon/resolver.hpp): getaddrinfo off the event loop, answers back
// on the loop's thread. "localhost" comes from /etc/hosts; ".invalid" never resolves (RFC 6761).
#include "daemon/resolver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace ipsecd {
namespace {

const net::Address kLoopback = *net::Address::parse("127.0.0.1");

TEST(ResolveNow, ReadsTheHostsFile) {
    const auto answer = resolve_now({"localhost", net::Family::v4});
    EXPECT_EQ(answer.error, "");
    EXPECT_EQ(answer.name, "localhost");
    EXPECT_EQ(answer.addresses, std::vector{kLoopback});  // once, not once per socket type
}

TEST(ResolveNow, KeepsToTheFamilyAskedFor) {
    const auto answer = resolve_now({"localhost", net::Family::v6});
    for (const auto& a : answer.addresses) EXPECT_EQ(a.family, net::Family::v6) << a.str();
}

TEST(ResolveNow, SaysWhyANameDoesNotResolve) {
    const auto answer = resolve_now({"no-such-host.invalid", std::nullopt});
    EXPECT_TRUE(answer.addresses.empty());
    EXPECT_FALSE(answer.error.empty());
}

TEST(Resolver, AnswersOnTheLoopThread) {
    sd_event* event = nullptr;
    ASSERT_GE(sd_event_new(&event), 0);
    std::vector<ike::engine::HostResolved> answers;
    const auto loop_thread = std::this_thread::get_id();
    {
        auto resolver = Resolver::create(event, [&](ike::engine::HostResolved a) {
            EXPECT_EQ(std::this_thread::get_id(), loop_thread);
            answers.push_back(std::move(a));
        });
        ASSERT_TRUE(resolver.ok()) << resolver.error().message;
        (*resolver)->resolve({"localhost", net::Family::v4});
        (*resolver)->resolve({"no-such-host.invalid", std::nullopt});
        EXPECT_TRUE(answers.empty());  // resolve() never answers in place
        for (int i = 0; i < 300 && answers.size() < 2; ++i) ASSERT_GE(sd_event_run(event, 100000), 0);
    }
    sd_event_unref(event);
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].name, "localhost");  // one worker: in the order asked
    EXPECT_EQ(answers[0].addresses, std::vector{kLoopback});
    EXPECT_EQ(answers[1].name, "no-such-host.invalid");
    EXPECT_FALSE(answers[1].error.empty());
}

}  // namespace
}  // namespace ipsecd
