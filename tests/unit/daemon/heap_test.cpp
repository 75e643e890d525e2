// The daemon's heap as DESIGN.md Part 1 ("The heap") has it: mimalloc's malloc and free serve
// the whole process, the C library's and every other library's calls included; a sanitizer
// build keeps the sanitizer's. IPSECD_HEAP says which this build is (meson: mimalloc or libc).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ipsecd {
namespace {

// What `ipsecd --version` prints with `env` set, stdout and stderr together.
std::string run_version(const std::string& env) {
    const std::string cmd = env + " " + std::getenv("IPSECD") + " --version 2>&1";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[4096];
        for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        pclose(p);
    }
    return out;
}

bool wants_mimalloc() { return std::string(std::getenv("IPSECD_HEAP")) == "mimalloc"; }

TEST(Heap, TheCLibrarysOwnMallocCallsGoToMimallocUnlessASanitizerOwnsTheHeap) {
    // The dynamic linker's record of which object libc.so's own calls to malloc bind to.
    const auto out = run_version("LD_DEBUG=bindings");
    bool bound = false;
    for (std::size_t at = 0, end; at < out.size(); at = end + 1) {
        end = std::min(out.find('\n', at), out.size());
        const auto line = out.substr(at, end - at);
        bound |= line.find("libc.so.6 [0] to ") != std::string::npos &&
                 line.find("libmimalloc.so") != std::string::npos && line.find("symbol `malloc'") != std::string::npos;
    }
    EXPECT_EQ(bound, wants_mimalloc()) << out.substr(0, 2000);
}

TEST(Heap, MimallocStartsWithTheDaemonUnlessASanitizerOwnsTheHeap) {
    const auto out = run_version("MIMALLOC_VERBOSE=1");
    EXPECT_EQ(out.find("mimalloc: process init") != std::string::npos, wants_mimalloc()) << out.substr(0, 2000);
    EXPECT_NE(out.find("ipsecd "), std::string::npos) << out;
}

}  // namespace
}  // namespace ipsecd
