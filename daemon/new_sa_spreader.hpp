// Which engine threads new IKE SAs go to (docs/DESIGN.md "Several cores: shards"). Every
// thread but the first costs a hand-off per turn (its effects are applied on the main thread)
// and wakeups on two threads where one would do: measured on 2 cores, 21-28% more CPU per SA
// for no more SAs per second while one thread kept up. So with --spread-new-sas auto (the
// default), new IKE SAs stay on the first thread until the daemon is busy: over half a core in
// the last second spreads them over every thread, under a quarter gathers them again (the gap
// keeps it from flapping). IKE SAs already set up stay where their SPI says either way.
// NewSaSpreader does it on the main thread: once a second it reads the daemon's CPU time and,
// when spread_new_sas() changes its mind, replaces the steering program of each IKE port's
// socket group (attach_shard_steering) and says so in the log.
#pragma once

#include <systemd/sd-event.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.hpp"
#include "daemon/ike_socket.hpp"
#include "daemon/log.hpp"

namespace ipsecd {

inline constexpr double kSpreadAbove = 0.5, kGatherBelow = 0.25;  // cores busy

// Whether new IKE SAs go to every thread from now on, given whether they do (`spreading`) and
// the daemon's CPU time over the last window in cores (1.0: one core busy throughout).
constexpr bool spread_new_sas(bool spreading, double busy) {
    return spreading ? busy >= kGatherBelow : busy > kSpreadAbove;
}

class NewSaSpreader {
public:
    // `sockets`: the first socket of each group, kept by the caller for the spreader's life.
    // New IKE SAs start gathered on the first of `threads` threads.
    static base::Result<std::unique_ptr<NewSaSpreader>> start(sd_event* event, const std::vector<IkeSocket>& sockets,
                                                             unsigned threads, Logger& log);
    ~NewSaSpreader();
    NewSaSpreader(const NewSaSpreader&) = delete;
    NewSaSpreader& operator=(const NewSaSpreader&) = delete;

private:
    NewSaSpreader(const std::vector<IkeSocket>& sockets, unsigned threads, Logger& log)
        : sockets_(sockets), threads_(threads), log_(log) {}
    base::Status steer(bool spread);
    static int on_tick(sd_event_source*, std::uint64_t, void* self);

    const std::vector<IkeSocket>& sockets_;
    const unsigned threads_;
    Logger& log_;
    bool spreading_ = false;
    sd_event_source* timer_ = nullptr;
    std::uint64_t cpu_ns_ = 0, wall_ns_ = 0;  // at the window's start
};

}  // namespace ipsecd
