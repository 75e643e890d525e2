// Taking over what an ipsecd killed without its clean-up left in the kernel.
#include "daemon/leftovers.hpp"

#include <gtest/gtest.h>

#include "ike/v2/engine.hpp"
#include "xfrm/memory_kernel.hpp"

namespace ipsecd {
namespace {

constexpr std::uint32_t kOurs = ike::engine::kReqidBase + 1;

net::Address ip(const char* t) { return *net::Address::parse(t); }
net::Prefix prefix(const char* t) { return *net::Prefix::parse(t); }

xfrm::Policy out_policy(std::uint32_t reqid, const char* tunnel_src = "192.0.2.1") {
    xfrm::Policy p;
    p.selector = {prefix("10.1.0.0/24"), prefix("10.2.0.0/24")};
    p.dir = xfrm::Dir::out;
    p.templates.push_back({ip(tunnel_src), ip("192.0.2.2"), xfrm::Proto::esp, xfrm::Mode::tunnel, reqid, 0});
    return p;
}

xfrm::Sa sa(std::uint32_t spi, std::uint32_t reqid) {
    xfrm::Sa s;
    s.src = ip("192.0.2.1");
    s.dst = ip("192.0.2.2");
    s.spi = spi;
    s.reqid = reqid;
    s.aead = xfrm::Aead{"rfc4106(gcm(aes))", base::SecretBytes(36, 7), 128};
    return s;
}

struct Restarted {
    xfrm::MemoryKernel kernel;
    Logger log{LogLevel::error, LogTarget::stderr};
    Leftovers leftovers{log};
    xfrm::PolicyLedger ledger{kernel};
};

base::Status add_policy(Restarted& r, const xfrm::Policy& p) {
    base::Status result;
    r.leftovers.add_policy(r.ledger, ike::engine::kIkev2Engine, p, [&](const base::Status& s) { result = s; });
    r.kernel.flush();
    return result;
}

TEST(Leftovers, APolicyAddedAgainIsUpdatedInPlace) {
    Restarted r;
    ASSERT_TRUE(r.kernel.add_policy(out_policy(kOurs)));
    r.leftovers.read(r.kernel);
    EXPECT_EQ(r.leftovers.policies(), 1u);
    const auto now = out_policy(kOurs, "0.0.0.0");
    ASSERT_TRUE(add_policy(r, now));
    EXPECT_EQ(r.kernel.policies().at(now.id()), now);
    r.leftovers.drop_unused(r.kernel);
    EXPECT_EQ(r.kernel.policies().size(), 1u);
}

TEST(Leftovers, OtherSoftwaresPoliciesAndSasAreLeftAlone) {
    Restarted r;
    ASSERT_TRUE(r.kernel.add_policy(out_policy(5)));
    ASSERT_TRUE(r.kernel.add_sa(sa(0x1000, 5)));
    r.leftovers.read(r.kernel);
    EXPECT_EQ(r.leftovers.policies(), 0u);
    EXPECT_EQ(r.leftovers.sas(), 0u);
    EXPECT_FALSE(add_policy(r, out_policy(kOurs)));  // EEXIST: not ours to replace
    r.leftovers.drop_unused(r.kernel);
    r.leftovers.drop_all(r.kernel);
    EXPECT_EQ(r.kernel.policies().size(), 1u);
    EXPECT_EQ(r.kernel.sas().size(), 1u);
}

TEST(Leftovers, AnSaStaysUntilOneOfItsReqidAndDestinationIsIn) {
    Restarted r;
    ASSERT_TRUE(r.kernel.add_policy(out_policy(kOurs)));
    ASSERT_TRUE(r.kernel.add_sa(sa(0x1000, kOurs)));
    r.leftovers.read(r.kernel);
    ASSERT_TRUE(add_policy(r, out_policy(kOurs)));
    r.leftovers.drop_unused(r.kernel);
    EXPECT_EQ(r.kernel.sas().size(), 1u);  // its reqid is in use: kept
    ASSERT_TRUE(r.kernel.add_sa(sa(0x2000, kOurs)));
    r.leftovers.added_sa(r.kernel, sa(0x2000, kOurs));
    ASSERT_EQ(r.kernel.sas().size(), 1u);
    EXPECT_EQ(r.kernel.sas().begin()->first.spi, 0x2000u);
}

TEST(Leftovers, WhatTheStartedConfigurationDoesNotTakeOverGoes) {
    Restarted r;
    ASSERT_TRUE(r.kernel.add_policy(out_policy(kOurs)));
    ASSERT_TRUE(r.kernel.add_sa(sa(0x1000, kOurs)));
    r.leftovers.read(r.kernel);
    r.leftovers.drop_unused(r.kernel);
    EXPECT_TRUE(r.kernel.policies().empty());
    EXPECT_TRUE(r.kernel.sas().empty());
}

TEST(Leftovers, SigtermRemovesTheSasStillKept) {
    Restarted r;
    ASSERT_TRUE(r.kernel.add_sa(sa(0x1000, kOurs)));
    r.leftovers.read(r.kernel);
    ASSERT_TRUE(add_policy(r, out_policy(kOurs)));
    r.leftovers.drop_unused(r.kernel);
    r.leftovers.drop_all(r.kernel);
    EXPECT_TRUE(r.kernel.sas().empty());
}

}  // namespace
}  // namespace ipsecd
