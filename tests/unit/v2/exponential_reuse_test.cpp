// RFC 7296 2.12: a responder answers IKE_SA_INITs with one X25519 exponential until an IKE
// SA set up with it closes, which retires it (no closed SA's keys can be recomputed).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ike/wire/message.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

using namespace ike;
using namespace ike::v2;
using namespace ike::v2::test;

namespace {

// The KE payloads of the IKE_SA_INIT requests and responses, in the order sent.
struct KeLog {
    std::vector<base::Bytes> requests, responses;
};

// alice with `connections` copies of "site" to bob (site, site2, ...), `proposal` for IKE.
// KeLog first: the engines' options point at it.
struct Recorded : KeLog, Pair {
    explicit Recorded(unsigned connections, const std::string& proposal = "aes256gcm16-prfsha256-x25519")
        : Pair(alice_config(connections, proposal), bob_config(proposal), recording(*this)) {}

    static policy::Config alice_config(unsigned connections, const std::string& proposal) {
        auto c = site_config(kAlice, kBob);
        for (unsigned i = 2; i <= connections; ++i) {
            c.connections.push_back(c.connections.front());
            auto& copy = c.connections.back();
            copy.name = "site" + std::to_string(i);
            // Within bob's selectors, not alice's other policies: 10.1.0.<i>/32.
            copy.children.front().local_subnets = {*net::Prefix::parse("10.1.0." + std::to_string(i) + "/32")};
        }
        set_ike_proposal(c, proposal);
        return c;
    }
    static policy::Config bob_config(const std::string& proposal) {
        auto c = site_config(kBob, kAlice);
        set_ike_proposal(c, proposal);
        return c;
    }
    static EngineOptions recording(KeLog& ke) {
        EngineOptions o;
        o.rewrite_ike_sa_init = [&ke](bool request, std::vector<wire::Payload>& payloads) {
            for (const auto& p : payloads)
                if (const auto* k = std::get_if<wire::KeyExchange>(&p))
                    (request ? ke.requests : ke.responses).push_back(k->data);
        };
        return o;
    }
    // site and site2 initiated together.
    void both_up() {
        up(alice(), "site");
        up(alice(), "site2");
        run();
    }
};

}  // namespace

TEST(ExponentialReuse, AResponderAnswersTwoIkeSasWithOneX25519Value) {
    Recorded p(2);
    p.both_up();
    EXPECT_EQ(p.alice().connection("site2").state, ConnectionState::up);
    ASSERT_EQ(p.responses.size(), 2u);
    EXPECT_EQ(p.responses[0], p.responses[1]);
}

TEST(ExponentialReuse, InitiatorsDrawAValueForEachIkeSa) {
    Recorded p(2);
    p.both_up();
    ASSERT_EQ(p.requests.size(), 2u);
    EXPECT_NE(p.requests[0], p.requests[1]);
}

TEST(ExponentialReuse, AClosedIkeSaRetiresTheValueItWasSetUpWith) {
    Recorded p(1);
    p.up(p.alice(), "site");
    p.run();
    p.down(p.alice(), "site");
    p.run();
    p.up(p.alice(), "site");
    p.run();
    EXPECT_EQ(p.alice().connection("site").state, ConnectionState::up);
    ASSERT_EQ(p.responses.size(), 2u);
    EXPECT_NE(p.responses[0], p.responses[1]);
}

TEST(ExponentialReuse, OtherGroupsGetAValueForEachIkeSa) {
    Recorded p(2, "aes256gcm16-prfsha256-ecp256");
    p.both_up();
    ASSERT_EQ(p.responses.size(), 2u);
    EXPECT_NE(p.responses[0], p.responses[1]);
}
