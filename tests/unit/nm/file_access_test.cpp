// vpn.data's files of a connection restricted to users are checked as those users
// (dbus/nm/file_access.hpp). The checks as a user need root to switch to it.
#include "dbus/nm/file_access.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

TEST(PermittedUsers, TakesTheUserEntriesOfNmsFormat) {
    EXPECT_EQ(nm::permitted_users({"user:alice:", "user:bob", "group:x:", "user::", "junk"}),
              (std::vector<std::string>{"alice", "bob"}));
    EXPECT_TRUE(nm::permitted_users({}).empty());
}

class FileAccess : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(geteuid(), 0u) << "switching to another user needs root (tests/run runs as root)";
        dir = std::filesystem::temp_directory_path() / ("nm-file-access-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        chmod(dir.c_str(), 0755);
        for (auto [name, mode] : {std::pair{"public.pem", 0644}, {"private.pem", 0600}}) {
            std::ofstream(dir / name) << "x";
            chmod((dir / name).c_str(), static_cast<mode_t>(mode));
        }
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string path(const char* name) const { return (dir / name).string(); }
    std::filesystem::path dir;
};

TEST_F(FileAccess, AFileTheUserCanReadPasses) {
    EXPECT_TRUE(nm::check_readable_by("nobody", {path("public.pem")}));
}

TEST_F(FileAccess, ARootOnlyKeyIsRefusedNamingTheFile) {
    auto st = nm::check_readable_by("nobody", {path("public.pem"), path("private.pem")});
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message, path("private.pem") + ": Permission denied");
}

TEST_F(FileAccess, SystemWideConnectionsAreNotChecked) {
    nm::VpnData vpn;
    vpn.key = path("private.pem");
    EXPECT_TRUE(nm::check_vpn_files({}, vpn));
    auto st = nm::check_vpn_files({"user:nobody:"}, vpn);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("user 'nobody'"), std::string::npos);
}

TEST_F(FileAccess, AnUnknownUserIsRefused) {
    auto st = nm::check_readable_by("no-such-user-ipsecd", {path("public.pem")});
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message, "user 'no-such-user-ipsecd' does not exist");
}

}  // namespace
