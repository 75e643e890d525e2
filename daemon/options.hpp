// ipsecd's command line (docs/DESIGN.md Part 2, "Programs").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/log.hpp"
#include "xfrm/kernel.hpp"

namespace ipsecd {

// Where XFRM state goes: the kernel (netlink), or an in-memory model that protects no packet
// (benchmarks and tests on hosts without ESP).
enum class KernelBackend { netlink, memory };

struct Options {
    std::string config_dir = "/etc/ipsecd.d";
    std::string runtime_dir = "/run/ipsecd";
    bool check = false;  // validate the configuration, print FILE:LINE:COLUMN problems, exit
    LogLevel log_level = LogLevel::info;
    LogTarget log_target = Logger::default_target();
    std::uint16_t ike_port = 500;
    std::uint16_t natt_port = 4500;
    // The inbound CHILD SA SPIs the kernel may allocate (XFRM_MSG_ALLOCSPI); 0-255 are
    // reserved (RFC 4303 2.1).
    std::uint32_t spi_min = 0x100, spi_max = 0xffffffff;
    KernelBackend kernel = KernelBackend::netlink;
    // --spd-hthresh4/6: the SPD hash thresholds set at start; a family not given keeps the
    // kernel's (the daemon does not touch the setting at all when neither is given).
    xfrm::SpdHashThresholds spd_hash{std::nullopt, std::nullopt};
    // --threads: IKEv2 engine threads, "shards" (docs/DESIGN.md "Several cores: shards"); by
    // default one per CPU the daemon may run on (default_threads).
    unsigned threads = 1;
    // --spread-new-sas always: new IKE SAs over every thread at once; auto (false): on the
    // first until the daemon is busy (daemon/new_sa_spreader.hpp).
    bool spread_new_sas_always = false;
};
inline constexpr unsigned kMaxThreads = 64;
// The CPUs this process may run on (sched_getaffinity: a unit's CPUAffinity, taskset), 1 to
// kMaxThreads.
unsigned default_threads();

enum class OptionsOutcome { run, exit_ok };  // exit_ok: --help / --version printed

struct ParsedOptions {
    Options options;
    OptionsOutcome outcome = OptionsOutcome::run;
};

// Parses argv; --help and --version print to stdout and yield exit_ok; errors are one line.
base::Result<ParsedOptions> parse_options(const std::vector<std::string>& args);

}  // namespace ipsecd
