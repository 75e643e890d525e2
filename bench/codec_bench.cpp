#include <cstdio>

#include "bench/bench.hpp"

// Placeholder until the codec benchmark lands; it reports that it measures nothing.
int bench::run_codec(const Args&) {
    std::fprintf(stderr, "ipsecd-bench codec: not implemented yet\n");
    return 1;
}
