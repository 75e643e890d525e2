// Host names of remote.address (ike/v2/resolve.cpp) resolved off the event loop: the engine's
// ResolveHost goes to one worker thread that calls getaddrinfo(3) (which may wait seconds for
// DNS); each answer comes back through an eventfd watched by sd-event and is handed to the
// handler on the loop's thread, in the order the answers arrive.
#pragma once

#include <systemd/sd-event.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "base/result.hpp"
#include "ike/engine/effects.hpp"
#include "ike/engine/events.hpp"

namespace ipsecd {

// getaddrinfo(3) for one name: its addresses in the resolver's order (RFC 6724 via
// /etc/gai.conf), each once, or none and gai_strerror's text. Blocks.
ike::engine::HostResolved resolve_now(const ike::engine::ResolveHost& request);

class Resolver {
public:
    using Handler = std::function<void(ike::engine::HostResolved)>;

    // Watches its eventfd on `event`; `handler` gets each answer on the loop's thread.
    static base::Result<std::unique_ptr<Resolver>> create(sd_event* event, Handler handler);
    // Waits for the name being resolved, if any (bounded by the resolver's own timeouts).
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // Queues a request; never blocks.
    void resolve(ike::engine::ResolveHost request);

private:
    explicit Resolver(Handler handler);
    static int on_answers(sd_event_source*, int fd, uint32_t, void* self);
    void work();

    Handler handler_;
    int eventfd_ = -1;
    sd_event_source* source_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<ike::engine::ResolveHost> requests_;  // guarded by mutex_
    std::deque<ike::engine::HostResolved> answers_;  // guarded by mutex_
    bool stopping_ = false;                      // guarded by mutex_
    std::thread worker_;
};

}  // namespace ipsecd
