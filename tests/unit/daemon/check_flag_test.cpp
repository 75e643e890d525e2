// `ipsecd --check` as DESIGN.md Part 2 has it: every problem as FILE:LINE:COLUMN on stderr,
// exit 1; a valid configuration exits 0; nothing is started either way.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/unit/config/temp_dir.hpp"

namespace ipsecd {
namespace {

using config::test_support::TempDir;

struct Checked {
    int exit_code;
    std::string stderr_text;
};

Checked check(const TempDir& conf, const TempDir& run) {
    const auto err = run.path() / "stderr";
    const std::string cmd = std::string(std::getenv("IPSECD")) + " --check --config-dir " + conf.path().string() +
                            " --runtime-dir " + (run.path() / "rt").string() + " 2> " + err.string();
    const int status = std::system(cmd.c_str());
    std::ifstream in(err);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, {std::istreambuf_iterator<char>(in), {}}};
}

TEST(CheckFlag, EveryProblemIsPrintedWithItsPositionAndTheExitCodeIsOne) {
    TempDir conf, run;
    const auto a = conf.write("a.yaml", "connections:\n  a:\n    remote: {address: 192.0.2.2}\n    colour: red\n");
    const auto b = conf.write("b.yaml", "connections:\n  b:\n    remote: {address: 192.0.2.3, port: 70000}\n");
    const auto r = check(conf, run);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.stderr_text.find(a.string() + ":4:5: "), std::string::npos) << r.stderr_text;
    EXPECT_NE(r.stderr_text.find(b.string() + ":3:"), std::string::npos) << r.stderr_text;
    EXPECT_FALSE(std::filesystem::exists(run.path() / "rt")) << "--check started something";
}

TEST(CheckFlag, AValidConfigurationExitsZeroAndStartsNothing) {
    TempDir conf, run;
    conf.write("a.yaml", "connections:\n  a:\n    remote: {address: 192.0.2.2}\n");
    const auto r = check(conf, run);
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_FALSE(std::filesystem::exists(run.path() / "rt")) << "--check started something";
}

}  // namespace
}  // namespace ipsecd
