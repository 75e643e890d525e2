// ipsecd-bench: performance figures, measured in-process (see README.md, "Benchmarks").
#include <cstdio>
#include <cstring>

#include "bench/bench.hpp"
#include "ike/crypto/secret_memory.hpp"

namespace {

struct Command {
    const char* name;
    int (*run)(const bench::Args&);
    const char* help;
};

constexpr Command commands[] = {
    {"xfrm", bench::run_xfrm, "xfrm --sas N [--json]: SA pairs + policies via xfrm/ vs ip xfrm (lab)"},
    {"codec", bench::run_codec, "codec [--json]: IKE messages decoded/encoded per second"},
    {"crypto", bench::run_crypto, "crypto [--json]: key exchanges and AEAD ops per second vs raw Botan"},
    {"handshakes", bench::run_handshakes,
     "handshakes [--version 1|2] [--pairs N] [--threads T] [--ke x25519|ecp256|modp2048] [--auth psk] [--json]: "
     "IKEv2 (or IKEv1 Main + Quick Mode, with IKEv2 as the baseline) handshakes/s between two engines, "
     "heap per SA, key-exchange bound"},
    {"idle-sas", bench::run_idle_sas,
     "idle-sas [--sas N]... [--events K] [--json]: CPU per engine event (idle tick, CHILD SA rekey, "
     "status of one connection) with N established SA pairs, N=1000 and 10000 by default"},
    {"daemon-load", bench::run_daemon_load,
     "daemon-load [--sas N] [--first K] [--window W] [--port P] [--remote A] [--remote-port P] [--psk KEY]: brings up N "
     "IKE SA + CHILD SA (identities bench-K@load.test from K=0) with a running ipsecd over UDP (bench/daemon-scale.sh)"},
    {"xfrm-model", bench::run_xfrm_model,
     "xfrm-model --sas N: bytes per CHILD SA of the in-memory XFRM model (ipsecd --kernel memory), measured alone"},
    {"bus-publish", bench::run_bus_publish,
     "bus-publish [--sas N] [--window W]: CPU and heap per SA of the D-Bus layer alone, N SAs published "
     "connecting then established, a flush every W"},
};

void usage() {
    std::fprintf(stderr, "usage: ipsecd-bench COMMAND [ARGS]\n");
    for (const auto& c : commands) std::fprintf(stderr, "  %s\n", c.help);
}

}  // namespace

int main(int argc, char** argv) {
    // `handshakes --threads T` runs engines on T threads: Botan's locked pool would make
    // them take turns at one mutex for every secret (issue 13).
    if (!ike::crypto::secrets_from_heap())
        std::fprintf(stderr, "ipsecd-bench: Botan's locked pool is in use: engine threads will contend on it\n");
    if (argc < 2) {
        usage();
        return 2;
    }
    for (const auto& c : commands)
        if (std::strcmp(argv[1], c.name) == 0) return c.run(bench::Args(argv + 2, argv + argc));
    usage();
    return 2;
}
