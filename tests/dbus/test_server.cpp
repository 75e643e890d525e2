// ipsecd-test-bus-server --address ADDRESS: the org.ipsecd1 objects over FakeBackend on a
// private bus, plus a control object (/test, org.ipsecd1.Test) the tests drive. Prints
// "ready" once it owns org.ipsecd1; exits on SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "dbus/bus.hpp"
#include "tests/dbus/fake_backend.hpp"

namespace {

using ipsecd::bus::Bus;
using ipsecd::bus::test::FakeBackend;

struct Server {
    Bus* bus = nullptr;
    FakeBackend* backend = nullptr;
};

Server& of(void* userdata) { return *static_cast<Server*>(userdata); }

int complete(sd_bus_message* m, void* userdata, sd_bus_error*) {
    of(userdata).backend->complete_stalled();
    return sd_bus_reply_method_return(m, nullptr);
}

int pending(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto& s = of(userdata);
    return sd_bus_reply_method_return(m, "uu", static_cast<std::uint32_t>(s.bus->pending_replies()),
                                      static_cast<std::uint32_t>(s.backend->stalled()));
}

int set_reload_error(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* text = nullptr;
    if (int r = sd_bus_message_read(m, "s", &text); r < 0) return r;
    of(userdata).backend->set_reload_error(text);
    return sd_bus_reply_method_return(m, nullptr);
}

int stage(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    of(userdata).backend->stage_file_connection(name);
    return sd_bus_reply_method_return(m, nullptr);
}

int set_counters(sd_bus_message* m, void* userdata, sd_bus_error*) {
    ipsecd::bus::ChildSaLive live;
    int r = sd_bus_message_read(m, "tttt", &live.bytes_in, &live.bytes_out, &live.packets_in,
                                &live.packets_out);
    if (r < 0) return r;
    live.times = {ipsecd::bus::test::kEstablished, ipsecd::bus::test::kEstablished + 3600};
    of(userdata).backend->set_counters(live);
    return sd_bus_reply_method_return(m, nullptr);
}

int set_manual(sd_bus_message* m, void* userdata, sd_bus_error*) {
    int on = 0;
    if (int r = sd_bus_message_read(m, "b", &on); r < 0) return r;
    of(userdata).backend->set_manual(on != 0);
    return sd_bus_reply_method_return(m, nullptr);
}

int set_more_ike_sas(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* name = nullptr;
    std::uint32_t count = 0;
    if (int r = sd_bus_message_read(m, "su", &name, &count); r < 0) return r;
    of(userdata).backend->set_more_ike_sas(name, count);
    return sd_bus_reply_method_return(m, nullptr);
}

template <void (FakeBackend::*step)(const std::string&)>
int on_connection(sd_bus_message* m, void* userdata, sd_bus_error*) {
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    (of(userdata).backend->*step)(name);
    return sd_bus_reply_method_return(m, nullptr);
}

// The bounds of the replies that grow with the SAs, small enough for a test to reach them.
int set_reply_limits(sd_bus_message* m, void* userdata, sd_bus_error*) {
    std::uint64_t bytes = 0, objects = 0;
    if (int r = sd_bus_message_read(m, "tt", &bytes, &objects); r < 0) return r;
    of(userdata).bus->set_limits({bytes, objects});
    return sd_bus_reply_method_return(m, nullptr);
}

const sd_bus_vtable control_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("CompleteStalled", "", "", complete, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Pending", "", "uu", pending, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetReloadError", "s", "", set_reload_error, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("StageConnection", "s", "", stage, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetCounters", "tttt", "", set_counters, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetManual", "b", "", set_manual, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetReplyLimits", "tt", "", set_reply_limits, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetMoreIkeSas", "su", "", set_more_ike_sas, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Churn", "s", "", on_connection<&FakeBackend::churn>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("CloseChurned", "s", "", on_connection<&FakeBackend::close_churned>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

int die(const std::string& what, int r = 0) {
    std::fprintf(stderr, "test server: %s%s%s\n", what.c_str(), r ? ": " : "", r ? std::strerror(-r) : "");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 || std::string(argv[1]) != "--address") {
        std::fprintf(stderr, "usage: %s --address ADDRESS\n", argv[0]);
        return 2;
    }
    sd_event* event = nullptr;
    sd_bus* raw = nullptr;
    int r = sd_event_default(&event);
    if (r < 0) return die("sd_event_default", r);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    sd_event_add_signal(event, nullptr, SIGTERM, nullptr, nullptr);  // default: exit the loop
    if ((r = sd_bus_new(&raw)) < 0 || (r = sd_bus_set_address(raw, argv[2])) < 0 ||
        (r = sd_bus_set_bus_client(raw, 1)) < 0 || (r = sd_bus_start(raw)) < 0 ||
        (r = sd_bus_attach_event(raw, event, 0)) < 0)
        return die("connecting", r);
    int code = 0;
    {
        FakeBackend backend(event);
        auto bus = Bus::create(raw, backend);
        if (!bus) return die(bus.error().message);
        backend.attach(bus->get());
        Server server{bus->get(), &backend};
        sd_bus_slot* control = nullptr;
        if ((r = sd_bus_add_object_vtable(raw, &control, "/test", "org.ipsecd1.Test",
                                          control_vtable, &server)) < 0)
            return die("control object", r);
        if (auto owned = (*bus)->request_name(); !owned) return die(owned.error().message);
        std::printf("ready\n");
        std::fflush(stdout);
        code = sd_event_loop(event) < 0 ? 1 : 0;
        backend.attach(nullptr);
        sd_bus_slot_unref(control);
    }
    sd_bus_flush_close_unref(raw);
    sd_event_unref(event);
    return code;
}
