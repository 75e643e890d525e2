#include <cstdio>

#include "bench/bench.hpp"

// Placeholder until the xfrm benchmark lands; it reports that it measures nothing.
int bench::run_xfrm(const Args&) {
    std::fprintf(stderr, "ipsecd-bench xfrm: not implemented yet\n");
    return 1;
}
