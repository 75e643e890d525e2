#include "daemon/new_sa_spreader.hpp"

#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "daemon/shard_steering.hpp"

namespace ipsecd {

namespace {

constexpr std::uint64_t kWindowUs = 1'000'000, kAccuracyUs = 50'000;

std::uint64_t clock_ns(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(t.tv_nsec);
}

}  // namespace

base::Result<std::unique_ptr<NewSaSpreader>> NewSaSpreader::start(sd_event* event, const std::vector<IkeSocket>& sockets,
                                                                 unsigned threads, Logger& log) {
    std::unique_ptr<NewSaSpreader> s(new NewSaSpreader(sockets, threads, log));
    if (auto st = s->steer(false); !st) return base::Unexpected{st.error()};
    s->cpu_ns_ = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    s->wall_ns_ = clock_ns(CLOCK_MONOTONIC);
    if (int r = sd_event_add_time_relative(event, &s->timer_, CLOCK_MONOTONIC, kWindowUs, kAccuracyUs, on_tick, s.get());
        r < 0)
        return base::fail(std::string("arming the spread timer: ") + std::strerror(-r), -r);
    sd_event_source_set_enabled(s->timer_, SD_EVENT_ON);
    return s;
}

NewSaSpreader::~NewSaSpreader() {
    if (timer_) sd_event_source_disable_unref(timer_);
}

base::Status NewSaSpreader::steer(bool spread) {
    for (const auto& socket : sockets_)
        if (auto st = attach_shard_steering(socket.fd(), socket.natt(), threads_, spread); !st) return st;
    return {};
}

int NewSaSpreader::on_tick(sd_event_source* source, std::uint64_t, void* p) {
    auto* self = static_cast<NewSaSpreader*>(p);
    const std::uint64_t cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID), wall = clock_ns(CLOCK_MONOTONIC);
    const double busy = wall > self->wall_ns_ ? double(cpu - self->cpu_ns_) / double(wall - self->wall_ns_) : 0;
    self->cpu_ns_ = cpu;
    self->wall_ns_ = wall;
    if (const bool spread = spread_new_sas(self->spreading_, busy); spread != self->spreading_) {
        char figure[16];
        std::snprintf(figure, sizeof figure, "%.0f%%", busy * 100);
        if (auto st = self->steer(spread); !st) {
            self->log_.warning("steering new IKE SAs: " + st.error().message);
        } else {
            self->spreading_ = spread;
            self->log_.info((spread ? "new IKE SAs spread over " + std::to_string(self->threads_) + " threads"
                                    : std::string("new IKE SAs on the first thread")) +
                            " (the daemon used " + figure + " of a CPU in the last second)");
        }
    }
    sd_event_source_set_time_relative(source, kWindowUs);
    return 0;
}

}  // namespace ipsecd
