// Reliability rules of RFC 7296 2.1-2.2, one behaviour per test.
#include <gtest/gtest.h>

#include "ike/v2/neutral.hpp"
#include "ike/v2/message_ids.hpp"

using namespace ike::engine;
using ike::v2::MessageIds;
using namespace std::chrono_literals;

namespace {

const Time t0{};
const Datagrams request{{1, 2, 3}};

TEST(PendingRequest, NothingDueBeforeTheFirstTimeout) {
    PendingRequest p;
    p.start(0, request, t0, {});
    EXPECT_EQ(p.poll(t0 + 3999ms), PendingRequest::Due::nothing);
    EXPECT_EQ(p.poll(t0 + 4000ms), PendingRequest::Due::resend);
}

TEST(PendingRequest, BacksOffExponentially) {
    PendingRequest p;
    p.start(0, request, t0, {.initial = 1000ms, .factor = 2.0, .max_retransmits = 5});
    ASSERT_EQ(p.poll(t0 + 1000ms), PendingRequest::Due::resend);
    EXPECT_EQ(*p.deadline(), t0 + 3000ms);
    ASSERT_EQ(p.poll(t0 + 3000ms), PendingRequest::Due::resend);
    EXPECT_EQ(*p.deadline(), t0 + 7000ms);
}

TEST(PendingRequest, GivesUpAfterTheRetransmitLimit) {
    PendingRequest p;
    p.start(7, request, t0, {.initial = 1000ms, .factor = 1.0, .max_retransmits = 2});
    EXPECT_EQ(p.poll(t0 + 1s), PendingRequest::Due::resend);
    EXPECT_EQ(p.poll(t0 + 2s), PendingRequest::Due::resend);
    EXPECT_EQ(p.poll(t0 + 3s), PendingRequest::Due::give_up);
    EXPECT_FALSE(p.active());
    EXPECT_FALSE(p.deadline());
}

TEST(PendingRequest, ClearedRequestHasNoDeadline) {
    PendingRequest p;
    p.start(0, request, t0, {});
    p.clear();
    EXPECT_EQ(p.poll(t0 + 1h), PendingRequest::Due::nothing);
    EXPECT_FALSE(p.deadline());
}

TEST(ResponseCache, ReplaysOnlyTheCachedMessageId) {
    ResponseCache c;
    EXPECT_EQ(c.lookup(0), nullptr);
    c.store(3, request);
    ASSERT_NE(c.lookup(3), nullptr);
    EXPECT_EQ(*c.lookup(3), request);
    EXPECT_EQ(c.lookup(2), nullptr);
}

TEST(MessageIds, ClassifiesFreshRetransmittedAndInvalidRequests) {
    MessageIds ids;
    EXPECT_EQ(ids.classify_request(0), MessageIds::Incoming::fresh);
    EXPECT_EQ(ids.classify_request(1), MessageIds::Incoming::invalid);
    ids.expected_request = 2;
    EXPECT_EQ(ids.classify_request(1), MessageIds::Incoming::retransmit);
    EXPECT_EQ(ids.classify_request(2), MessageIds::Incoming::fresh);
    EXPECT_EQ(ids.classify_request(0), MessageIds::Incoming::invalid);
}

}  // namespace
