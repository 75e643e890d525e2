// A process of its own (test-secret-memory): secrets_from_heap() must come before the
// process's first secret, which no other test here allocates.
#include "ike/crypto/secret_memory.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "base/secret.hpp"

namespace ike::crypto {
namespace {

// The process's locked memory (VmLck in /proc/self/status), in KiB.
long locked_kib() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmLck:", 0) == 0) return std::stol(line.substr(6));
    ADD_FAILURE() << "no VmLck in /proc/self/status";
    return -1;
}

TEST(SecretMemory, SecretsComeFromTheHeapNotALockedPool) {
    ASSERT_TRUE(secrets_from_heap());
    const base::SecretBytes key(32, 0x5a);
    EXPECT_EQ(locked_kib(), 0);
}

TEST(SecretMemory, LeavesTheEnvironmentAsItWas) {
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "64", 1);
    (void)secrets_from_heap();
    EXPECT_STREQ(std::getenv("BOTAN_MLOCK_POOL_SIZE"), "64");
    ::unsetenv("BOTAN_MLOCK_POOL_SIZE");
    (void)secrets_from_heap();
    EXPECT_EQ(std::getenv("BOTAN_MLOCK_POOL_SIZE"), nullptr);
}

}  // namespace
}  // namespace ike::crypto
