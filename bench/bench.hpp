// ipsecd-bench subcommands. Each prints human-readable figures, or one JSON object with
// --json, and measures its baseline (the raw primitive or tool) in the same run.
#pragma once

#include <time.h>

#include <string>
#include <vector>

namespace bench {

// CPU time of the calling thread (not wall time: the machine is shared).
inline double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

using Args = std::vector<std::string>;  // the subcommand's own arguments

int run_xfrm(const Args& args);        // bench/xfrm_bench.cpp
int run_codec(const Args& args);       // bench/codec_bench.cpp
int run_crypto(const Args& args);      // bench/crypto_bench.cpp
int run_handshakes(const Args& args);  // bench/handshake_bench.cpp
int run_idle_sas(const Args& args);    // bench/handshake_bench.cpp
int run_daemon_load(const Args& args); // bench/daemon_load.cpp
int run_xfrm_model(const Args& args);  // bench/xfrm_model_bench.cpp
int run_bus_publish(const Args& args); // bench/bus_bench.cpp

}  // namespace bench
