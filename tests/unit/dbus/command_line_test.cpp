#include <gtest/gtest.h>

#include <vector>

#include "cli/command_line.hpp"

using namespace ipsecd::cli;

namespace {

base::Result<Command> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "ipsecctl");
    return parse_command_line(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST(CommandLine, StatusJsonWithAddress) {
    auto c = parse({"--address", "unix:path=/tmp/bus", "status", "--json"});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->verb, Verb::status);
    EXPECT_TRUE(c->json);
    EXPECT_EQ(c->address, "unix:path=/tmp/bus");
}

TEST(CommandLine, UpTakesOneName) {
    auto c = parse({"up", "site-b"});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->verb, Verb::up);
    EXPECT_EQ(c->name, "site-b");
    EXPECT_FALSE(parse({"up"}));
    EXPECT_FALSE(parse({"down", "a", "b"}));
}

TEST(CommandLine, NoCommandOrHelpMeansHelp) {
    EXPECT_EQ(parse({})->verb, Verb::help);
    EXPECT_EQ(parse({"--help"})->verb, Verb::help);
}

TEST(CommandLine, UnknownCommandOrOptionIsAnError) {
    EXPECT_FALSE(parse({"bogus"}));
    EXPECT_FALSE(parse({"list", "--json"}));
    EXPECT_FALSE(parse({"reload", "x"}));
}

TEST(CommandLine, HelpReadsLikeAManualPage) {
    std::string text = help_text();
    for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "EXIT STATUS"})
        EXPECT_NE(text.find(std::string(section) + "\n       "), std::string::npos) << section;
}
