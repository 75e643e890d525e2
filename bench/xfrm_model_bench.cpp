// ipsecd-bench xfrm-model --sas N: the memory of the in-memory XFRM model (xfrm::MemoryKernel,
// what `ipsecd --kernel memory` keeps instead of the kernel) for N CHILD SAs, measured alone:
// the model is filled with the kernel state bench/daemon-scale.sh's responder asks for, one
// CHILD SA at a time as the engine does (a larval inbound SA reserved, completed with its
// keys, the outbound SA), and the growth of this process's RSS is divided by N. The SAs are
// those of the load: tunnel mode between 127.0.0.1 and 127.0.0.1, AES-GCM-256, one reqid
// each; the peers' host-to-host selectors are all the same, so one policy of each direction
// holds for all of them. daemon-scale.sh subtracts the figure from the daemon's bytes per SA:
// a real ipsecd leaves SAs to the kernel.
#include <cstdio>
#include <fstream>
#include <string>

#include "bench/bench.hpp"
#include "xfrm/memory_kernel.hpp"

namespace {

long rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string key;
    long value = 0;
    while (status >> key)
        if (key == "VmRSS:" && status >> value) return value;
    return -1;
}

xfrm::Sa gcm_sa(const net::Address& src, const net::Address& dst, std::uint32_t spi, std::uint32_t reqid) {
    xfrm::Sa sa;
    sa.src = src;
    sa.dst = dst;
    sa.spi = spi;
    sa.reqid = reqid;
    sa.aead = xfrm::Aead{"rfc4106(gcm(aes))", base::SecretBytes(36, 0x5a), 128};
    sa.lifetime.soft_seconds = 3600;
    sa.lifetime.hard_seconds = 3960;
    return sa;
}

xfrm::Policy host_policy(const net::Address& us, const net::Address& peer, xfrm::Dir dir, std::uint32_t reqid) {
    const bool out = dir == xfrm::Dir::out;
    xfrm::Policy p;
    p.selector = {net::Prefix{out ? us : peer, 32}, net::Prefix{out ? peer : us, 32}};
    p.dir = dir;
    p.templates = {xfrm::Template{out ? us : peer, out ? peer : us, xfrm::Proto::esp, xfrm::Mode::tunnel, reqid, 0}};
    return p;
}

}  // namespace

namespace bench {

int run_xfrm_model(const Args& args) {
    unsigned long n = 0;
    if (args.size() == 2 && args[0] == "--sas") n = std::stoul(args[1]);
    if (n == 0) {
        std::fprintf(stderr, "usage: ipsecd-bench xfrm-model --sas N\n");
        return 2;
    }
    const auto local = *net::Address::parse("127.0.0.1");
    const auto peer = *net::Address::parse("127.0.0.1");
    xfrm::MemoryKernel kernel;
    const long before = rss_kb();
    for (auto dir : {xfrm::Dir::in, xfrm::Dir::out, xfrm::Dir::fwd})
        if (!kernel.add_policy(host_policy(local, peer, dir, 1))) return 1;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t reqid = 0x1d000001 + i;
        auto spi_in = kernel.alloc_spi(peer, local, xfrm::Proto::esp, reqid);
        if (!spi_in) return 1;
        if (!xfrm::complete_larval(kernel, gcm_sa(peer, local, *spi_in, reqid))) return 1;
        if (!kernel.add_sa(gcm_sa(local, peer, 0xc0000000u + i, reqid))) return 1;
    }
    const long after = rss_kb();
    std::printf("xfrm-model: %lu CHILD SAs (2 SAs each) in the in-memory XFRM model: RSS %ld -> %ld kB: %.0f bytes "
                "per CHILD SA\n",
                n, before, after, 1024.0 * static_cast<double>(after - before) / static_cast<double>(n));
    return 0;
}

}  // namespace bench
