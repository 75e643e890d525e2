// --runtime-dir/ipsecd.pid: one daemon per runtime directory (daemon/instance_lock.hpp).
#include "daemon/instance_lock.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

struct RuntimeDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("ipsecd-lock-test-" + std::to_string(getpid()));
    ~RuntimeDir() { std::filesystem::remove_all(path); }
};

std::string pid_file(const RuntimeDir& d) {
    std::ifstream in(d.path / "ipsecd.pid");
    std::string pid;
    in >> pid;
    return pid;
}

TEST(InstanceLock, CreatesTheDirectoryAndWritesOurPid) {
    RuntimeDir d;
    auto lock = ipsecd::InstanceLock::acquire(d.path.string());
    ASSERT_TRUE(lock) << lock.error().message;
    EXPECT_EQ(pid_file(d), std::to_string(getpid()));
}

TEST(InstanceLock, ASecondDaemonIsRefusedNamingTheFirst) {
    RuntimeDir d;
    auto first = ipsecd::InstanceLock::acquire(d.path.string());
    ASSERT_TRUE(first);
    auto second = ipsecd::InstanceLock::acquire(d.path.string());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().message, "another ipsecd (pid " + std::to_string(getpid()) + ") runs with " +
                                          (d.path / "ipsecd.pid").string());
}

TEST(InstanceLock, AStalePidFileDoesNotBlockTheRestart) {
    RuntimeDir d;
    std::filesystem::create_directories(d.path);
    std::ofstream(d.path / "ipsecd.pid") << "99999\n";   // left by a killed daemon: no lock
    auto lock = ipsecd::InstanceLock::acquire(d.path.string());
    ASSERT_TRUE(lock) << lock.error().message;
    EXPECT_EQ(pid_file(d), std::to_string(getpid()));
}

TEST(InstanceLock, TheLockEndsWithItsHolder) {
    RuntimeDir d;
    { auto first = ipsecd::InstanceLock::acquire(d.path.string()); ASSERT_TRUE(first); }
    EXPECT_TRUE(ipsecd::InstanceLock::acquire(d.path.string()));
}

}  // namespace
