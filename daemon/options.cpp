#include "daemon/options.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace ipsecd {

namespace po = boost::program_options;

static constexpr const char* kUsage =
    "Usage: ipsecd [OPTIONS]\n"
    "IKEv2 daemon programming the kernel's IPsec (XFRM). Runs in the foreground;\n"
    "SIGHUP reloads the configuration, SIGTERM deletes every SA it made and exits.\n";

base::Result<ParsedOptions> parse_options(const std::vector<std::string>& args) {
    ParsedOptions out;
    Options& o = out.options;
    std::string level = "info", target, kernel = "netlink";
    unsigned ike_port = o.ike_port, natt_port = o.natt_port;
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
        ("kernel", po::value(&kernel), "netlink|memory (default netlink); memory: SAs, policies and routes in an in-memory "
                                       "model, NO PACKET IS PROTECTED (benchmarks, tests)");
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
    return out;
}

}  // namespace ipsecd
