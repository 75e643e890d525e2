// ipsecctl: the command-line client of ipsecd over D-Bus (DESIGN Part 2 "Programs").
#include <ctime>
#include <iostream>

#include "cli/client.hpp"
#include "cli/command_line.hpp"
#include "cli/status_json.hpp"
#include "cli/status_text.hpp"

namespace {

using namespace ipsecd::cli;

int fail(const std::string& message, int code) {
    std::cerr << "ipsecctl: " << message << "\n";
    return code;
}

int report(const base::Status& status) { return status ? 0 : fail(status.error().message, 1); }

int run(Client& client, const Command& command) {
    switch (command.verb) {
        case Verb::up: return report(client.up(command.name));
        case Verb::down: return report(client.down(command.name));
        case Verb::reload: return report(client.reload());
        case Verb::list: {
            auto connections = client.list();
            if (!connections) return fail(connections.error().message, 1);
            for (auto& [name, path] : *connections) std::cout << name << "\n";
            return 0;
        }
        case Verb::leases: {
            auto leases = client.leases();
            if (!leases) return fail(leases.error().message, 1);
            if (command.json) std::cout << render_json(*leases);
            else
                for (const auto& l : *leases)
                    std::cout << l.pool << " " << l.address << " " << l.identity << " "
                              << (l.online ? "online" : "offline") << "\n";
            return 0;
        }
        case Verb::status: {
            base::Result<std::vector<ConnectionView>> status = std::vector<ConnectionView>{};
            if (command.name.empty()) {
                status = client.status();
            } else if (auto one = client.status(command.name)) {
                status->push_back(std::move(*one));
            } else {
                status = base::Unexpected{one.error()};
            }
            if (!status) return fail(status.error().message, 1);
            auto now = static_cast<std::uint64_t>(std::time(nullptr));
            std::cout << (command.json ? render_json(*status) : render_text(*status, now));
            return 0;
        }
        case Verb::help: break;  // answered before connecting
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto command = parse_command_line(argc, argv);
    if (!command) return fail(command.error().message, 2);
    if (command->verb == Verb::help) {
        std::cout << help_text();
        return 0;
    }
    auto client = Client::connect(command->address);
    if (!client) return fail(client.error().message, 1);
    return run(*client, *command);
}
