// What ipsecd added to systemd-resolved's links, kept across a crash (daemon/resolved_records.hpp).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "daemon/resolved_records.hpp"

namespace ipsecd {
namespace {

net::Address ip(const char* text) { return *net::Address::parse(text); }

const LinkDns kLan{{ip("192.168.1.1")}, {{"lan", false}}};
const LinkDns kOurs = link_dns_of({ip("10.2.0.53"), ip("2001:db8::35")}, {"corp.example"});
LinkDns both() { return {{ip("192.168.1.1"), ip("10.2.0.53"), ip("2001:db8::35")}, {{"lan", false}, {"corp.example", true}}}; }

TEST(ResolvedRecords, WhatWasAddedIsWhatTheLinkDidNotHave) {
    EXPECT_EQ(added_to(kLan, both()), kOurs);
    EXPECT_TRUE(added_to(kLan, kLan).empty());
}

TEST(ResolvedRecords, TakingOurAdditionsOffLeavesTheLinksOwnInItsOrder) {
    EXPECT_EQ(without(both(), kOurs), kLan);
}

TEST(ResolvedRecords, WhatTheLinksManagerSetSinceStaysWhenOursAreGoneAlready) {
    const LinkDns renewed{{ip("192.168.1.2")}, {{"lan", false}}};
    EXPECT_EQ(without(renewed, kOurs), renewed);
}

TEST(ResolvedRecords, ARecordReadsBackAsWritten) {
    EXPECT_EQ(record_text(kOurs), "dns 10.2.0.53\ndns 2001:db8::35\ndomain ~corp.example\n");
    EXPECT_EQ(parse_record(record_text(kOurs)), kOurs);
    EXPECT_EQ(parse_record(record_text(kLan)), kLan);
}

TEST(ResolvedRecords, AnythingElseIsNotARecord) {
    EXPECT_EQ(parse_record("dns 10.2.0.300\n"), std::nullopt);
    EXPECT_EQ(parse_record("route 10.2.0.0/24\n"), std::nullopt);
    EXPECT_EQ(parse_record("domain ~\n"), std::nullopt);
    EXPECT_EQ(parse_record("dns\n"), std::nullopt);
}

class ResolvedRecordsDir : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ipsecd-records-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override { std::system(("rm -rf " + dir).c_str()); }
    std::string dir;
};

TEST_F(ResolvedRecordsDir, AWrittenRecordIsFoundByTheNextProcessUntilRemoved) {
    ASSERT_TRUE(ResolvedRecords(dir).write(3, kOurs));
    auto found = ResolvedRecords(dir).read_all();
    ASSERT_EQ(found.size(), 1u);
    ASSERT_TRUE(found.at(3));
    EXPECT_EQ(*found.at(3), kOurs);
    struct stat st {};
    ASSERT_EQ(stat((dir + "/resolved-link-3").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ResolvedRecords(dir).remove(3);
    EXPECT_TRUE(ResolvedRecords(dir).read_all().empty());
}

TEST_F(ResolvedRecordsDir, ARewrittenRecordReplacesTheOldOne) {
    ResolvedRecords records(dir);
    ASSERT_TRUE(records.write(3, kOurs));
    ASSERT_TRUE(records.write(3, kLan));
    EXPECT_EQ(*records.read_all().at(3), kLan);
}

TEST_F(ResolvedRecordsDir, OtherFilesOfTheRuntimeDirectoryAreNotRecords) {
    std::ofstream(dir + "/ipsecd.pid") << "42\n";
    std::ofstream(dir + "/resolved-link-3.new") << "dns 10.2.0.53\n";
    EXPECT_TRUE(ResolvedRecords(dir).read_all().empty());
}

TEST_F(ResolvedRecordsDir, AnUnreadableRecordIsReportedNotTakenForEmpty) {
    std::ofstream(dir + "/resolved-link-4") << "garbage\n";
    auto found = ResolvedRecords(dir).read_all();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_FALSE(found.at(4));
}

TEST_F(ResolvedRecordsDir, AnUnwritableDirectoryIsAnError) {
    EXPECT_FALSE(ResolvedRecords(dir + "/missing").write(3, kOurs));
}

}  // namespace
}  // namespace ipsecd
