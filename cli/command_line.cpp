#include "cli/command_line.hpp"

#include <vector>

#include <boost/program_options.hpp>

namespace ipsecd::cli {

namespace po = boost::program_options;

namespace {

struct VerbName {
    const char* name;
    Verb verb;
    int arguments;  // positional arguments after the verb
    bool optional = false;  // ... or none
};
constexpr VerbName kVerbs[] = {
    {"status", Verb::status, 1, true}, {"up", Verb::up, 1},     {"down", Verb::down, 1},
    {"reload", Verb::reload, 0}, {"list", Verb::list, 0}, {"help", Verb::help, 0},
    {"leases", Verb::leases, 0},
};

base::Result<Command> parse(int argc, const char* const* argv) {
    po::options_description global;
    global.add_options()("help,h", "")("address", po::value<std::string>(), "")(
        "command", po::value<std::string>(), "")("args", po::value<std::vector<std::string>>(), "");
    po::positional_options_description positional;
    positional.add("command", 1).add("args", -1);
    auto parsed = po::command_line_parser(argc, argv)
                      .options(global)
                      .positional(positional)
                      .allow_unregistered()
                      .run();
    po::variables_map vm;
    po::store(parsed, vm);

    Command command;
    if (vm.count("address")) command.address = vm["address"].as<std::string>();
    if (vm.count("help") || !vm.count("command")) return command;

    auto verb_text = vm["command"].as<std::string>();
    const VerbName* verb = nullptr;
    for (auto& v : kVerbs)
        if (verb_text == v.name) verb = &v;
    if (!verb) return base::fail("unknown command '" + verb_text + "' (see ipsecctl --help)");
    command.verb = verb->verb;

    // What follows the verb: its own options and arguments.
    auto rest = po::collect_unrecognized(parsed.options, po::include_positional);
    rest.erase(rest.begin());
    po::options_description own;
    if (command.verb == Verb::status || command.verb == Verb::leases) own.add_options()("json", "");
    own.add_options()("args", po::value<std::vector<std::string>>(), "");
    po::positional_options_description own_positional;
    own_positional.add("args", -1);
    po::variables_map own_vm;
    po::store(po::command_line_parser(rest).options(own).positional(own_positional).run(), own_vm);
    command.json = own_vm.count("json") > 0;
    auto args = own_vm.count("args") ? own_vm["args"].as<std::vector<std::string>>()
                                     : std::vector<std::string>{};
    if (static_cast<int>(args.size()) != verb->arguments && !(verb->optional && args.empty()))
        return base::fail(std::string(verb->name) + (verb->optional    ? " takes at most one connection name"
                                                     : verb->arguments ? " takes a connection name"
                                                                       : " takes no arguments"));
    if (!args.empty()) command.name = args.front();
    return command;
}

}  // namespace

base::Result<Command> parse_command_line(int argc, const char* const* argv) {
    try {
        return parse(argc, argv);
    } catch (const po::error& e) {  // Program_options reports by exception: stop it here
        return base::fail(std::string(e.what()) + " (see ipsecctl --help)");
    }
}

const char* help_text() {
    return R"(NAME
       ipsecctl - control and observe the ipsecd IKE daemon

SYNOPSIS
       ipsecctl [--address BUS_ADDRESS] status [--json] [NAME]
       ipsecctl [--address BUS_ADDRESS] up NAME
       ipsecctl [--address BUS_ADDRESS] down NAME
       ipsecctl [--address BUS_ADDRESS] reload
       ipsecctl [--address BUS_ADDRESS] list
       ipsecctl [--address BUS_ADDRESS] leases [--json]
       ipsecctl --help

DESCRIPTION
       ipsecctl talks to ipsecd over D-Bus (service org.ipsecd1 on the system bus). Reading
       is allowed to every user; up, down and reload need root (the bus policy decides).

COMMANDS
       status [--json] [NAME]
              Show every connection with its state, its IKE SAs and CHILD SAs: addresses,
              SPIs, algorithms, traffic selectors, age, next rekey and traffic. With --json,
              print one JSON object {"connections":[...]} for scripts. With NAME, only that
              connection (read from its own D-Bus objects: the other connections' SAs are
              not fetched); an unknown NAME is an error.

       up NAME
              Bring connection NAME up; returns when its IKE SA and first CHILD SA are
              established, or fails with the reason.

       down NAME
              Take connection NAME down; returns when its SAs are deleted.

       reload Re-read /etc/ipsecd.d. If any file has an error nothing changes and every
              problem is printed as FILE:LINE:COLUMN: message.

       list   Print the connection names, one a line.

       leases [--json]
              Print the leases of the address pools, one a line: pool, address,
              identity, online or offline. With --json, one object {"leases":[...]}.

OPTIONS
       --address BUS_ADDRESS
              Talk to the bus at BUS_ADDRESS (e.g. unix:path=/run/test/bus) instead of the
              system bus.

       -h, --help
              Show this text.

EXIT STATUS
       0 on success; 1 when the daemon reports an error or cannot be reached (one line on
       standard error, the D-Bus error message); 2 on a usage error.

EXAMPLES
       ipsecctl up site-b && ipsecctl status
       ipsecctl status --json | jq '.connections[].state'
)";
}

}  // namespace ipsecd::cli
