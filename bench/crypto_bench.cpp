#include <cstdio>

#include "bench/bench.hpp"

// Placeholder until the crypto benchmark lands; it reports that it measures nothing.
int bench::run_crypto(const Args&) {
    std::fprintf(stderr, "ipsecd-bench crypto: not implemented yet\n");
    return 1;
}
