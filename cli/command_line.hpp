// ipsecctl's command line (Boost.Program_options): global options, one command, its
// arguments. Errors are values with a one-line message, never exceptions.
#pragma once

#include <string>

#include "base/result.hpp"

namespace ipsecd::cli {

enum class Verb { help, status, up, down, reload, list, leases };

struct Command {
    Verb verb = Verb::help;
    std::string address;  // --address; empty = system bus
    bool json = false;    // status --json, leases --json
    std::string name;     // up/down NAME, status [NAME]
};

base::Result<Command> parse_command_line(int argc, const char* const* argv);

// The --help text, laid out like a manual page.
const char* help_text();

}  // namespace ipsecd::cli
