// ipsecd: loads the configuration, opens the kernel, the sockets and the bus, and runs the
// event loop (docs/DESIGN.md Part 2, "Programs").
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include <cstring>
#include <iostream>
#include <random>

#include "daemon/config/loader.hpp"
#include "daemon/control.hpp"
#include "daemon/credentials.hpp"
#include "daemon/daemon.hpp"
#include "daemon/heap.hpp"
#include "daemon/instance_lock.hpp"
#include "daemon/options.hpp"
#include "daemon/spd_hash.hpp"
#include "dbus/bus.hpp"
#include "ike/crypto/secret_memory.hpp"
#include "xfrm/memory_kernel.hpp"
#include "xfrm/memory_routing.hpp"
#include "xfrm/netlink_kernel.hpp"
#include "xfrm/netlink_routing.hpp"

namespace {

// The bus gone (dbus-daemon stopped, or it dropped us): the daemon exits with 1 without its
// SIGTERM clean-up, as a crash would. Its SAs and policies stay in the kernel, so traffic
// stays protected or dropped, never in clear, and the next start (systemd's
// Restart=on-failure) takes them over (DESIGN Part 2, "Programs").
struct BusLoss {
    const ipsecd::Logger& log;
    sd_event* event;
};

int on_disconnected(sd_bus_message*, void* userdata, sd_bus_error*) {
    const auto& loss = *static_cast<const BusLoss*>(userdata);
    loss.log.error("lost the D-Bus connection: exiting, the SAs and policies stay in the kernel for the next start");
    return sd_event_exit(loss.event, 1);
}

// The bus connection, attached to the daemon's loop; honours DBUS_SYSTEM_BUS_ADDRESS.
base::Result<sd_bus*> connect_bus(sd_event* event, BusLoss& loss) {
    sd_bus* bus = nullptr;
    int r = sd_bus_open_system(&bus);
    if (r < 0) return base::fail(std::string("connecting to the system bus: ") + std::strerror(-r), -r);
    // Open past the loop's exit (sd-bus closes it then by default): SIGTERM's calls to
    // systemd-resolved are answered after it (ResolvedDns::settle).
    if ((r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL)) < 0 || (r = sd_bus_set_close_on_exit(bus, 0)) < 0 ||
        (r = sd_bus_match_signal(bus, nullptr, nullptr, "/org/freedesktop/DBus/Local", "org.freedesktop.DBus.Local",
                                 "Disconnected", on_disconnected, &loss)) < 0) {
        sd_bus_unref(bus);
        return base::fail(std::string("attaching the bus to the event loop: ") + std::strerror(-r), -r);
    }
    return bus;
}

// Where --kernel puts XFRM state and tunnel routes. Lookups (the source address towards a
// peer) are always the host's: IKE itself really goes over its network.
struct KernelSide {
    std::unique_ptr<xfrm::Kernel> kernel;
    std::unique_ptr<xfrm::NetlinkRouting> host_routing;
    std::unique_ptr<xfrm::MemoryRouting> memory_routing;  // --kernel memory only
    int event_fd = -1;                                    // the kernel's events (netlink only)
    std::function<void()> dispatch_events;
    xfrm::MemoryKernel* memory = nullptr;  // --kernel memory: the model every shard shares

    xfrm::Routing& routing() {
        if (memory_routing) return *memory_routing;
        return *host_routing;
    }
};

// Fails as the kernel does: --kernel memory is chosen, never a fallback. The SPD hash
// thresholds asked for are in force, or the daemon does not start.
base::Result<KernelSide> open_kernel(const ipsecd::Options& options, const ipsecd::Logger& log) {
    const ipsecd::KernelBackend backend = options.kernel;
    KernelSide side;
    if (backend == ipsecd::KernelBackend::memory) {
        log.warning("kernel: in-memory model, no packet is protected");
        // SPIs from a random point, as the kernel picks them at random: two daemons with
        // their own models on one address (tests) must not hand out the same SPIs.
        auto memory = std::make_unique<xfrm::MemoryKernel>(std::random_device{}());
        side.memory = memory.get();
        side.kernel = std::move(memory);
    } else {
        auto netlink = xfrm::NetlinkKernel::open();
        if (!netlink) return base::fail("opening the kernel's XFRM interface: " + netlink.error().message);
        xfrm::NetlinkKernel* events = netlink->get();
        side.event_fd = events->event_fd();
        side.dispatch_events = [events] { events->dispatch_events(); };
        side.kernel = std::move(*netlink);
    }
    auto spd_hash = ipsecd::apply_spd_hash_thresholds(*side.kernel, options.spd_hash);
    if (!spd_hash) return base::fail("--spd-hthresh4/6: " + spd_hash.error().message);
    if (*spd_hash) log.info("kernel: SPD hash thresholds " + xfrm::describe(**spd_hash) + " (local/remote prefix bits)");
    auto routing = xfrm::NetlinkRouting::open();
    if (!routing) return base::fail("opening the kernel's routing interface: " + routing.error().message);
    side.host_routing = std::move(*routing);
    if (backend == ipsecd::KernelBackend::memory)
        side.memory_routing = std::make_unique<xfrm::MemoryRouting>(*side.host_routing);
    return side;
}

// Another shard's own way to the kernel (daemon/shard.hpp): netlink sockets of its own (no
// events: the main thread has them), or the one in-memory model, and the host's routes.
base::Result<ipsecd::ShardKernel> open_shard_kernel(xfrm::MemoryKernel* memory) {
    ipsecd::ShardKernel k;
    if (memory) {
        k.spis = memory;
    } else {
        auto netlink = xfrm::NetlinkKernel::open(false);
        if (!netlink) return base::fail("opening the kernel's XFRM interface: " + netlink.error().message);
        k.own = std::move(*netlink);
        k.spis = k.own.get();
    }
    auto routing = xfrm::NetlinkRouting::open();
    if (!routing) return base::fail("opening the kernel's routing interface: " + routing.error().message);
    k.routing = std::move(*routing);
    return k;
}

std::string summary(const ipsecd::Control& control) {
    auto n = control.merged().connections.size();
    return "STATUS=" + std::to_string(n) + " connection" + (n == 1 ? "" : "s") + " loaded";
}

}  // namespace

int main(int argc, char** argv) {
    // Before the first secret: keys on the heap, as the bench measures them (one thread
    // today; the planned shards, DESIGN Part 1, would take turns at Botan's pool's lock).
    const bool secrets_from_heap = ike::crypto::secrets_from_heap();
    auto parsed = ipsecd::parse_options({argv + 1, argv + argc});
    if (!parsed) {
        std::cerr << "ipsecd: " << parsed.error().message << "\n";
        return 2;
    }
    if (parsed->outcome == ipsecd::OptionsOutcome::exit_ok) return 0;
    const ipsecd::Options& options = parsed->options;
    ipsecd::Logger log(options.log_level, options.log_target);
    if (!secrets_from_heap) log.warning("secrets are in Botan's locked pool, not on the heap as intended");

    auto loaded = ipsecd::config::load_directory(options.config_dir);
    // The files the configuration names are part of it: --check reads them too.
    auto credentials = ipsecd::load_credentials(loaded);
    if (!credentials)
        loaded.diagnostics.insert(loaded.diagnostics.end(), credentials.error().begin(), credentials.error().end());
    if (options.check) {
        ipsecd::config::print(std::cerr, loaded.diagnostics);
        return loaded.ok() ? 0 : 1;
    }
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics) log.error(ipsecd::config::format(d));
        log.error("configuration in " + options.config_dir + " is invalid, not starting");
        return 1;
    }
    auto lock = ipsecd::InstanceLock::acquire(options.runtime_dir);
    if (!lock) {
        log.error("not starting: " + lock.error().message);
        return 1;
    }

    auto kernel = open_kernel(options, log);
    if (!kernel) {
        log.error(kernel.error().message);
        return 1;
    }
    ipsecd::Routes routes(kernel->routing(), log);
    ipsecd::VirtualIps vips(kernel->routing(), log);
    vips.remove_leftovers(ipsecd::Routes::kTable);
    ipsecd::Daemon daemon(options, log);
    if (auto st = daemon.start(loaded.config, std::move(kernel->kernel), kernel->routing(), kernel->event_fd,
                               std::move(kernel->dispatch_events),
                               [memory = kernel->memory] { return open_shard_kernel(memory); });
        !st) {
        log.error(st.error().message);
        return 1;
    }
    daemon.set_routes(&routes);
    daemon.set_virtual_ips(&vips);
    ipsecd::Control control(daemon, options, log, std::move(loaded.config), std::move(*credentials));

    BusLoss loss{log, daemon.event()};
    auto bus = connect_bus(daemon.event(), loss);
    if (!bus) {
        log.error(bus.error().message);
        return 1;
    }
    auto resolved = std::make_unique<ipsecd::ResolvedDns>(*bus, log, options.runtime_dir);
    resolved->take_over();  // before any IKE SA, like the virtual IPs
    daemon.set_resolved_dns(resolved.get());
    auto objects = ipsecd::bus::Bus::create(*bus, control);
    if (!objects) {
        log.error("registering the D-Bus objects: " + objects.error().message);
        return 1;
    }
    // The bus first: a State change's signals go ahead of the Up or Down reply it completes.
    daemon.set_state_listener([&](const ike::engine::StatePublished& s) {
        (*objects)->publish(s);
        control.on_state(s);
    });
    daemon.set_reload_handler([&] {
        if (auto changed = control.reload()) (*objects)->sync(*changed);
    });
    if (auto st = (*objects)->request_name(); !st) {
        log.error("owning org.ipsecd1 on the bus: " + st.error().message);
        return 1;
    }
    log.info("heap: " + ipsecd::heap_name());
    log.info("ipsecd " IPSECD_VERSION " running: " + summary(control).substr(7));
    sd_notify(0, ("READY=1\n" + summary(control)).c_str());
    routes.start();  // last: every exit from here on goes through SIGTERM's clean-up
    control.start_connections();
    (*objects)->sync();  // the manual connections start_connections() installed
    int rc = daemon.run();
    objects->reset();
    daemon.set_resolved_dns(nullptr);
    if (rc == 0) resolved->settle(std::chrono::seconds(2));  // SIGTERM: stop()'s calls answered first
    resolved.reset();
    sd_bus_flush_close_unref(*bus);
    return rc;
}
