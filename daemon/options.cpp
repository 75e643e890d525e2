#include "daemon/options.hpp"

#include <sched.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

namespace ipsecd {

namespace po = boost::program_options;

static constexpr const char* kUsage =
    "Usage: ipsecd [OPTIONS]\n"
    "IKEv2 daemon programming the kernel's IPsec (XFRM). Runs in the foreground;\n"
    "SIGHUP reloads the configuration, SIGTERM deletes every SA it made and exits.\n";

namespace {

// "MIN-MAX", each decimal or 0x-hex, 0x100 <= MIN <= MAX <= 0xffffffff.
bool parse_spi_range(const std::string& text, Options& o) {
    const auto dash = text.find('-');
    if (dash == std::string::npos) return false;
    auto number = [](const std::string& s, std::uint32_t& out) {
        if (s.empty() || s.size() > 10) return false;
        char* end = nullptr;
        const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
        if (*end != '\0' || !std::isxdigit(static_cast<unsigned char>(s[0])) || v > 0xffffffffULL) return false;
        out = static_cast<std::uint32_t>(v);
        return true;
    };
    std::uint32_t min = 0, max = 0;
    if (!number(text.substr(0, dash), min) || !number(text.substr(dash + 1), max) || min < 0x100 || min > max)
        return false;
    o.spi_min = min;
    o.spi_max = max;
    return true;
}

}  // namespace

unsigned default_threads() {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    if (sched_getaffinity(0, sizeof cpus, &cpus) != 0) return 1;
    return std::clamp(static_cast<unsigned>(CPU_COUNT(&cpus)), 1u, kMaxThreads);
}

base::Result<ParsedOptions> parse_options(const std::vector<std::string>& args) {
    ParsedOptions out;
    Options& o = out.options;
    o.threads = default_threads();
    std::string level = "info", target, kernel = "netlink", spi_range, hthresh4, hthresh6, spread = "auto";
    unsigned ike_port = o.ike_port, natt_port = o.natt_port, threads = o.threads;
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "print this help and exit")
        ("version", "print the version and exit")
        ("config-dir", po::value(&o.config_dir), "read every *.yaml here (default /etc/ipsecd.d)")
        ("check", po::bool_switch(&o.check), "validate the configuration, print FILE:LINE:COLUMN problems, exit 0 if valid")
        ("runtime-dir", po::value(&o.runtime_dir), "runtime state (default /run/ipsecd)")
        ("log-level", po::value(&level), "error|warning|info|debug (default info)")
        ("log-target", po::value(&target), "stderr|journal (default: journal under systemd)")
        ("ike-port", po::value(&ike_port), "IKE UDP port (default 500)")
        ("natt-port", po::value(&natt_port), "NAT-T UDP port (default 4500)")
        ("spi-range", po::value(&spi_range), "MIN-MAX: the inbound CHILD SA SPIs the kernel allocates from "
                                              "(default 0x100-0xffffffff)")
        ("kernel", po::value(&kernel), "netlink|memory (default netlink); memory: SAs, policies and routes in an in-memory "
                                       "model, NO PACKET IS PROTECTED (benchmarks, tests)")
        ("spd-hthresh4", po::value(&hthresh4),
         "LOCAL/REMOTE: IPv4 policies whose local (outbound source) and remote selector prefixes are at least "
         "this long go into the kernel's policy hash table; shorter ones into its inexact lists, whose inserts "
         "slow down as they grow (the kernel's default, 32/32, hashes host<->host policies only). Set at start "
         "for the whole network namespace (ip xfrm policy set hthresh4); which policy a packet matches does "
         "not change. E.g. 24/32 for /24 <-> /32 road-warrior tunnels")
        ("spd-hthresh6", po::value(&hthresh6), "LOCAL/REMOTE: the same for IPv6 (kernel default 128/128)")
        ("threads", po::value(&threads), "N: IKEv2 handshakes on N threads (1-64; default: one per CPU ipsecd may run "
                                          "on); each IKE SA stays on the thread its SPI names, IKEv1, traps and "
                                          "initiations on the first")
        ("spread-new-sas", po::value(&spread), "auto|always: which of the --threads new IKE SAs go to; auto (default): "
                                                "the first until ipsecd uses half a CPU, then every one until it "
                                                "uses under a quarter; always: every one");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return base::fail(std::string(e.what()) + " (see ipsecd --help)");
    }
    if (vm.count("help")) {
        std::cout << kUsage << "\n" << desc;
        out.outcome = OptionsOutcome::exit_ok;
        return out;
    }
    if (vm.count("version")) {
        std::cout << "ipsecd " << IPSECD_VERSION << "\n";
        out.outcome = OptionsOutcome::exit_ok;
        return out;
    }
    auto l = parse_log_level(level);
    if (!l) return base::fail("--log-level must be error, warning, info or debug, not '" + level + "'");
    o.log_level = *l;
    if (!target.empty()) {
        auto t = parse_log_target(target);
        if (!t) return base::fail("--log-target must be stderr or journal, not '" + target + "'");
        o.log_target = *t;
    }
    if (kernel == "memory") o.kernel = KernelBackend::memory;
    else if (kernel != "netlink") return base::fail("--kernel must be netlink or memory, not '" + kernel + "'");
    if (ike_port == 0 || ike_port > 65535 || natt_port == 0 || natt_port > 65535 || ike_port == natt_port)
        return base::fail("--ike-port and --natt-port must be two different ports in 1..65535");
    o.ike_port = static_cast<std::uint16_t>(ike_port);
    o.natt_port = static_cast<std::uint16_t>(natt_port);
    if (threads < 1 || threads > kMaxThreads)
        return base::fail("--threads must be 1.." + std::to_string(kMaxThreads) + ", not " + std::to_string(threads));
    o.threads = threads;
    if (spread != "auto" && spread != "always")
        return base::fail("--spread-new-sas must be auto or always, not '" + spread + "'");
    o.spread_new_sas_always = spread == "always";
    if (!spi_range.empty() && !parse_spi_range(spi_range, o))
        return base::fail("--spi-range must be MIN-MAX with 0x100 <= MIN <= MAX <= 0xffffffff, not '" + spi_range + "'");
    if (!hthresh4.empty() && !(o.spd_hash.v4 = xfrm::parse_spd_hash_threshold(hthresh4, 32)))
        return base::fail("--spd-hthresh4 must be LOCAL/REMOTE prefix lengths 0..32, not '" + hthresh4 + "'");
    if (!hthresh6.empty() && !(o.spd_hash.v6 = xfrm::parse_spd_hash_threshold(hthresh6, 128)))
        return base::fail("--spd-hthresh6 must be LOCAL/REMOTE prefix lengths 0..128, not '" + hthresh6 + "'");
    return out;
}

}  // namespace ipsecd
