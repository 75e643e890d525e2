// nm-ipsecd-service: NetworkManager's VPN plugin for ipsecd. NM starts one process per VPN
// connection (`--bus-name org.freedesktop.NetworkManager.ipsecd.Connection_<N>`, the .name
// file says supports-multiple-connections=true); it must own that name within 5 s, and
// release it before it exits.
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "daemon/log.hpp"
#include "dbus/nm/plugin.hpp"

namespace {

// NM passes its log level as a syslog priority and whether to log to syslog.
ipsecd::Logger logger_from_environment() {
    auto level = ipsecd::LogLevel::info;
    if (const char* l = std::getenv("NM_VPN_LOG_LEVEL")) {
        int n = std::atoi(l);
        level = n <= 3 ? ipsecd::LogLevel::error
              : n <= 5 ? ipsecd::LogLevel::warning
              : n == 6 ? ipsecd::LogLevel::info
                       : ipsecd::LogLevel::debug;
    }
    const char* syslog = std::getenv("NM_VPN_LOG_SYSLOG");
    auto target = syslog && std::string_view(syslog) == "1" ? ipsecd::LogTarget::journal
                                                            : ipsecd::LogTarget::stderr;
    return ipsecd::Logger(level, target);
}

int usage(const char* message) {
    std::cerr << "nm-ipsecd-service: " << message
              << "\nusage: nm-ipsecd-service [--bus-name NAME]  (started by NetworkManager)\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string bus_name = nm::default_bus_name;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--bus-name" && i + 1 < argc) bus_name = argv[++i];
        else if (arg == "--help") return usage("NetworkManager's VPN plugin for ipsecd"), 0;
        else return usage(("unknown argument " + std::string(arg)).c_str());
    }
    auto log = logger_from_environment();
    log.info("started pid " + std::to_string(getpid()) + " for " + bus_name);

    sd_event* event = nullptr;
    sd_bus* bus = nullptr;
    int r = sd_event_default(&event);
    if (r >= 0) r = sd_bus_open_system(&bus);
    if (r >= 0) r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
    if (r < 0) {
        log.error(std::string("cannot connect to the system bus: ") + strerror(-r));
        return 1;
    }
    int exit_code = 1;
    {
        nm::Plugin plugin(bus, event, log);
        r = plugin.start();
        if (r >= 0) r = sd_bus_request_name(bus, bus_name.c_str(), 0);
        if (r < 0) {
            log.error("cannot own " + bus_name + ": " + strerror(-r));
        } else {
            r = sd_event_loop(event);
            exit_code = r < 0 ? 1 : r;
            sd_bus_release_name(bus, bus_name.c_str());
        }
    }
    sd_bus_flush_close_unref(bus);
    sd_event_unref(event);
    log.info("exiting");
    return exit_code;
}
