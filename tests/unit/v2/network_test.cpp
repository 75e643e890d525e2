// The test network itself: it must do exactly what a scenario asks of it.
#include <gtest/gtest.h>

#include "tests/unit/v2/network.hpp"

using namespace ike::v2;
using namespace ike::v2::test;
using namespace std::chrono_literals;

namespace {

const Time t0{};

Datagram numbered(std::uint8_t n) { return {{}, {}, {n}}; }

TEST(Network, DeliversInSendingOrderAfterTheLatency) {
    Network net;
    net.send(numbered(1), t0);
    net.send(numbered(2), t0);
    EXPECT_FALSE(net.pop_due(t0));
    EXPECT_EQ(net.pop_due(t0 + 1ms)->bytes, base::Bytes{1});
    EXPECT_EQ(net.pop_due(t0 + 1ms)->bytes, base::Bytes{2});
    EXPECT_FALSE(net.next_delivery());
}

TEST(Network, DropsTheListedDatagrams) {
    Network net;
    net.set_rule(drop({0}));
    net.send(numbered(1), t0);
    net.send(numbered(2), t0);
    EXPECT_EQ(net.pop_due(t0 + 1s)->bytes, base::Bytes{2});
    EXPECT_FALSE(net.pop_due(t0 + 1s));
    EXPECT_EQ(net.dropped(), 1u);
}

TEST(Network, DuplicatesTheListedDatagrams) {
    Network net;
    net.set_rule(duplicate({0}));
    net.send(numbered(1), t0);
    EXPECT_TRUE(net.pop_due(t0 + 1s));
    EXPECT_TRUE(net.pop_due(t0 + 1s));
    EXPECT_FALSE(net.pop_due(t0 + 1s));
}

TEST(Network, DelayReordersDatagrams) {
    Network net;
    net.set_rule(delay(0, 50ms));
    net.send(numbered(1), t0);
    net.send(numbered(2), t0);
    EXPECT_EQ(net.pop_due(t0 + 1s)->bytes, base::Bytes{2});
    EXPECT_EQ(net.pop_due(t0 + 1s)->bytes, base::Bytes{1});
}

}  // namespace
